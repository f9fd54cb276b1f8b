// iommu_dma_ops (drivers/iommu/dma-iommu.c, §3): IOVA allocation with the 32-bit-first rule, mapping,
// strict or flush-queue unmap, untrusted-device bouncing, scatterlists and coherent allocations.
import type { Direction, DmaAttr, OpResult, PhysRange } from '../types';
import {
  registerDmaOps,
  type AllocOutcome,
  type DmaContext,
  type EngineSession,
  type MapOutcome,
  type MappingRecord,
  type SgOutcome,
} from '../engine/ops';
import { DMA_MAPPING_ERROR, alignDown, alignUp, hex, ilog2, minBig, minNotZero } from '../engine/bits';
import { dmaBitMask } from '../params/parse';
import { registerRequestHandler } from '../engine/dispatch';
import { TraceBuilder } from '../engine/trace';
import { archSyncForCpu, archSyncForDevice } from '../dma/direct';
import {
  isSwiotlbActive,
  isSwiotlbBuffer,
  swiotlbMaxMappingSize,
  swiotlbSyncSingleForCpu,
  swiotlbSyncSingleForDevice,
  swiotlbTblMapSingle,
  swiotlbTblUnmapSingle,
} from '../dma/swiotlb';
import { allocatePages, lowestAllocatablePage, pageAllocator } from '../dma/pages';
import { ramEnd, ramHoles } from '../dma/ram';
import { IovaDomain } from './iova';
import { FlushQueues, flushAll, flushRange, isStrict } from './flush';

const SOURCE = 'drivers/iommu/dma-iommu.c';
const IOVA_C = 'drivers/iommu/iova.c';
const MSI_START = 0xfee00000n;
const MSI_END = 0xfeefffffn;
const HT_START = 0xfd00000000n;
const HT_END = 0xffffffffffn;

/** What a dma-iommu mapping keeps: the IOVA (granule aligned) and the IOMMU-mapped size. */
interface IommuData {
  iova: bigint;
  mapped: bigint;
  /** The phys that was IOMMU-mapped (the bounce slot for untrusted sub-granule buffers). */
  phys: bigint;
  /** The pages of a remapped coherent allocation, in IOVA order. */
  pages?: bigint[];
}

function granule(session: EngineSession): bigint {
  return session.params.iommu_granule as bigint;
}

function shift(session: EngineSession): bigint {
  return BigInt(ilog2(granule(session)));
}

function domain(session: EngineSession): IovaDomain {
  return session.state('iova', () => {
    const iovad = new IovaDomain(1n, 1n << (32n - shift(session)));
    const kind = session.params.iommu_kind as string;
    if (kind !== 'smmu') iovad.reserve(MSI_START >> shift(session), MSI_END >> shift(session));
    // AMD-Vi also reserves the HyperTransport window (amd_iommu_get_resv_regions).
    if (kind === 'amd') iovad.reserve(HT_START >> shift(session), HT_END >> shift(session));
    return iovad;
  });
}

/** The driver's aperture when aperture_bits is 0 (see the parameter's doc). */
const DRIVER_APERTURE_BITS: Record<string, number> = { vtd: 48, amd: 64, smmu: 48 };

function apertureEnd(session: EngineSession): bigint {
  const bits = session.params.aperture_bits as number;
  return dmaBitMask(bits || (DRIVER_APERTURE_BITS[session.params.iommu_kind as string] ?? 48));
}

function useSwiotlb(session: EngineSession): boolean {
  return session.dev.untrusted;
}

