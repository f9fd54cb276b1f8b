// Hover on a recognised call: the core's per-platform table for the call's worked example (real size
// and direction when the source fixes them), what is example and what is fact, for virtio add calls
// whether the DMA API is used with and without VIRTIO_F_ACCESS_PLATFORM, and a link that opens the
// address pipeline for this call in the client.
import {
  catalogueEntry,
  escapeMarkdown,
  formatAddress,
  markdownCode,
  renderMarkdown,
  type OpResult,
  type Request,
} from '@dmalens/core';
import { kernelDirectionName } from '../checks/api-facts';
import { compareMasks, HIGH_PHYS } from '../checks/narrow-dma-mask';
import { outcomeWords } from '../checks/outcome-text';
import { rawPhysOutcomes } from '../checks/raw-phys-to-device';
import { removedEntry } from '../checks/removed-api';
import type { CallSite } from '../analysis/callsite';
import type { PlatformModel } from '../checks/platform-model';
import { EXAMPLE_PHYS_VALUE, EXAMPLE_SIZE_VALUE, siteSizeAndDirection } from '../checks/site-requests';
import { ShowPipelineCommand, type ShowPipelineArgs } from '../protocol/protocol';
import { rowsForSite } from './site-rows';
import { shippedSpecLinks, specSectionUri } from '../docs/bundled-docs';
import { fileStreamingMask, maskBits, type FileMask } from '../checks/file-mask';

export function hoverMarkdown(
  site: CallSite,
  fileSites: readonly CallSite[],
  model: PlatformModel,
  uri: string,
): string {
  const parts: string[] = [];
  const entry = catalogueEntry(site.api);
  const mask = fileStreamingMask(fileSites);
  const rows = rowsForSite(model, site, mask);
  if (rows) {
    parts.push(
      renderMarkdown(
        rows.rows
          .filter((row) => row.result)
          .map((row) => ({
            platform: { id: row.platform, title: row.title, short: row.short },
            result: row.result as OpResult,
          })),
        { title: site.api, example: exampleWords(site), specLink: specLinker() },
      ),
    );
    const failed = rows.rows.filter((row) => !row.result);
    if (failed.length)
      parts.push(
        failed
          .map((row) => `${escapeMarkdown(row.title)}: not simulated (${escapeMarkdown(row.error ?? 'no result')})`)
          .join('  \n'),
      );
    parts.push(factsLine(site, rows.simulation.exampleFields, mask));
  } else {
    parts.push(
      `**${escapeMarkdown(site.api)}** — ${escapeMarkdown(entry?.kind ?? site.kind)}${entry ? ` (${markdownCode(entry.header)})` : ''}`,
    );
    if (site.kind === 'raw-phys') parts.push(rawPhysTable(model));
    const bits = site.kind === 'mask' ? maskBits(site.args[1]) : null;
    if (bits !== null) parts.push(maskTable(model, bits));
  }
  if (site.kind === 'virtio-add') parts.push(virtioTable(site, model));
  if (entry?.note) parts.push(escapeMarkdown(entry.note));
  const removed = removedEntry(site.api);
  if (removed)
    parts.push(
      `Removed in Linux ${escapeMarkdown(removed.removedIn!)}; use ${escapeMarkdown(removed.replacement ?? 'the DMA API')}.`,
    );
  if (rows)
    parts.push(
      `[Open the address pipeline for this call](${pipelineCommandUri({ uri, position: site.nameRange.start, platforms: model.selected.map((profile) => profile.id) })})`,
    );
  return parts.join('\n\n');
}

/** Spec references (`§2.2`) link to the spec shipped with the server; plain text when it is missing. */
function specLinker(): ((section: string) => string) | undefined {
  const spec = shippedSpecLinks();
  return spec ? (section) => specSectionUri(spec, section) : undefined;
}

export function pipelineCommandUri(args: ShowPipelineArgs): string {
  return `command:${ShowPipelineCommand}?${encodeURIComponent(JSON.stringify([args]))}`;
}

function exampleWords(site: CallSite): string {
  const { size, dir, exampleFields } = siteSizeAndDirection(site);
  const sizeWords = exampleFields.includes('size') ? `${size} B (example)` : `${size} B`;
  const dirWords = exampleFields.includes('dir') ? `${kernelDirectionName(dir)} (example)` : kernelDirectionName(dir);
  // dma_map_resource maps MMIO; 6.1 refuses RAM there, so each platform uses an MMIO example address.
  const physWords = /resource/.test(site.api)
    ? 'phys = an MMIO example per platform (PCI hole start or first address above RAM)'
    : `phys ${formatAddress(EXAMPLE_PHYS_VALUE)} (example)`;
  return `${physWords}, ${sizeWords}, ${dirWords}`;
}

