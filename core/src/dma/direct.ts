// dma-direct: address translation and the streaming map/unmap/sync of kernel/dma/direct.{c,h} and
// include/linux/dma-direct.h (§1.2-§1.4, §1.6).
import type { Direction, DmaAttr, DmaWindow } from '../types';
import type { DmaContext, EngineSession, MapOutcome, MappingRecord } from '../engine/ops';
import { DMA_MAPPING_ERROR, U64_MAX, fls64, hex, hex16, minNotZero, u64 } from '../engine/bits';
import {
  isSwiotlbActive,
  isSwiotlbBuffer,
  isSwiotlbForceBounce,
  swiotlbMap,
  swiotlbSyncSingleForCpu,
  swiotlbSyncSingleForDevice,
  swiotlbTblUnmapSingle,
} from './swiotlb';
import { dmaKmallocNeedsBounce } from './kmalloc-bounce';
import { ramEnd } from './ram';

const DIRECT_H = 'kernel/dma/direct.h';
const DMA_DIRECT_H = 'include/linux/dma-direct.h';

/** `__sme_set` mask (x86 SME/SEV `sme_me_mask`), 0 elsewhere. */
export function smeMask(session: EngineSession): bigint {
  return session.arch.smeMask?.(session) ?? 0n;
}

/** `translate_phys_to_dma`: first window containing paddr wins; a miss yields DMA_MAPPING_ERROR. */
export function translatePhysToDma(windows: DmaWindow[], phys: bigint): { dma: bigint; window: number } {
  for (let i = 0; i < windows.length; i++) {
    const window = windows[i]!;
    if (phys >= window.cpu && phys - window.cpu < window.size) {
      // offset = cpu_start - dma_start is computed in u64, so subtraction wraps like the kernel's.
      const offset = u64(window.cpu - window.dma);
      return { dma: u64(phys - offset), window: i };
    }
  }
  return { dma: DMA_MAPPING_ERROR, window: -1 };
}

/** `translate_dma_to_phys`: a miss yields (phys_addr_t)-1. */
export function translateDmaToPhys(windows: DmaWindow[], dma: bigint): bigint {
  for (const window of windows) {
    if (dma >= window.dma && dma - window.dma < window.size) return u64(dma + u64(window.cpu - window.dma));
  }
  return U64_MAX;
}

/** `phys_to_dma_unencrypted`: the arch override when there is one, else the dma_range_map translation. */
export function physToDmaUnencrypted(session: EngineSession, phys: bigint): bigint {
  // dma_addr_t and phys_addr_t arithmetic wraps at 64 bits in the arch helpers too.
  if (session.arch.physToDma) return u64(session.arch.physToDma(session, phys));
  const dma = session.dev.dmaRangeMap ? translatePhysToDma(session.dev.dmaRangeMap, phys).dma : phys;
  return toDmaAddr(session, dma);
}

const DMA_ADDR_32_MASK = 0xffff_ffffn;

/** A 32-bit dma_addr_t keeps the low 32 bits of the sum (DMA_MAPPING_ERROR stays the error). */
function toDmaAddr(session: EngineSession, dma: bigint): bigint {
  return dma === DMA_MAPPING_ERROR || dmaAddrBits(session) === 64 ? dma : dma & DMA_ADDR_32_MASK;
}

export function dmaAddrBits(session: EngineSession): 32 | 64 {
  return session.arch.dmaAddrBits?.(session) ?? 64;
}

/** `phys_to_dma` = `__sme_set(phys_to_dma_unencrypted)`; arch overrides carry no C-bit. */
export function physToDma(session: EngineSession, phys: bigint): bigint {
  if (session.arch.physToDma) return u64(session.arch.physToDma(session, phys));
  const dma = physToDmaUnencrypted(session, phys);
  return dma === DMA_MAPPING_ERROR ? dma : dma | smeMask(session);
}