/** `iommu_dma_alloc_iova`: SAC attempt below 4 GiB first for PCI devices, then the full limit. */
function allocIova(ctx: DmaContext, size: bigint, mask: bigint): bigint | null {
  const { session, trace } = ctx;
  const iovad = domain(session);
  const sh = shift(session);
  const pages = size >> sh;
  let limit = minNotZero(mask, session.dev.busDmaLimit);
  limit = minBig(limit, apertureEnd(session));
  let got: { pfn: bigint; cached: boolean } | null = null;
  const sac = limit > dmaBitMask(32) && !(session.params.forcedac as boolean) && session.dev.isPci;
  if (sac) got = iovad.allocFast(pages, dmaBitMask(32) >> sh, false, ctx.cpu);
  const sacNote = sac
    ? got
      ? 'The 32-bit-first (SAC) attempt below 4 GiB succeeded. '
      : 'The 32-bit-first attempt failed; retried up to the full limit. '
    : '';
  if (!got) got = iovad.allocFast(pages, limit >> sh, true, ctx.cpu);
  if (!got) {
    trace.stage(
      'iommu_dma_alloc_iova',
      null,
      0n,
      `No free IOVA range of ${pages} granule(s) below ${hex(limit)}.`,
      `${SOURCE}:iommu_dma_alloc_iova`,
      '§3.2',
    );
    return null;
  }
  const iova = got.pfn << sh;
  const rounded = pages < 32n ? 'rounded up to a power of two and ' : '';
  const how = got.cached
    ? `reused LIFO from CPU ${ctx.cpu}'s rcache`
    : `top-down, ${rounded}size-aligned, below ${hex(sac && got.pfn < 1n << (32n - sh) ? dmaBitMask(32) : limit)}; IOVA page 0 is never used`;
  const lazy = !isStrict(session);
  trace.stage(
    'alloc_iova_fast',
    null,
    iova,
    `${sacNote}${pages} granule(s) ${how}.${lazy ? ' Lazy mode: the IOVA depends on timing, since IOVAs unmapped in the last 10 ms wait in the flush queue and return to the rcache only when fq_flush_timeout runs.' : ''}`,
    `${IOVA_C}:alloc_iova_fast`,
    '§3.2',
  );
  if (lazy) {
    trace.note('lazy IOMMU: the IOVA depends on timing (flush queue, 10 ms timer)');
    trace.details['timingDependent'] = true;
  }
  return iova;
}

/** `__iommu_dma_map`: IOVA for iova_align(size + offset), PTEs, and VT-d's iotlb_sync_map. */
function iommuDmaMapRange(
  ctx: DmaContext,
  phys: bigint,
  size: bigint,
  mask: bigint,
): { dma: bigint; data: IommuData } | null {
  const { session, trace } = ctx;
  const g = granule(session);
  const off = phys & (g - 1n);
  const mapped = alignUp(size + off, g);
  const iova = allocIova(ctx, mapped, mask);
  if (iova === null) return null;
  const ptes = mapped / g;
  trace.stage(
    'iommu_map_atomic',
    phys - off,
    iova,
    `${ptes} PTE(s) map IOVA ${hex(iova)} -> phys ${hex(phys - off)} (only iova_align(size + offset) = ${hex(mapped)} is mapped, not the rounded allocation).`,
    'drivers/iommu/iommu.c:iommu_map_atomic',
    '§3.2',
  );
  trace.note(`map: ${ptes} PTE write(s)`);
  if ((session.params.iommu_kind as string) === 'vtd') {
    if (session.params.caching_mode as boolean) flushRange(ctx, iova, mapped, 'map');
    else
      trace.stage(
        '__mapping_notify_one',
        iova,
        iova,
        'Caching mode off: only iommu_flush_write_buffer, no IOTLB flush on map.',
        'drivers/iommu/intel/iommu.c:__mapping_notify_one',
        '§3.3',
      );
  }
  const dma = iova + off;
  trace.stage(
    '__iommu_dma_map',
    phys,
    dma,
    `dma = iova + (phys & ${hex(g - 1n)}): the offset inside the granule is preserved.`,
    `${SOURCE}:__iommu_dma_map`,
    '§3.2',
  );
  return { dma, data: { iova, mapped, phys } };
}

