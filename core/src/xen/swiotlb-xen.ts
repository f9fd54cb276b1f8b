// xen_swiotlb_dma_ops (drivers/xen/swiotlb-xen.c, §5.6): direct when the machine frames are
// contiguous and addressable, else a bounce through the machine-contiguous swiotlb pool.
import type { Direction, DmaAttr } from '../types';
import { registerDmaOps, type DmaContext, type MapOutcome, type MappingRecord } from '../engine/ops';
import { hex, orderBase2 } from '../engine/bits';
import { archSyncForCpu, dmaCapable, overflowMessage, physToDma, syncForDeviceIfNeeded } from '../dma/direct';
import {
  isSwiotlbForceBounce,
  swiotlbTblMapSingle,
  swiotlbTblUnmapSingle,
  swiotlbMaxMappingSize,
  swiotlbSyncSingleForCpu,
  swiotlbSyncSingleForDevice,
} from '../dma/swiotlb';
import { allocatePages, pageAllocator } from '../dma/pages';
import { ramEnd, ramHoles } from '../dma/ram';
import { rangeStraddlesPageBoundary, xenPhysToBus } from './p2m';

const SOURCE = 'drivers/xen/swiotlb-xen.c';

/** `xen_phys_to_dma` = phys_to_dma(dev, xen_phys_to_bus(phys)). */
function xenPhysToDma(ctx: DmaContext, phys: bigint, fn: string): bigint {
  const bus = xenPhysToBus(ctx.session, phys);
  const dma = physToDma(ctx.session, bus);
  ctx.trace.stage(
    fn,
    phys,
    dma,
    `The p2m gives machine frame ${hex(bus >> 12n)} for pfn ${hex(phys >> 12n)}: bus = bfn << 12 | (phys & 0xfff).`,
    `${SOURCE}:xen_phys_to_dma`,
    '§5.6',
  );
  return dma;
}

/** `get_order`: the buddy order of a size in pages. */
function getOrder(size: bigint, pageSize: bigint): number {
  const pages = (size + pageSize - 1n) / pageSize;
  return orderBase2(pages);
}

/**
 * Why xen_swiotlb_alloc_coherent must exchange the frames, or null: the end is above the coherent mask,
 * the frames are machine-discontiguous, or (range_requires_alignment, in 6.1.y since the 2025 "relax
 * alignment requirements" backport) the block is aligned to its size but its first machine frame is not.
 */
function exchangeReason(ctx: DmaContext, phys: bigint, dma: bigint, size: bigint): string | null {
  const { session } = ctx;
  if (dma + size - 1n > session.dev.coherentDmaMask)
    return `${hex(dma)}+${hex(size)} ends above coherent_dma_mask ${hex(session.dev.coherentDmaMask)}`;
  const straddle = rangeStraddlesPageBoundary(session, phys, size);
  if (straddle.straddles)
    return `pfn ${hex(straddle.at!)} is not the next machine frame (range_straddles_page_boundary)`;
  const busAddr = xenPhysToBus(session, phys) & ~0xfffn;
  if (phys % size === 0n && busAddr % size !== 0n)
    return `machine address ${hex(busAddr)} is not aligned to the ${hex(size)}-byte block (range_requires_alignment)`;
  return null;
}

function mapPage(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction, attrs: DmaAttr[]): MapOutcome {
  const { session, trace } = ctx;
  const dma = xenPhysToDma(ctx, phys, 'xen_phys_to_dma');
  const capable = dmaCapable(session, dma, size);
  const straddle = rangeStraddlesPageBoundary(session, phys, size);
  const force = isSwiotlbForceBounce(session);
  if (capable && !straddle.straddles && !force) {
    trace.stage(
      'xen_swiotlb_map_page',
      phys,
      dma,
      'Addressable and machine-contiguous: the machine address is used directly.',
      `${SOURCE}:xen_swiotlb_map_page`,
      '§5.6',
    );
    syncForDeviceIfNeeded(ctx, phys, size, dir, attrs);
    return { dma, path: 'xen-swiotlb' };
  }
  const why = !capable
    ? 'the machine address is not addressable by the device'
    : straddle.straddles
      ? `pfn ${hex(straddle.at!)} is not the next machine frame (range_straddles_page_boundary)`
      : 'the pool forces bouncing';
  trace.stage('xen_swiotlb_map_page', phys, null, `Bounce: ${why}.`, `${SOURCE}:xen_swiotlb_map_page`, '§5.6');
  const tlb = swiotlbTblMapSingle(ctx, phys, size, size, 0n, dir, attrs);
  if (tlb === null) return { dma: null, path: 'xen-swiotlb' };
  const bounceDma = xenPhysToDma(ctx, tlb, 'xen_phys_to_dma');
  if (!dmaCapable(session, bounceDma, size)) {
    swiotlbTblUnmapSingle(ctx, tlb, size, dir, [...attrs, 'SKIP_CPU_SYNC']);
    trace.fail(overflowMessage(session, 'swiotlb', bounceDma, size));
    return { dma: null, path: 'xen-swiotlb' };
  }
  syncForDeviceIfNeeded(ctx, tlb, size, dir, attrs);
  return { dma: bounceDma, tlbAddr: tlb, path: 'xen-swiotlb' };
}