/** `dma_to_phys` = `__sme_clr(translate_dma_to_phys or identity)`, or the arch inverse. */
export function dmaToPhys(session: EngineSession, dma: bigint): bigint {
  if (session.arch.dmaToPhys) return u64(session.arch.dmaToPhys(session, dma));
  const clear = dma & ~smeMask(session) & U64_MAX;
  return session.dev.dmaRangeMap ? translateDmaToPhys(session.dev.dmaRangeMap, clear) : clear;
}

/** `phys_to_dma_direct` (kernel/dma/direct.c): allocations of unencrypted memory carry no C-bit. */
export function physToDmaDirect(session: EngineSession, phys: bigint): bigint {
  return forceDmaUnencrypted(session) ? physToDmaUnencrypted(session, phys) : physToDma(session, phys);
}

export function forceDmaUnencrypted(session: EngineSession): boolean {
  return session.arch.forceDmaUnencrypted?.(session) ?? false;
}

/** Records the phys_to_dma stage with an explanation of which rule produced the address. */
export function recordPhysToDma(ctx: DmaContext, phys: bigint, dma: bigint, fn = 'phys_to_dma'): void {
  const { session } = ctx;
  if (session.arch.physToDma) {
    const note = session.arch.physToDmaNote ?? {
      note: 'The arch translates phys to dma (CONFIG_ARCH_HAS_PHYS_TO_DMA).',
      ref: `${DMA_DIRECT_H}:phys_to_dma`,
    };
    ctx.trace.stage(fn, phys, dma, note.note, note.ref, '§1.2');
    return;
  }
  const windows = session.dev.dmaRangeMap;
  let note: string;
  if (windows) {
    const { window } = translatePhysToDma(windows, phys);
    note =
      window < 0
        ? `No dma-ranges window contains ${hex(phys)}: translate_phys_to_dma returns DMA_MAPPING_ERROR so that dma_capable fails.`
        : `Window ${window} of dma_range_map (cpu ${hex(windows[window]!.cpu)} -> dma ${hex(windows[window]!.dma)}, size ${hex(windows[window]!.size)}) matched first.`;
  } else {
    note = 'No dma_range_map: the bus address equals the physical address.';
  }
  const sme = fn === 'phys_to_dma' ? smeMask(session) : 0n;
  if (sme !== 0n && dma !== DMA_MAPPING_ERROR) note += ` __sme_set ORs in the SME C-bit ${hex(sme)}.`;
  ctx.trace.stage(
    fn,
    phys,
    dma,
    note,
    `${DMA_DIRECT_H}:${fn === 'phys_to_dma' ? 'phys_to_dma' : 'phys_to_dma_unencrypted'}`,
    '§1.2',
  );
}

/** The limit dma_capable compares against: min_not_zero(*dma_mask, bus_dma_limit). */
export function streamingLimit(session: EngineSession): bigint {
  return minNotZero(session.dev.dmaMask, session.dev.busDmaLimit);
}

/**
 * `dma_capable(dev, addr, size, is_ram)`. The end wraps as dma_addr_t does: past 2^64, which like the kernel
 * is not caught, or with a 32-bit dma_addr_t at 4 GiB, where an address of RAM that lands below
 * phys_to_dma(min_low_pfn) has wrapped and is refused whatever the mask (`is_ram` is false for MMIO).
 */
export function dmaCapable(session: EngineSession, addr: bigint, size: bigint, isRam = true): boolean {
  if (addr === DMA_MAPPING_ERROR) return false;
  if (dmaAddrBits(session) === 64) return u64(addr + size - 1n) <= streamingLimit(session);
  const end = (addr + size - 1n) & DMA_ADDR_32_MASK;
  if (isRam && (addr < end ? addr : end) < lowestRamDma(session)) return false;
  return end <= streamingLimit(session);
}

/** `phys_to_dma(dev, PFN_PHYS(min_low_pfn))`: the device address of the first page of RAM. */
function lowestRamDma(session: EngineSession): bigint {
  return physToDma(session, session.params.ram_base as bigint);
}