/** `__iommu_dma_unmap`: strict invalidates now; lazy queues the IOVA for a deferred domain flush. */
function iommuDmaUnmapRange(ctx: DmaContext, iova: bigint, mapped: bigint): void {
  const { session, trace } = ctx;
  const iovad = domain(session);
  const pfn = iova >> shift(session);
  const pages = mapped >> shift(session);
  trace.stage(
    'iommu_unmap_fast',
    iova,
    null,
    `Clears ${pages} PTE(s).`,
    'drivers/iommu/iommu.c:iommu_unmap_fast',
    '§3.3',
  );
  if (isStrict(session)) {
    flushRange(ctx, iova, mapped, 'unmap');
    const where = iovad.freeFast(pfn, pages, ctx.cpu);
    trace.stage(
      'free_iova_fast',
      iova,
      null,
      where === 'rcache'
        ? `Strict: the IOVA goes to CPU ${ctx.cpu}'s rcache, the next map of this order gets it back first.`
        : 'Strict: the IOVA range is freed to the tree.',
      `${IOVA_C}:free_iova_fast`,
      '§3.3',
    );
    return;
  }
  const queues = session.state('iova_fq', () => new FlushQueues());
  const timerArmed = queues.pending();
  if (queues.full(ctx.cpu)) {
    flushAll(ctx, 'unmap');
    trace.stage(
      'fq_flush_iotlb',
      null,
      null,
      'The flush queue is full (255 entries): one domain-wide flush now, then the queued IOVAs are freed.',
      `${SOURCE}:queue_iova`,
      '§3.3',
    );
    for (const entry of queues.ring(ctx.cpu)) iovad.freeFast(entry.pfn, entry.pages, ctx.cpu);
    queues.ring(ctx.cpu).length = 0;
  } else if (!timerArmed) {
    // queue_iova arms fq_timer only when it is not already running: one deferred flush covers every queued IOVA.
    flushAll(ctx, 'deferred');
  }
  queues.ring(ctx.cpu).push({ pfn, pages });
  iovad.hold(pfn);
  trace.stage(
    'queue_iova',
    iova,
    null,
    `Lazy (DMA_FQ): the IOVA waits in CPU ${ctx.cpu}'s flush queue (${queues.ring(ctx.cpu).length}/255); one domain-wide flush_iotlb_all when the queue fills or IOVA_FQ_TIMEOUT (10 ms) expires (fq_flush_timeout), then the IOVA returns to the rcache: a map before that gets a fresh IOVA, one after it the last unmapped first.`,
    `${SOURCE}:queue_iova`,
    '§3.3',
  );
  trace.note(
    timerArmed
      ? 'unmap: IOVA queued behind the already pending deferred flush'
      : 'unmap: IOVA queued; deferred domain-selective flush (<= 1 per 10 ms or per 255 unmaps)',
  );
}

