// What the source fixes for a call's simulation and what it leaves to examples, in words: the device mask,
// the size, the direction, the buffer, the device and the platforms. The pipeline view lists them in full
// (`sourceFacts`); the hover, which must stay small, keeps the two that change the numbers.
// No number passes for a fact: what is unknown says so, with the stand-in it was replaced by.
import { DIRECTION_KERNEL_NAME } from '@dmalens/core';
import type { CallSite } from '../analysis/callsite';
import type { DriverContext } from './driver-context';
import { EXAMPLE_SIZE_VALUE, type SiteSimulation } from './simulation';

/** Every fact, one sentence each, plain text. */
export function sourceFacts(site: CallSite, simulation: SiteSimulation, context: DriverContext): string[] {
  const facts = [`Device mask: ${context.maskWords}.`];
  if (site.size) facts.push(`Size: ${sizeWords(site.size, simulation)}.`);
  if (site.direction !== 'unknown') facts.push(`Direction: ${DIRECTION_KERNEL_NAME[site.direction]}.`);
  else if (simulation.exampleFields.includes('dir'))
    facts.push('Direction: not a constant; the example uses DMA_BIDIRECTIONAL.');
  if (site.bufferText) facts.push(`Buffer: \`${site.bufferText}\` (${site.bufferOrigin}).`);
  if (simulation.exampleFields.includes('phys')) facts.push('Physical address: an example; the source cannot tell it.');
  if (simulation.approximation) facts.push(`Approximation: ${simulation.approximation}.`);
  return [...facts, ...contextFacts(context)];
}

/** What holds for every call of the file: its device, its platforms and why, its board rows. */
export function contextFacts(context: DriverContext): string[] {
  return [
    `Device: ${context.device.why}.`,
    `Platforms: ${context.platforms.ids.join(', ')} (${context.platforms.why}).`,
    ...context.boards.map((board) => `Board: ${board.why}.`),
  ];
}

function sizeWords(size: NonNullable<CallSite['size']>, simulation: SiteSimulation): string {
  if (simulation.exampleFields.includes('size'))
    return `\`${size.text}\` unknown (${simulation.sizeWords ?? 'not a constant'}); ${EXAMPLE_SIZE_VALUE} B stand-in`;
  if (size.value !== null) return `\`${size.text}\` = ${size.value} bytes`;
  return `\`${size.text}\` = ${simulation.sizeWords ?? ''}`;
}