export function overflowMessage(session: EngineSession, kind: 'DMA' | 'swiotlb', addr: bigint, size: bigint): string {
  return `${kind} addr ${hex16(addr)}+${size} overflow (mask ${session.dev.dmaMask.toString(16)}, bus limit ${session.dev.busDmaLimit.toString(16)}).`;
}

/** `max_pfn` from the RAM parameters. */
export function maxPfn(session: EngineSession): bigint {
  const pageSize = session.params.page_size as bigint;
  return ramEnd(session) / pageSize;
}

/** `dma_direct_get_required_mask`. */
export function dmaDirectGetRequiredMask(session: EngineSession): bigint {
  const pageSize = session.params.page_size as bigint;
  const maxDma = physToDmaDirect(session, (maxPfn(session) - 1n) * pageSize);
  if (maxDma === 0n) return 0n;
  return (1n << BigInt(fls64(maxDma) - 1)) * 2n - 1n;
}

function hasAttr(attrs: DmaAttr[], attr: DmaAttr): boolean {
  return attrs.includes(attr);
}

/** `arch_sync_dma_for_device` when the device is not coherent and the caller did not skip it. */
export function syncForDeviceIfNeeded(
  ctx: DmaContext,
  phys: bigint,
  size: bigint,
  dir: Direction,
  attrs: DmaAttr[],
): void {
  if (ctx.session.dev.coherent || hasAttr(attrs, 'SKIP_CPU_SYNC')) return;
  archSyncForDevice(ctx, phys, size, dir);
}

export function archSyncForDevice(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction): void {
  if (ctx.session.arch.syncForDevice) ctx.session.arch.syncForDevice(ctx, phys, size, dir);
  else
    ctx.trace.stage(
      'arch_sync_dma_for_device',
      phys,
      phys,
      'This arch has no cache maintenance for DMA (always coherent).',
      'include/linux/dma-map-ops.h:arch_sync_dma_for_device',
      '§1.5',
    );
}

export function archSyncForCpu(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction): void {
  if (ctx.session.arch.syncForCpu) ctx.session.arch.syncForCpu(ctx, phys, size, dir);
  else
    ctx.trace.stage(
      'arch_sync_dma_for_cpu',
      phys,
      phys,
      'This arch has no cache maintenance for DMA (always coherent).',
      'include/linux/dma-map-ops.h:arch_sync_dma_for_cpu',
      '§1.5',
    );
}

/** `dma_direct_map_page` (§1.4). */
export function dmaDirectMapPage(
  ctx: DmaContext,
  phys: bigint,
  size: bigint,
  dir: Direction,
  attrs: DmaAttr[],
): MapOutcome {
  const { session, trace } = ctx;
  const dma = physToDma(session, phys);
  recordPhysToDma(ctx, phys, dma);
  if (isSwiotlbForceBounce(session)) {
    trace.stage(
      'is_swiotlb_force_bounce',
      phys,
      null,
      'The swiotlb pool was initialised with SWIOTLB_FORCE, so every dma-direct map bounces.',
      `${DIRECT_H}:dma_direct_map_page`,
      '§1.6',
    );
    return swiotlbMap(ctx, phys, size, dir, attrs);
  }
  const capable = dmaCapable(session, dma, size);
  const kmallocBounce = capable && dmaKmallocNeedsBounce(ctx, size, dir);
  if (!capable || kmallocBounce) {
    if (!capable) {
      trace.stage(
        'dma_capable',
        dma,
        null,
        `${hex(dma)}+${hex(size)} ends above min_not_zero(dma_mask ${hex(session.dev.dmaMask)}, bus_dma_limit ${hex(session.dev.busDmaLimit)}) or is DMA_MAPPING_ERROR${dmaAddrBits(session) === 32 ? `, or, with this kernel's 32-bit dma_addr_t, lies below phys_to_dma(min_low_pfn) = ${hex(lowestRamDma(session))} (a wrapped address, or none when the first RAM page has no translation)` : ''}.`,
        `${DMA_DIRECT_H}:dma_capable`,
        '§1.3',
      );
    }
    if (isSwiotlbActive(session)) return swiotlbMap(ctx, phys, size, dir, attrs);
    const message = overflowMessage(session, 'DMA', dma, size);
    trace.stage(
      'dma_direct_map_page',
      dma,
      DMA_MAPPING_ERROR,
      `No swiotlb pool to bounce through: dev_WARN_ONCE "${message}" and DMA_MAPPING_ERROR.`,
      `${DIRECT_H}:dma_direct_map_page`,
      '§1.4',
    );
    trace.fail(message);
    return { dma: null, path: 'dma-direct' };
  }
  trace.stage(
    'dma_capable',
    dma,
    dma,
    `${hex(dma)}+${hex(size)} fits min_not_zero(dma_mask, bus_dma_limit) = ${hex(streamingLimit(session))}.`,
    `${DMA_DIRECT_H}:dma_capable`,
    '§1.3',
  );
  syncForDeviceIfNeeded(ctx, phys, size, dir, attrs);
  return { dma, path: 'dma-direct' };
}