function mapPage(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction, attrs: DmaAttr[]): MapOutcome {
  const { session, trace } = ctx;
  const g = granule(session);
  let target = phys;
  let tlbAddr: bigint | undefined;
  if (useSwiotlb(session) && ((phys | size) & (g - 1n)) !== 0n) {
    trace.path = 'dma-iommu-bounce';
    if (!isSwiotlbActive(session)) {
      const message = 'DMA bounce buffers are inactive, unable to map unaligned transaction.';
      trace.stage(
        'iommu_dma_map_page',
        phys,
        DMA_MAPPING_ERROR,
        `Untrusted device, sub-granule buffer, no swiotlb pool: "${message}".`,
        `${SOURCE}:iommu_dma_map_page`,
        '§3.4',
      );
      trace.fail(message);
      return { dma: null, path: 'dma-iommu-bounce' };
    }
    const aligned = alignUp(size, g);
    trace.stage(
      'dev_use_swiotlb',
      phys,
      null,
      `Untrusted device and a buffer that does not fill whole granules: bounce into a granule-aligned slot of ${hex(aligned)} bytes so the device cannot see neighbouring data.`,
      `${SOURCE}:iommu_dma_map_page`,
      '§3.4',
    );
    const tlb = swiotlbTblMapSingle(ctx, phys, size, aligned, g - 1n, dir, attrs);
    if (tlb === null) return { dma: null, path: 'dma-iommu-bounce' };
    target = tlb;
    tlbAddr = tlb;
  }
  if (!session.dev.coherent && !attrs.includes('SKIP_CPU_SYNC')) archSyncForDevice(ctx, target, size, dir);
  const mapped = iommuDmaMapRange(ctx, target, size, session.dev.dmaMask);
  const path = tlbAddr !== undefined ? 'dma-iommu-bounce' : 'dma-iommu';
  if (!mapped) {
    if (tlbAddr !== undefined) swiotlbTblUnmapSingle(ctx, tlbAddr, size, dir, attrs);
    trace.fail('iommu_dma_alloc_iova: no IOVA space left below the device limit (DMA_MAPPING_ERROR)');
    return { dma: null, path };
  }
  const outcome: MapOutcome = { dma: mapped.dma, opsData: mapped.data, path };
  if (tlbAddr !== undefined) outcome.tlbAddr = tlbAddr;
  return outcome;
}

function unmapPage(ctx: DmaContext, record: MappingRecord, dir: Direction, attrs: DmaAttr[]): void {
  const { session } = ctx;
  const data = record.opsData as IommuData;
  // iommu_iova_to_phys gives back what was mapped: the bounce slot when the buffer bounced.
  const phys = data.phys;
  if (!session.dev.coherent && !attrs.includes('SKIP_CPU_SYNC')) archSyncForCpu(ctx, phys, record.size, dir);
  iommuDmaUnmapRange(ctx, data.iova, data.mapped);
  if (record.tlbAddr !== undefined) swiotlbTblUnmapSingle(ctx, record.tlbAddr, record.size, dir, attrs);
}

function syncForCpu(ctx: DmaContext, record: MappingRecord, offset: bigint, size: bigint, dir: Direction): void {
  const { session } = ctx;
  if (session.dev.coherent && !useSwiotlb(session)) {
    ctx.trace.stage(
      'iommu_dma_sync_single_for_cpu',
      record.dma,
      null,
      'Coherent device without bouncing: nothing to do.',
      `${SOURCE}:iommu_dma_sync_single_for_cpu`,
      '§3.2',
    );
    return;
  }
  const phys = (record.tlbAddr ?? record.phys) + offset;
  if (!session.dev.coherent) archSyncForCpu(ctx, phys, size, dir);
  if (record.tlbAddr !== undefined && isSwiotlbBuffer(session, record.tlbAddr))
    swiotlbSyncSingleForCpu(ctx, phys, size, dir, 'sync');
}

function syncForDevice(ctx: DmaContext, record: MappingRecord, offset: bigint, size: bigint, dir: Direction): void {
  const { session } = ctx;
  if (session.dev.coherent && !useSwiotlb(session)) {
    ctx.trace.stage(
      'iommu_dma_sync_single_for_device',
      record.dma,
      null,
      'Coherent device without bouncing: nothing to do.',
      `${SOURCE}:iommu_dma_sync_single_for_device`,
      '§3.2',
    );
    return;
  }
  const phys = (record.tlbAddr ?? record.phys) + offset;
  if (record.tlbAddr !== undefined && isSwiotlbBuffer(session, record.tlbAddr))
    swiotlbSyncSingleForDevice(ctx, phys, size, dir);
  if (!session.dev.coherent) archSyncForDevice(ctx, phys, size, dir);
}

