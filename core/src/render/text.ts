// Plain-text rendering for the CLI: a readable pipeline per result and a comparison table across
// platforms, both fitting a 100-column terminal.
import type { OpResult, Stage } from '../types';
import { costBadges, costSummary, formatAddress, formatSize, mergeCosts, outcomeText } from './format';
import type { PlatformResult } from './labels';

export interface TextOptions {
  /** Terminal width to wrap to; default 100. */
  width?: number;
  /** false leaves out the `=> outcome` and rule lines (for boot/probe setup traces, which have no address). */
  outcome?: boolean;
}

/** Greedy word wrap; words longer than the width are kept whole. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function stageRef(stage: Stage): string {
  return stage.spec ? `[${stage.ref} ${stage.spec}]` : `[${stage.ref}]`;
}

function stageLines(stage: Stage, index: number, fnWidth: number, width: number): string[] {
  const number = String(index + 1).padStart(2);
  const addresses =
    stage.in === null && stage.out === null ? '' : `${formatAddress(stage.in)} -> ${formatAddress(stage.out)}`;
  const head = `${number} ${stage.fn.padEnd(fnWidth)}  ${addresses}`.trimEnd();
  const body = wrap(`${stage.note} ${stageRef(stage)}`, width - 6).map((line) => `      ${line}`);
  return [head, ...body];
}

/** The pipeline of one result: each stage `fn  in -> out`, its note and reference, then outcome and costs. */
export function renderTextPipeline(result: OpResult, options: TextOptions = {}): string {
  const width = options.width ?? 100;
  const fnWidth = Math.min(32, Math.max(0, ...result.stages.map((stage) => stage.fn.length)));
  const lines = result.stages.flatMap((stage, index) => stageLines(stage, index, fnWidth, width));
  if (options.outcome !== false) {
    lines.push(
      ...wrap(`=> ${result.op}: ${outcomeText(result)}  (path ${result.path})`, width - 3).map((line, i) =>
        i ? `   ${line}` : line,
      ),
    );
    if (result.rule) lines.push(...wrap(`rule: ${result.rule}`, width - 3).map((line) => `   ${line}`));
  }
  const badges = costBadges(result.costs).map((badge) => badge.text);
  lines.push(...wrap(`costs: ${badges.length ? badges.join(' · ') : 'none'}`, width - 3).map((line) => `   ${line}`));
  lines.push(...detailLines(result, width));
  for (const other of result.costs.other)
    lines.push(...wrap(`note: ${other}`, width - 5).map((line, i) => `   ${i ? '  ' : ''}${line}`));
  return lines.join('\n');
}

/** Detail keys that hold byte counts rather than addresses; those print in decimal. */
const SIZE_KEY = /size|len|align|allocated/i;

/** A details value in one short phrase: addresses as grouped hex, sizes in decimal, lists joined. */
function detailText(value: unknown, key: string): string {
  if (typeof value === 'bigint') return SIZE_KEY.test(key) ? formatSize(value) : formatAddress(value);
  if (Array.isArray(value)) return value.length ? value.map((item) => detailText(item, key)).join(', ') : '(none)';
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([name, item]) => `${name}=${detailText(item, name)}`)
      .join(' ')}}`;
  return String(value);
}

/** Op-specific facts (accepted features, descriptors, vring size) as `details:` lines. */
function detailLines(result: OpResult, width: number): string[] {
  const entries = Object.entries(result.details ?? {});
  return entries.flatMap(([key, value], index) => {
    const lead = index === 0 ? '   details: ' : '            ';
    return wrap(`${key}: ${detailText(value, key)}`, width - lead.length - 2).map((line, i) =>
      i ? `              ${line}` : `${lead}${line}`,
    );
  });
}

function pad(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/**
 * One row per platform: id, path, device address and costs (of the result and its related results).
 * Rows that differ from the first platform in path or address get a `*`.
 */
export function renderTextComparison(rows: readonly PlatformResult[], options: TextOptions = {}): string {
  const width = options.width ?? 100;
  const idWidth = Math.min(22, Math.max(8, ...rows.map((row) => row.platform.id.length))) + 2;
  const pathWidth = 17;
  const addrWidth = Math.min(26, Math.max(14, ...rows.map((row) => outcomeText(row.result).length)));
  const costWidth = Math.max(20, width - idWidth - pathWidth - addrWidth - 6);
  const first = rows[0]?.result;
  let starred = false;
  const header = `  ${pad('platform', idWidth)}${pad('path', pathWidth)} ${pad('device address', addrWidth)}  costs`;
  const lines = [header, `  ${'-'.repeat(Math.min(width - 2, header.length + costWidth - 5))}`];
  for (const row of rows) {
    const differs =
      first !== undefined &&
      (row.result.path !== first.path || row.result.dma !== first.dma || row.result.error !== first.error);
    starred ||= differs;
    const costs = wrap(costSummary(mergeCosts([row.result, ...(row.related ?? [])])), costWidth);
    const outcome = outcomeText(row.result);
    const addrCell = outcome.length > addrWidth ? 'error (below)' : outcome;
    lines.push(
      `${differs ? '*' : ' '} ${pad(row.platform.id, idWidth)}${pad(row.result.path, pathWidth)} ${pad(addrCell, addrWidth)}  ${costs[0] ?? ''}`.trimEnd(),
    );
    for (const more of costs.slice(1)) lines.push(`${' '.repeat(idWidth + pathWidth + addrWidth + 5)}${more}`);
    if (outcome.length > addrWidth)
      lines.push(...wrap(outcome, width - idWidth - 4).map((line) => `${' '.repeat(idWidth + 2)}${line}`));
  }
  if (starred) lines.push('  * path or device address differs from the first platform');
  return lines.join('\n');
}