/** `dma_direct_sync_single_for_cpu`: cache op first, then the swiotlb copy-back. */
export function dmaDirectSyncSingleForCpu(
  ctx: DmaContext,
  dma: bigint,
  size: bigint,
  dir: Direction,
  when: 'unmap' | 'sync',
): void {
  const phys = dmaToPhys(ctx.session, dma);
  if (!ctx.session.dev.coherent) archSyncForCpu(ctx, phys, size, dir);
  if (isSwiotlbBuffer(ctx.session, phys)) swiotlbSyncSingleForCpu(ctx, phys, size, dir, when);
}

/** `dma_direct_sync_single_for_device`: the swiotlb copy first, then the cache op on the (bounce) phys. */
export function dmaDirectSyncSingleForDevice(ctx: DmaContext, dma: bigint, size: bigint, dir: Direction): void {
  const phys = dmaToPhys(ctx.session, dma);
  if (isSwiotlbBuffer(ctx.session, phys)) swiotlbSyncSingleForDevice(ctx, phys, size, dir);
  if (!ctx.session.dev.coherent) archSyncForDevice(ctx, phys, size, dir);
}

/** `dma_direct_unmap_page`. */
export function dmaDirectUnmapPage(
  ctx: DmaContext,
  record: MappingRecord,
  size: bigint,
  dir: Direction,
  attrs: DmaAttr[],
): void {
  const dma = record.dma!;
  const phys = dmaToPhys(ctx.session, dma);
  ctx.trace.stage(
    'dma_to_phys',
    dma,
    phys,
    'dma_direct_unmap_page recovers the physical address (the bounce slot when the map bounced).',
    `${DMA_DIRECT_H}:dma_to_phys`,
    '§1.4',
  );
  if (!hasAttr(attrs, 'SKIP_CPU_SYNC')) dmaDirectSyncSingleForCpu(ctx, dma, size, dir, 'unmap');
  if (isSwiotlbBuffer(ctx.session, phys)) swiotlbTblUnmapSingle(ctx, phys, size, dir, [...attrs, 'SKIP_CPU_SYNC']);
}

/** `dma_direct_map_resource`: no phys_to_dma translation; capability checked as non-RAM. */
export function dmaDirectMapResource(ctx: DmaContext, phys: bigint, size: bigint): MapOutcome {
  const { session, trace } = ctx;
  const dma = phys;
  trace.stage(
    'dma_direct_map_resource',
    phys,
    dma,
    'MMIO resources are not translated: dma_addr = paddr.',
    'kernel/dma/direct.c:dma_direct_map_resource',
    '§1.1',
  );
  if (!dmaCapable(session, dma, size, false)) {
    const message = overflowMessage(session, 'DMA', dma, size);
    trace.stage(
      'dma_capable',
      dma,
      DMA_MAPPING_ERROR,
      `Not capable: WARN "${message}".`,
      `${DMA_DIRECT_H}:dma_capable`,
      '§1.3',
    );
    trace.fail(message);
    return { dma: null, path: 'dma-direct' };
  }
  return { dma, path: 'dma-direct' };
}