/** `iommu_dma_map_sg` with `__finalise_sg` merging (§3.2). */
function mapSg(ctx: DmaContext, entries: PhysRange[], dir: Direction, attrs: DmaAttr[]): SgOutcome {
  const { session, trace } = ctx;
  if (useSwiotlb(session)) {
    const segments: MappingRecord[] = [];
    for (const entry of entries) {
      const outcome = mapPage(ctx, entry.phys, entry.size, dir, attrs);
      const segment: MappingRecord = {
        op: 'map_page',
        phys: entry.phys,
        size: entry.size,
        dir,
        attrs,
        dma: outcome.dma,
        path: outcome.path,
        direct: false,
        released: false,
        opsData: outcome.opsData,
      };
      if (outcome.tlbAddr !== undefined) segment.tlbAddr = outcome.tlbAddr;
      if (outcome.dma === null) {
        for (const done of segments) unmapPage(ctx, done, dir, [...attrs, 'SKIP_CPU_SYNC']);
        return { out: null, segments: [], path: 'dma-iommu-bounce', errno: -5 };
      }
      segments.push(segment);
    }
    return {
      out: segments.map((segment) => ({ phys: segment.dma!, size: segment.size })),
      segments,
      path: segments.some((segment) => segment.tlbAddr !== undefined) ? 'dma-iommu-bounce' : 'dma-iommu',
    };
  }
  const g = granule(session);
  const segMask = session.dev.segBoundaryMask;
  const maxLen = session.dev.maxSegSize;
  if (!session.dev.coherent && !attrs.includes('SKIP_CPU_SYNC'))
    for (const entry of entries) archSyncForDevice(ctx, entry.phys, entry.size, dir);
  const layout: { off: bigint; length: bigint; iovaLen: bigint }[] = [];
  let iovaLen = 0n;
  for (const entry of entries) {
    const off = entry.phys & (g - 1n);
    const iovaSegLen = alignUp(entry.size + off, g);
    const padLen = (segMask - iovaLen + 1n) & segMask;
    if (padLen !== 0n && padLen < iovaSegLen - 1n && layout.length > 0) {
      layout[layout.length - 1]!.iovaLen += padLen;
      iovaLen += padLen;
    }
    layout.push({ off, length: entry.size, iovaLen: iovaSegLen });
    iovaLen += iovaSegLen;
  }
  trace.stage(
    'iommu_dma_map_sg',
    entries[0]!.phys,
    null,
    `One IOVA allocation of ${hex(iovaLen)} bytes for all ${entries.length} entries (each expanded to whole granules${layout.length > 1 ? ', padded at segment boundaries' : ''}).`,
    `${SOURCE}:iommu_dma_map_sg`,
    '§3.2',
  );
  const base = allocIova(ctx, iovaLen, session.dev.dmaMask);
  if (base === null) {
    trace.fail('iommu_dma_map_sg: no IOVA space (-ENOMEM)');
    return { out: null, segments: [], path: 'dma-iommu', errno: -12 };
  }
  trace.note(`map: ${iovaLen / g} PTE write(s)`);
  if ((session.params.iommu_kind as string) === 'vtd' && (session.params.caching_mode as boolean))
    flushRange(ctx, base, iovaLen, 'map');
  const out: PhysRange[] = [];
  let dmaAddr = base;
  let curLen = 0n;
  for (const item of layout) {
    if (curLen !== 0n && item.off === 0n && (dmaAddr & segMask) !== 0n && maxLen - curLen >= item.length) {
      curLen += item.length;
      out[out.length - 1]!.size = curLen;
    } else {
      curLen = item.length;
      out.push({ phys: dmaAddr + item.off, size: curLen });
    }
    dmaAddr += item.iovaLen;
    if (item.length + item.off < item.iovaLen) curLen = 0n;
  }
  trace.stage(
    '__finalise_sg',
    base,
    out[0]!.phys,
    `${entries.length} entries became ${out.length} DMA segment(s): a segment joins the previous one when it starts on a granule, the previous one ended on one, no segment boundary is crossed and max_seg_size (${hex(maxLen)}) allows.`,
    `${SOURCE}:__finalise_sg`,
    '§3.2',
  );
  const segments = entries.map((entry) => ({
    op: 'map_page',
    phys: entry.phys,
    size: entry.size,
    dir,
    attrs,
    dma: null,
    path: 'dma-iommu' as const,
    direct: false,
    released: false,
  }));
  return {
    out,
    segments,
    opsData: { iova: base, mapped: iovaLen, phys: alignDown(entries[0]!.phys, g) } satisfies IommuData,
    path: 'dma-iommu',
  };
}

