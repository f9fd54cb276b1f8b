// arm64 DMA hooks: cache maintenance of arch/arm64/mm/dma-mapping.c (§1.5) and the swiotlb activation
// rule of arch/arm64/mm/init.c (§5.2).
import { registerArch, type DmaContext, type EngineSession } from '../engine/ops';
import { U64_MAX } from '../engine/bits';
import type { Direction } from '../types';
import { dmaBitMask } from '../params/parse';
import { cacheLineCount, edgeNote, recordInvalidateRange } from './cache';
import { ramEnd } from '../dma/ram';

const SOURCE = 'arch/arm64/mm/dma-mapping.c';

/**
 * `max_zone_phys` (arch/arm64/mm/init.c): the end of the DMA zone. When DRAM starts above the zone's mask
 * the zone widens to 4 GiB, and to all of RAM when DRAM starts above 4 GiB, so such boards need no bounce pool.
 */
function maxZonePhys(session: EngineSession, zoneBits: number): bigint {
  const start = session.params.ram_base as bigint;
  let zoneMask = dmaBitMask(zoneBits);
  if (start > dmaBitMask(32)) zoneMask = U64_MAX;
  else if (start > zoneMask) zoneMask = dmaBitMask(32);
  const lastByte = ramEnd(session) - 1n;
  return (zoneMask < lastByte ? zoneMask : lastByte) + 1n;
}

registerArch({
  name: 'arm64',
  syncForDevice(ctx: DmaContext, phys: bigint, size: bigint) {
    const lines = cacheLineCount(ctx, phys, size);
    ctx.trace.stage(
      'arch_sync_dma_for_device',
      phys,
      phys,
      `dcache_clean_poc cleans ${lines} line(s) to the point of coherency; arm64 cleans for every direction.`,
      `${SOURCE}:arch_sync_dma_for_device`,
      '§1.5',
    );
    ctx.trace.cacheLines('clean', lines);
  },
  syncForCpu(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction) {
    if (dir === 'to_device') {
      ctx.trace.stage(
        'arch_sync_dma_for_cpu',
        phys,
        phys,
        'DMA_TO_DEVICE: nothing to invalidate.',
        `${SOURCE}:arch_sync_dma_for_cpu`,
        '§1.5',
      );
      return;
    }
    const { lines, edges } = recordInvalidateRange(ctx, phys, size);
    ctx.trace.stage(
      'arch_sync_dma_for_cpu',
      phys,
      phys,
      `dcache_inval_poc invalidates ${lines} line(s) so the CPU reads what the device wrote.${edgeNote(edges)}`,
      'arch/arm64/mm/cache.S:dcache_inval_poc',
      '§1.5',
    );
  },
  swiotlbDefaultActive(session) {
    // swiotlb_init(max_pfn > PFN_DOWN(arm64_dma_phys_limit)): RAM ends beyond the DMA zone.
    return ramEnd(session) > maxZonePhys(session, session.params.zone_dma_bits as number);
  },
});
