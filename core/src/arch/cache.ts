// Cache-maintenance cost model of §1.5: lines = (ALIGN(p+sz, L) - ALIGN_DOWN(p, L)) / L.
import type { DmaContext } from '../engine/ops';
import { alignDown, alignUp } from '../engine/bits';

export function cacheLineCount(ctx: DmaContext, phys: bigint, size: bigint): number {
  const line = BigInt(ctx.session.params.cache_line as number);
  return Number((alignUp(phys + size, line) - alignDown(phys, line)) / line);
}

/**
 * The lines an invalidate-range routine (arm64 dcache_inval_poc, ARMv7 v7_dma_inv_range) cleans as well:
 * a first or last line the buffer only partly covers is cleaned and invalidated (dc civac, c7 c14 1), so CPU
 * data sharing it is written back rather than lost; the lines in between are only invalidated.
 */
export function partialEdgeLines(ctx: DmaContext, phys: bigint, size: bigint): number {
  const line = BigInt(ctx.session.params.cache_line as number);
  const end = phys + size;
  const first = alignDown(phys, line);
  const last = alignDown(end - 1n, line);
  const headPartial = phys !== first;
  const tailPartial = end !== alignUp(end, line);
  if (first === last) return headPartial || tailPartial ? 1 : 0;
  return (headPartial ? 1 : 0) + (tailPartial ? 1 : 0);
}

/** Records an invalidate-range routine: every line invalidated, the partial edge lines cleaned too. */
export function recordInvalidateRange(ctx: DmaContext, phys: bigint, size: bigint): { lines: number; edges: number } {
  const lines = cacheLineCount(ctx, phys, size);
  const edges = partialEdgeLines(ctx, phys, size);
  ctx.trace.cacheLines('invalidate', lines);
  if (edges > 0) ctx.trace.cacheLines('clean', edges);
  return { lines, edges };
}

export function edgeNote(edges: number): string {
  return edges === 0
    ? ''
    : ` The buffer only partly covers ${edges === 1 ? 'one edge line' : 'both edge lines'}: ${edges === 1 ? 'it is' : 'they are'} cleaned and invalidated, so CPU data sharing ${edges === 1 ? 'it' : 'them'} is written back first.`;
}
