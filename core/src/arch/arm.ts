// 32-bit arm (ARMv7) DMA cache maintenance (§1.5): arch/arm/mm/dma-mapping.c __dma_page_cpu_to_dev /
// __dma_page_dev_to_cpu with cache-v7.S and the outer (L2) cache.
import { registerArch, type DmaContext } from '../engine/ops';
import type { Direction } from '../types';
import { defineParams } from '../params/spec';
import { ramEnd } from '../dma/ram';
import { cacheLineCount, edgeNote, recordInvalidateRange } from './cache';

const SOURCE = 'arch/arm/mm/dma-mapping.c';

defineParams([
  {
    key: 'arm_lpae',
    kind: 'bool',
    default: false,
    appliesTo: 'arm',
    ref: 'arch/arm/Kconfig (ARM_LPAE selects ARCH_DMA_ADDR_T_64BIT), arch/arm/mm/init.c:mem_init',
    doc: 'The kernel is built with CONFIG_ARM_LPAE (multi_v7_lpae_defconfig): 64-bit phys_addr_t and dma_addr_t, and mem_init sets up the swiotlb pool when RAM reaches past arm_dma_limit (4 GiB here). Without it dma_addr_t is 32 bits: addresses wrap at 4 GiB, dma_capable refuses RAM addresses that wrapped below phys_to_dma(min_low_pfn), and there is no pool.',
  },
]);

/** arm_dma_limit without a machine DMA zone (mdesc->dma_zone_size): the 32-bit boundary. */
const ARM_DMA_LIMIT = 0xffff_ffffn;

registerArch({
  name: 'arm',
  syncForDevice(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction) {
    if (dir === 'from_device') {
      const { lines, edges } = recordInvalidateRange(ctx, phys, size);
      ctx.trace.stage(
        'arch_sync_dma_for_device',
        phys,
        phys,
        `DMA_FROM_DEVICE: v7_dma_inv_range and outer_inv_range invalidate ${lines} line(s) before the device writes.${edgeNote(edges)}`,
        'arch/arm/mm/cache-v7.S:v7_dma_inv_range',
        '§1.5',
      );
    } else {
      const lines = cacheLineCount(ctx, phys, size);
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
    const { lines, edges } = recordInvalidateRange(ctx, phys, size);
    ctx.trace.stage(
      'arch_sync_dma_for_cpu',
      phys,
      phys,
      `outer_inv_range then v7_dma_unmap_area (v7_dma_inv_range) invalidate ${lines} line(s).${edgeNote(edges)}`,
      'arch/arm/mm/cache-v7.S:v7_dma_inv_range',
      '§1.5',
    );
  },
  swiotlbDefaultActive(session) {
    // mem_init: swiotlb_init(max_pfn > arm_dma_pfn_limit) under CONFIG_ARM_LPAE only.
    return (session.params.arm_lpae as boolean) && ramEnd(session) - 1n > ARM_DMA_LIMIT;
  },
  dmaAddrBits(session) {
    return (session.params.arm_lpae as boolean) ? 64 : 32;
  },
});
