// Formatting shared by every renderer: addresses as 0x hex grouped by four digits with `_` (text for
// people groups them, JSON does not), sizes, and one-line cost summaries.
import type { Costs, OpResult } from '../types';

/** `0x1_2345_6789`: groups of four hex digits from the right, lowercase. */
export function formatAddress(value: bigint | null): string {
  if (value === null) return '—';
  const digits = BigInt.asUintN(64, value).toString(16);
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 4) groups.unshift(digits.slice(Math.max(0, end - 4), end));
  return `0x${groups.join('_')}`;
}

/** Sizes read better as decimal bytes with the hex form when it is round: `12288 (0x3000)`. */
export function formatSize(bytes: bigint | number): string {
  const value = BigInt(bytes);
  return value >= 4096n ? `${value} (0x${value.toString(16)})` : `${value}`;
}

/** `1 line`, `64 lines`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Sums the costs of several results (a map and its unmap, say); the `when` of each entry tells them apart. */
export function mergeCosts(results: readonly OpResult[]): Costs {
  const merged: Costs = {
    hypercalls: [],
    bounceBytes: { map: 0, unmap: 0, sync: 0 },
    iotlbFlushes: [],
    cacheLines: { clean: 0, invalidate: 0 },
    other: [],
  };
  for (const { costs } of results) {
    merged.hypercalls.push(...costs.hypercalls);
    merged.iotlbFlushes.push(...costs.iotlbFlushes);
    merged.bounceBytes.map += costs.bounceBytes.map;
    merged.bounceBytes.unmap += costs.bounceBytes.unmap;
    merged.bounceBytes.sync += costs.bounceBytes.sync;
    merged.cacheLines.clean += costs.cacheLines.clean;
    merged.cacheLines.invalidate += costs.cacheLines.invalidate;
    merged.other.push(...costs.other);
  }
  return merged;
}

/**
 * Entries with the same key become one with the counts added; deferred entries (a flush queue drained once
 * for many unmaps) keep the largest count instead of the sum.
 */
function sumBy<T extends { count: number; when: string }>(
  items: readonly T[],
  key: (item: T) => string,
  deferredShared: boolean,
): T[] {
  const merged = new Map<string, T>();
  for (const item of items) {
    const seen = merged.get(key(item));
    if (!seen) merged.set(key(item), { ...item });
    else
      seen.count =
        deferredShared && item.when === 'deferred' ? Math.max(seen.count, item.count) : seen.count + item.count;
  }
  return [...merged.values()];
}

/** One badge per kind of cost, each a short phrase: `H_PUT_TCE ×1 (map)`, `bounce 1514 B at map`. */
export function costBadges(costs: Costs): { kind: 'hypercall' | 'bounce' | 'iotlb' | 'cache'; text: string }[] {
  const badges: { kind: 'hypercall' | 'bounce' | 'iotlb' | 'cache'; text: string }[] = [];
  for (const call of sumBy(costs.hypercalls, (item) => `${item.name}|${item.when}`, false))
    badges.push({ kind: 'hypercall', text: `${call.name} ×${call.count} (${call.when})` });
  const bounce = (['map', 'unmap', 'sync'] as const)
    .filter((when) => costs.bounceBytes[when] > 0)
    .map((when) => `${costs.bounceBytes[when]} B at ${when}`);
  if (bounce.length) badges.push({ kind: 'bounce', text: `bounce ${bounce.join(', ')}` });
  for (const flush of sumBy(costs.iotlbFlushes, (item) => `${item.kind}|${item.when}`, true))
    badges.push({ kind: 'iotlb', text: `${flush.kind} flush ×${flush.count} (${flush.when})` });
  const { clean, invalidate } = costs.cacheLines;
  if (clean || invalidate) {
    const parts = [
      clean ? `clean ${plural(clean, 'line')}` : '',
      invalidate ? `invalidate ${plural(invalidate, 'line')}` : '',
    ].filter(Boolean);
    badges.push({ kind: 'cache', text: parts.join(', ') });
  }
  return badges;
}

/** The whole cost picture in one line; `none` when the kernel does nothing extra. */
export function costSummary(costs: Costs, withOther = false): string {
  const parts = costBadges(costs).map((badge) => badge.text);
  if (withOther) parts.push(...costs.other);
  return parts.length ? parts.join(' · ') : 'none';
}

/** The device address, or the failure in a few words. */
export function outcomeText(result: OpResult): string {
  if (result.error !== null) return `error: ${result.error}`;
  return formatAddress(result.dma);
}

/** Bits that differ between a stage's input and output address (0n when either is missing). */
export function changedBits(input: bigint | null, output: bigint | null): bigint {
  if (input === null || output === null) return 0n;
  return BigInt.asUintN(64, input ^ output);
}
