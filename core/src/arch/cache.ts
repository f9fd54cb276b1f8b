// Cache-maintenance cost model of §1.5: lines = (ALIGN(p+sz, L) - ALIGN_DOWN(p, L)) / L.
import type { DmaContext } from '../engine/ops';
import { alignDown, alignUp } from '../engine/bits';

export function cacheLineCount(ctx: DmaContext, phys: bigint, size: bigint): number {
  const line = BigInt(ctx.session.params.cache_line as number);
  return Number((alignUp(phys + size, line) - alignDown(phys, line)) / line);
}
