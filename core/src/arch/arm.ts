// 32-bit arm (ARMv7) DMA cache maintenance (§1.5): arch/arm/mm/dma-mapping.c __dma_page_cpu_to_dev /
// __dma_page_dev_to_cpu with cache-v7.S and the outer (L2) cache.
import { registerArch, type DmaContext } from '../engine/ops';
import type { Direction } from '../types';
import { cacheLineCount } from './cache';

const SOURCE = 'arch/arm/mm/dma-mapping.c';

registerArch({
  name: 'arm',
  syncForDevice(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction) {
    const lines = cacheLineCount(ctx, phys, size);
    if (dir === 'from_device') {
      ctx.trace.stage(
        'arch_sync_dma_for_device',
        phys,
        phys,
        `DMA_FROM_DEVICE: v7_dma_inv_range and outer_inv_range invalidate ${lines} line(s) before the device writes.`,
        `${SOURCE}:__dma_page_cpu_to_dev`,
        '§1.5',
      );
      ctx.trace.cacheLines('invalidate', lines);
    } else {
      ctx.trace.stage(
        'arch_sync_dma_for_device',
        phys,
        phys,
        `v7_dma_clean_range and outer_clean_range clean ${lines} line(s).`,
        `${SOURCE}:__dma_page_cpu_to_dev`,
        '§1.5',
      );
      ctx.trace.cacheLines('clean', lines);
    }
  },
  syncForCpu(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction) {
    if (dir === 'to_device') {
      ctx.trace.stage(
        'arch_sync_dma_for_cpu',
        phys,
        phys,
        'DMA_TO_DEVICE: nothing to do.',
        `${SOURCE}:__dma_page_dev_to_cpu`,
        '§1.5',
      );
      return;
    }
    const lines = cacheLineCount(ctx, phys, size);
    ctx.trace.stage(
      'arch_sync_dma_for_cpu',
      phys,
      phys,
      `outer_inv_range then v7_dma_unmap_area invalidate ${lines} line(s).`,
      `${SOURCE}:__dma_page_dev_to_cpu`,
      '§1.5',
    );
    ctx.trace.cacheLines('invalidate', lines);
  },
  swiotlbDefaultActive() {
    // The boards modelled here have all RAM inside the devices' reach unless a profile says otherwise.
    return false;
  },
});