/** States which inputs came from the source and which are examples, so no number passes for a fact. */
function factsLine(site: CallSite, exampleFields: string[], mask: FileMask | null): string {
  const facts: string[] = [];
  if (mask) facts.push(`device mask DMA_BIT_MASK(${mask.bits}) as set on line ${mask.line + 1}`);
  if (site.size)
    facts.push(
      exampleFields.includes('size')
        ? `size ${markdownCode(site.size.text)} is not a constant: the example uses ${EXAMPLE_SIZE_VALUE} bytes`
        : `size ${markdownCode(site.size.text)} = ${site.size.value} bytes`,
    );
  if (site.direction !== 'unknown') facts.push(`direction ${kernelDirectionName(site.direction)}`);
  else if (exampleFields.includes('dir')) facts.push('direction not constant: the example uses DMA_BIDIRECTIONAL');
  if (site.bufferText) facts.push(`buffer ${markdownCode(site.bufferText)} (${site.bufferOrigin})`);
  facts.push('the physical address is an example: the source cannot tell it');
  return `From the source: ${facts.join('; ')}.`;
}

/** What the DMA API would give the device for the memory a raw physical address names. */
function rawPhysTable(model: PlatformModel): string {
  const lines = ['| platform | what the device needs for this memory |', '| --- | --- |'];
  for (const { profile, result, sameAsPhys } of rawPhysOutcomes(model)) {
    lines.push(
      `| ${escapeMarkdown(profile.title)} | ${sameAsPhys ? 'the physical address itself' : `${escapeMarkdown(result.path)}: ${result.dma !== null ? markdownCode(formatAddress(result.dma)) : escapeMarkdown(result.error ?? '')}`} |`,
    );
  }
  return `A CPU physical address (example ${markdownCode(formatAddress(EXAMPLE_PHYS_VALUE))}); a DMA map of the same memory gives:\n\n${lines.join('\n')}`;
}

/** The probe map with the call's mask against a 64-bit mask, per platform (spec §1.6, §4.1, §4.3, §4.4). */
function maskTable(model: PlatformModel, bits: number): string {
  const lines = [`| platform | with DMA_BIT_MASK(${bits}) | with DMA_BIT_MASK(64) |`, '| --- | --- | --- |'];
  for (const { profile, withMask, withWideMask } of compareMasks(model, bits)) {
    lines.push(
      `| ${escapeMarkdown(profile.title)} | ${escapeMarkdown(outcomeWords(withMask))} | ${escapeMarkdown(outcomeWords(withWideMask))} |`,
    );
  }
  return `A 4 KiB DMA_TO_DEVICE map at phys ${markdownCode(formatAddress(HIGH_PHYS))} (example above 4 GiB) after this call:\n\n${lines.join('\n')}`;
}

/** vring_use_dma_api() per platform with and without VIRTIO_F_ACCESS_PLATFORM (spec §6.2, §6.5). */
function virtioTable(site: CallSite, model: PlatformModel): string {
  const { size } = siteSizeAndDirection(site);
  const buffer = [{ phys: EXAMPLE_PHYS_VALUE, size }];
  const add: Request = /inbuf/.test(site.api)
    ? { op: 'virtqueue_add', out: [], in: buffer }
    : { op: 'virtqueue_add', out: buffer, in: [] };
  const lines = ['| platform | with ACCESS_PLATFORM | without |', '| --- | --- | --- |'];
  for (const profile of model.selected) {
    const cells = [['VERSION_1', 'ACCESS_PLATFORM'], ['VERSION_1']].map((offered) => {
      const results = model.run(profile.id, [{ op: 'virtio_negotiate', offered }, add]).results;
      return virtioCell(results[0], results[1]);
    });
    lines.push(`| ${escapeMarkdown(profile.title)} | ${cells[0]} | ${cells[1]} |`);
  }
  return `Whether the ring uses the DMA API (vring_use_dma_api):\n\n${lines.join('\n')}`;
}

function virtioCell(negotiation: OpResult | undefined, add: OpResult | undefined): string {
  if (!negotiation) return 'not simulated';
  if (negotiation.error) return `probe fails: ${markdownCode(negotiation.error)}`;
  const usesDmaApi = negotiation.path !== 'no-dma-api';
  const address =
    add?.dma != null
      ? ` desc.addr ${markdownCode(formatAddress(add.dma))}`
      : add?.error
        ? ` ${escapeMarkdown(add.error)}`
        : '';
  return `${usesDmaApi ? 'DMA API' : 'no DMA API (guest-physical)'}${address}`;
}