function unmapSg(ctx: DmaContext, record: MappingRecord, dir: Direction, attrs: DmaAttr[]): void {
  const { session } = ctx;
  if (useSwiotlb(session)) {
    for (const segment of record.segments ?? []) unmapPage(ctx, segment, dir, attrs);
    return;
  }
  if (!session.dev.coherent && !attrs.includes('SKIP_CPU_SYNC'))
    for (const segment of record.segments ?? []) archSyncForCpu(ctx, segment.phys, segment.size, dir);
  const data = record.opsData as IommuData;
  const out = record.sgOut ?? [];
  const last = out[out.length - 1]!;
  const g = granule(session);
  const start = out[0]!.phys;
  const end = last.phys + last.size;
  // The kernel unmaps from the first output segment to the end of the last one.
  iommuDmaUnmapRange(ctx, data.iova, alignUp(end - start + (start & (g - 1n)), g));
}

/**
 * `iommu_dma_alloc` (§3.5): a blocking allocation without DMA_ATTR_FORCE_CONTIGUOUS takes the remap path,
 * anything else gets contiguous pages mapped with __iommu_dma_map; handle = IOVA.
 */
function alloc(ctx: DmaContext, size: bigint, blocking: boolean, attrs: DmaAttr[]): AllocOutcome {
  const { session, trace } = ctx;
  const pageSize = session.params.page_size as bigint;
  const aligned = alignUp(size, pageSize);
  if (blocking && !attrs.includes('FORCE_CONTIGUOUS')) return allocRemap(ctx, aligned);
  const phys = allocatePages(
    ctx,
    aligned,
    pageSize,
    lowestAllocatablePage(session),
    ramEnd(session) - 1n,
    ramHoles(session),
  );
  trace.stage(
    'iommu_dma_alloc',
    null,
    phys,
    'Atomic (or DMA_ATTR_FORCE_CONTIGUOUS) allocation: contiguous pages mapped with __iommu_dma_map.',
    `${SOURCE}:iommu_dma_alloc`,
    '§3.5',
  );
  if (phys === null) {
    trace.fail('iommu_dma_alloc: out of memory');
    return { dma: null, phys: null, size: aligned, path: 'dma-iommu' };
  }
  const mapped = iommuDmaMapRange(ctx, phys, aligned, session.dev.coherentDmaMask);
  if (!mapped) {
    pageAllocator(session).free(phys);
    trace.fail('iommu_dma_alloc_iova: no IOVA space under the coherent mask');
    return { dma: null, phys: null, size: aligned, path: 'dma-iommu' };
  }
  return { dma: mapped.dma, phys, size: aligned, path: 'dma-iommu', opsData: mapped.data };
}

/**
 * `iommu_dma_alloc_remap`: __iommu_dma_alloc_pages takes the pages one at a time (the higher orders the
 * IOMMU's page sizes allow are tried only while at least that many pages remain, so a ring of a few pages
 * gets single pages, rarely adjacent), one IOVA range covers them, and iommu_map_sg maps each physically
 * contiguous run with one iommu_map call and syncs the whole range once; vmap gives the CPU a contiguous view.
 */