function unmapPage(ctx: DmaContext, record: MappingRecord, dir: Direction, attrs: DmaAttr[]): void {
  const phys = record.tlbAddr ?? record.phys;
  if (!ctx.session.dev.coherent && !attrs.includes('SKIP_CPU_SYNC')) archSyncForCpu(ctx, phys, record.size, dir);
  ctx.trace.stage(
    'xen_swiotlb_unmap_page',
    record.dma,
    phys,
    record.tlbAddr !== undefined
      ? 'The address is in the Xen swiotlb pool: release the bounce slot.'
      : 'Direct mapping: nothing to release.',
    `${SOURCE}:xen_swiotlb_unmap_page`,
    '§5.6',
  );
  if (record.tlbAddr !== undefined) swiotlbTblUnmapSingle(ctx, record.tlbAddr, record.size, dir, attrs);
}

registerDmaOps({
  name: 'xen_swiotlb_dma_ops',
  path: 'xen-swiotlb',
  source: SOURCE,
  mapPage,
  unmapPage,
  syncForCpu(ctx, record, offset, size, dir) {
    const phys = (record.tlbAddr ?? record.phys) + offset;
    if (!ctx.session.dev.coherent) archSyncForCpu(ctx, phys, size, dir);
    if (record.tlbAddr !== undefined) swiotlbSyncSingleForCpu(ctx, phys, size, dir, 'sync');
  },
  syncForDevice(ctx, record, offset, size, dir) {
    const phys = (record.tlbAddr ?? record.phys) + offset;
    if (record.tlbAddr !== undefined) swiotlbSyncSingleForDevice(ctx, phys, size, dir);
    syncForDeviceIfNeeded(ctx, phys, size, dir, []);
  },
  alloc(ctx, size) {
    const { session, trace } = ctx;
    const pageSize = session.params.page_size as bigint;
    // xen_swiotlb_alloc_coherent takes 2^get_order(size) pages from __get_free_pages.
    const order = getOrder(size, pageSize);
    const allocSize = pageSize << BigInt(order);
    const top = ramEnd(session) - 1n;
    const limit = session.dev.coherentDmaMask < top ? session.dev.coherentDmaMask : top;
    const phys = allocatePages(ctx, allocSize, pageSize, 0x100000n, limit, ramHoles(session));
    if (phys === null) {
      trace.fail('xen_swiotlb_alloc_coherent: out of memory');
      return { dma: null, phys: null, size: allocSize, path: 'xen-swiotlb' };
    }
    let dma = xenPhysToDma(ctx, phys, 'xen_phys_to_dma');
    const why = exchangeReason(ctx, phys, dma, allocSize);
    if (why !== null) {
      trace.hypercall({
        name: 'HYPERVISOR_memory_op(XENMEM_exchange)',
        count: 1,
        when: 'alloc',
        args: `xen_create_contiguous_region(${hex(phys)}, order ${order})`,
      });
      trace.stage(
        'xen_create_contiguous_region',
        phys,
        phys,
        `${why}: the frames are exchanged for machine-contiguous, naturally aligned ones below the mask; the new machine address is chosen by Xen (shown as the pseudo-physical address).`,
        'arch/x86/xen/mmu_pv.c:xen_create_contiguous_region',
        '§5.6',
      );
      dma = phys;
    }
    return { dma, phys, size: allocSize, path: 'xen-swiotlb' };
  },
  free(ctx, record) {
    if (record.pages) pageAllocator(ctx.session).free(record.pages.phys);
  },
  maxMappingSize(session) {
    return swiotlbMaxMappingSize(session);
  },
  rule() {
    return 'dma = p2m[pfn] << 12 | (phys & 0xfff); swiotlb slot when machine-discontiguous or above the mask';
  },
});
