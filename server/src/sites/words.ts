// Short words for a simulated outcome, shared by diagnostics, inlay hints, code lenses, the scan's notes
// and the hover tables, so that the same result is described the same way everywhere. The numbers come
// straight from the core's trace; nothing here computes a cost.
import { formatAddress, plural, type OpResult } from '@dmalens/core';
import { EXAMPLE_SIZE } from '@dmalens/protocol';
import type { SiteRows } from './rows';

const PATH_WORDS: Record<string, string> = {
  'dma-direct': 'direct',
  swiotlb: 'bounce',
  'dma-iommu': 'IOMMU',
  'dma-iommu-bounce': 'IOMMU + bounce',
  'ppc-tce': 'TCE',
  dart: 'DART',
  'xen-swiotlb': 'xen-swiotlb',
  'xen-grant': 'grant',
  'no-dma-api': 'no DMA API',
  error: 'fails',
};

export function pathWord(result: OpResult): string {
  return PATH_WORDS[result.path] ?? result.path;
}

/** Costs paid at the given moments, e.g. `H_PUT_TCE ×1, bounce 1514 B`; empty string when free. */
export function costWords(
  result: OpResult,
  moments: readonly string[] = ['map', 'unmap', 'sync', 'alloc', 'free'],
): string {
  const parts: string[] = [];
  for (const call of result.costs.hypercalls)
    if (moments.includes(call.when)) parts.push(`${call.name} ×${call.count}`);
  const bytes = bounceBytes(result, moments);
  if (bytes > 0) parts.push(`bounce ${bytes} B`);
  for (const flush of result.costs.iotlbFlushes)
    if (moments.includes(flush.when)) parts.push(`${flush.kind} flush ×${flush.count}`);
  const lines = result.costs.cacheLines;
  if (lines.clean > 0) parts.push(`clean ${plural(lines.clean, 'line')}`);
  if (lines.invalidate > 0) parts.push(`invalidate ${plural(lines.invalidate, 'line')}`);
  return parts.join(', ');
}

export function bounceBytes(result: OpResult, moments: readonly string[] = ['map', 'unmap', 'sync']): number {
  const bytes = result.costs.bounceBytes;
  return (
    (moments.includes('map') ? bytes.map : 0) +
    (moments.includes('unmap') ? bytes.unmap : 0) +
    (moments.includes('sync') ? bytes.sync : 0)
  );
}

/** `TCE 0x1000 (H_PUT_TCE ×1)` or `fails: <kernel message>`. */
export function outcomeWords(result: OpResult): string {
  if (result.error !== null || result.dma === null)
    return `${pathWord(result)}${result.error ? `: ${result.error.trim()}` : ''}`;
  const costs = costWords(result, ['map', 'alloc']);
  return `${pathWord(result)} ${formatAddress(result.dma)}${costs ? ` (${costs})` : ''}`;
}

/**
 * The few words an inlay hint, a code lens or a scan note shows after a call, e.g.
 * `x86: direct · pseries: H_PUT_TCE ×1 · SEV: bounce 1514 B`: the map-time costs when there are any,
 * else the path.
 */
export function summaryText(rows: SiteRows): string {
  const text = rows.rows.map((row) => `${row.short}: ${rowWord(row)}`).join(' · ');
  return withSizeNote(rows, text, `(size unknown: ${EXAMPLE_SIZE} B stand-in)`);
}

/**
 * The inlay hint after a call: only the platforms whose outcome differs from the reference (the first), at
 * most three, so that the hint is short enough not to be cut where it matters; null when all agree.
 */
export function differencesText(rows: SiteRows): string | null {
  const [reference, ...others] = rows.rows;
  if (!reference) return null;
  const differing = others.filter((row) => rowWord(row) !== rowWord(reference));
  if (differing.length === 0) return null;
  const shown = differing.slice(0, MAX_HINT_PLATFORMS).map((row) => `${row.short}: ${rowWord(row)}`);
  const more = differing.length > MAX_HINT_PLATFORMS ? ` +${differing.length - MAX_HINT_PLATFORMS}` : '';
  return withSizeNote(rows, `≠ ${shown.join(' · ')}${more}`, '(size unknown)');
}

const MAX_HINT_PLATFORMS = 3;

/** One row's outcome in a word or two: its costs, else its path. */
export function rowWord(row: SiteRows['rows'][number]): string {
  if (row.notReached) return 'no DMA API';
  if (!row.result) return '?';
  if (row.result.error) return 'fails';
  return costWords(row.result, ['map', 'alloc']) || pathWord(row.result);
}

/** Bytes and cache lines follow from the size: when the size is a stand-in, the numbers say so. */
function withSizeNote(rows: SiteRows, text: string, note: string): string {
  return rows.simulation.exampleFields.includes('size') && /bounce|lines?\b/.test(text) ? `${text} ${note}` : text;
}

/** Calls that get a summary: the ones that create a mapping or allocation or hand buffers to a virtqueue. */
export function wantsSummary(kind: string): boolean {
  return kind === 'map' || kind === 'alloc' || kind === 'virtio-add';
}