function allocRemap(ctx: DmaContext, aligned: bigint): AllocOutcome {
  const { session, trace } = ctx;
  const pageSize = session.params.page_size as bigint;
  const count = Number(aligned / pageSize);
  const pages = remapPages(ctx, count, pageSize);
  if (pages === null) {
    trace.fail('iommu_dma_alloc_remap: out of memory');
    return { dma: null, phys: null, size: aligned, path: 'dma-iommu' };
  }
  trace.stage(
    'iommu_dma_alloc_remap',
    null,
    pages[0]!,
    `Blocking allocation: ${count} page(s) taken one at a time (${pages.slice(0, 4).map(hex).join(', ')}${count > 4 ? ', …' : ''}${ctx.knownPages ? ', as the traced kernel got them' : "; the page allocator's choice is an example"}), then vmap'd for the CPU.`,
    `${SOURCE}:iommu_dma_alloc_remap`,
    '§3.5',
  );
  const iova = allocIova(ctx, aligned, session.dev.coherentDmaMask);
  if (iova === null) {
    for (const page of pages) pageAllocator(session).free(page);
    trace.fail('iommu_dma_alloc_iova: no IOVA space under the coherent mask');
    return { dma: null, phys: null, size: aligned, path: 'dma-iommu' };
  }
  let offset = 0n;
  for (const run of contiguousRuns(pages, pageSize)) {
    trace.stage(
      'iommu_map',
      run.phys,
      iova + offset,
      `${run.size / granule(session)} PTE(s) map IOVA ${hex(iova + offset)} -> phys ${hex(run.phys)}: one iommu_map call per physically contiguous run of the page array.`,
      'drivers/iommu/iommu.c:__iommu_map_sg',
      '§3.5',
    );
    offset += run.size;
  }
  if ((session.params.iommu_kind as string) === 'vtd' && (session.params.caching_mode as boolean))
    flushRange(ctx, iova, aligned, 'map');
  return {
    dma: iova,
    phys: pages[0]!,
    size: aligned,
    path: 'dma-iommu',
    opsData: { iova, mapped: aligned, phys: pages[0]!, pages },
  };
}

function remapPages(ctx: DmaContext, count: number, pageSize: bigint): bigint[] | null {
  const allocator = pageAllocator(ctx.session);
  if (ctx.knownPages) {
    const known = ctx.knownPages.slice(0, count);
    for (const page of known) allocator.take(page, pageSize);
    return known;
  }
  const pages: bigint[] = [];
  for (let index = 0; index < count; index++) {
    const page = allocator.allocate(
      pageSize,
      pageSize,
      lowestAllocatablePage(ctx.session),
      ramEnd(ctx.session) - 1n,
      ramHoles(ctx.session),
    );
    if (page === null) {
      for (const taken of pages) allocator.free(taken);
      return null;
    }
    pages.push(page);
  }
  return pages;
}

function contiguousRuns(pages: readonly bigint[], pageSize: bigint): Array<{ phys: bigint; size: bigint }> {
  const runs: Array<{ phys: bigint; size: bigint }> = [];
  for (const page of pages) {
    const last = runs[runs.length - 1];
    if (last && last.phys + last.size === page) last.size += pageSize;
    else runs.push({ phys: page, size: pageSize });
  }
  return runs;
}

function free(ctx: DmaContext, record: MappingRecord): void {
  const data = record.opsData as IommuData;
  iommuDmaUnmapRange(ctx, data.iova, data.mapped);
  for (const page of data.pages ?? (record.pages ? [record.pages.phys] : [])) pageAllocator(ctx.session).free(page);
}

registerDmaOps({
  name: 'iommu_dma_ops',
  path: 'dma-iommu',
  source: SOURCE,
  setup(ctx) {
    const { session, trace } = ctx;
    const strict = isStrict(session);
    trace.stage(
      'iommu_dma_init_domain',
      null,
      null,
      `${(session.params.iommu_kind as string).toUpperCase()} DMA domain: granule ${hex(granule(session))}, start_pfn 1, aperture ${hex(apertureEnd(session))}, ${strict ? 'strict (IOMMU_DOMAIN_DMA)' : 'lazy (IOMMU_DOMAIN_DMA_FQ)'}${(session.params.iommu_kind as string) !== 'smmu' ? ', MSI window 0xFEE00000-0xFEEFFFFF reserved' : ''}${(session.params.iommu_kind as string) === 'amd' ? ', HyperTransport window 0xFD_0000_0000-0xFF_FFFF_FFFF reserved' : ''}.`,
      `${SOURCE}:iommu_dma_init_domain`,
      '§3.1',
    );
    domain(session);
  },
  mapPage,
  unmapPage,
  mapSg,
  unmapSg,
  syncForCpu,
  syncForDevice,
  mapResource(ctx, phys, size) {
    const mapped = iommuDmaMapRange(ctx, phys, size, ctx.session.dev.dmaMask);
    if (!mapped) {
      ctx.trace.fail('iommu_dma_map_resource: no IOVA space (DMA_MAPPING_ERROR)');
      return { dma: null, path: 'dma-iommu' };
    }
    return { dma: mapped.dma, opsData: mapped.data, path: 'dma-iommu' };
  },
  unmapResource(ctx, record) {
    const data = record.opsData as IommuData;
    iommuDmaUnmapRange(ctx, data.iova, data.mapped);
  },
  alloc,
  free,
  maxMappingSize(session) {
    return useSwiotlb(session) && isSwiotlbActive(session) ? swiotlbMaxMappingSize(session) : (1n << 64n) - 1n;
  },
  rule(ctx) {
    const session = ctx.session;
    const limit = minBig(minNotZero(session.dev.dmaMask, session.dev.busDmaLimit), apertureEnd(session));
    const sac = limit > dmaBitMask(32) && !(session.params.forcedac as boolean) && session.dev.isPci;
    return `dma = IOVA (top-down, size-aligned${sac ? ', below 4 GiB first' : ''}, limit ${hex(limit)}) + (phys & ${hex(granule(session) - 1n)})`;
  },
});

/**
 * `fq_flush_timeout`: the flush-queue timer (IOVA_FQ_TIMEOUT, 10 ms after the first queued unmap) runs one
 * domain-wide flush, then fq_ring_free hands every queued IOVA to the rcache of the CPU the timer runs on,
 * oldest first, so the next map of the same order gets the most recently unmapped IOVA back (LIFO).
 * Lazy-mode addresses therefore depend on timing: a map before the timer gets a fresh IOVA, one after it a
 * reused one. The request lets a sequence say when the timer fired.
 */
function fqTimeout(ctx: DmaContext): OpResult {
  const { session, trace } = ctx;
  const queues = session.peekState<FlushQueues>('iova_fq');
  const lazyDomain = session.ops()?.name === 'iommu_dma_ops' && !isStrict(session);
  if (!lazyDomain || !queues?.pending()) {
    trace.stage(
      'fq_flush_timeout',
      null,
      null,
      !lazyDomain
        ? 'The device has no flush queue (not a lazy dma-iommu domain): nothing to do.'
        : 'No unmap is queued, so the timer is not armed: nothing to do.',
      `${SOURCE}:fq_flush_timeout`,
      '§3.3',
    );
    return trace.finish(null);
  }
  flushAll(ctx, 'deferred');
  const iovad = domain(session);
  let freed = 0;
  for (const ring of queues.rings.values()) {
    for (const entry of ring) iovad.freeFast(entry.pfn, entry.pages, ctx.cpu);
    freed += ring.length;
    ring.length = 0;
  }
  trace.stage(
    'fq_flush_timeout',
    null,
    null,
    `The timer fired: one domain-wide flush, then ${freed} queued IOVA(s) go to CPU ${ctx.cpu}'s rcache, oldest first; the next maps reuse them last-in, first-out.`,
    `${SOURCE}:fq_flush_timeout`,
    '§3.3',
  );
  return trace.finish(null);
}

registerRequestHandler(['fq_timeout'], (_request, _index, nested) =>
  fqTimeout({ session: nested.session, trace: new TraceBuilder('fq_timeout'), cpu: nested.params.cpu as number }),
);
