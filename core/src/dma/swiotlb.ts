// swiotlb (§2): the bounce-buffer pool with 2 KiB slots, 128-slot segments, per-CPU areas searched
// next-fit, and the copy rules of §2.3. Ref: kernel/dma/swiotlb.c, include/linux/swiotlb.h.
import type { Direction, DmaAttr } from '../types';
import type { DmaContext, EngineSession, MapOutcome, SessionState } from '../engine/ops';
import { DMA_MAPPING_ERROR, U64_MAX, alignDown, hex, ilog2, maxBig } from '../engine/bits';
import { ramEnd } from './ram';
import { ParamError } from '../params/parse';
import { dmaCapable, overflowMessage, physToDmaUnencrypted, recordPhysToDma, syncForDeviceIfNeeded } from './direct';

export const IO_TLB_SHIFT = 11n;
export const IO_TLB_SIZE = 1n << IO_TLB_SHIFT;
export const IO_TLB_SEGSIZE = 128;
const SWIOTLB_C = 'kernel/dma/swiotlb.c';

interface SlotAllocation {
  index: number;
  nslots: number;
  orig: bigint;
  /** Bytes the allocation was made for (alloc_size + offset). */
  allocSize: bigint;
  mappingSize: bigint;
}

interface Area {
  index: number;
  used: number;
}

export function nrSlots(size: bigint): number {
  return Number((size + IO_TLB_SIZE - 1n) >> IO_TLB_SHIFT);
}

/** The pool `io_tlb_mem`: allocations kept as a sorted list, so cloning costs O(live mappings). */
export class SwiotlbPool implements SessionState {
  constructor(
    readonly start: bigint,
    readonly nslabs: number,
    readonly nareas: number,
    readonly forceBounce: boolean,
    readonly areas: Area[] = Array.from({ length: nareas }, () => ({ index: 0, used: 0 })),
    readonly allocations: SlotAllocation[] = [],
  ) {}

  get areaNslabs(): number {
    return Math.floor(this.nslabs / this.nareas);
  }

  get end(): bigint {
    return this.start + BigInt(this.nslabs) * IO_TLB_SIZE;
  }

  get used(): number {
    return this.areas.reduce((sum, area) => sum + area.used, 0);
  }

  clone(): SwiotlbPool {
    return new SwiotlbPool(
      this.start,
      this.nslabs,
      this.nareas,
      this.forceBounce,
      this.areas.map((area) => ({ ...area })),
      this.allocations.map((item) => ({ ...item })),
    );
  }

  fingerprint(): string {
    return this.allocations.map((item) => `${item.index}+${item.nslots}`).join(',');
  }

  /** `slots[slot].list`: free slots from `slot` to the end of its 128-slot segment (0 when in use). */
  freeRun(slot: number): number {
    const segmentEnd = (Math.floor(slot / IO_TLB_SEGSIZE) + 1) * IO_TLB_SEGSIZE;
    let limit = Math.min(segmentEnd, this.nslabs);
    for (const item of this.allocations) {
      if (item.index + item.nslots <= slot) continue;
      if (item.index <= slot) return 0;
      limit = Math.min(limit, item.index);
      break;
    }
    return Math.max(0, limit - slot);
  }

  insert(allocation: SlotAllocation): void {
    const at = this.allocations.findIndex((item) => item.index > allocation.index);
    if (at < 0) this.allocations.push(allocation);
    else this.allocations.splice(at, 0, allocation);
  }

  findAllocation(slot: number): SlotAllocation | undefined {
    return this.allocations.find((item) => slot >= item.index && slot < item.index + item.nslots);
  }

  remove(allocation: SlotAllocation): void {
    this.allocations.splice(this.allocations.indexOf(allocation), 1);
  }
}

/** Whether the arch's boot code allocates the default pool (§1.6 activation rules). */
function poolActive(session: EngineSession): boolean {
  const mode = session.params.swiotlb_active as string;
  if (poolSlots(session) === 0 || mode === 'off') return false;
  if (mode === 'on' || poolForce(session)) return true;
  return session.arch.swiotlbDefaultActive?.(session) ?? true;
}

/**
 * nslabs as the boot code ends up with it: the parameter (like `swiotlb=<nslabs>`) or the arch default
 * (IO_TLB_DEFAULT_SIZE, SEV's RAM-based size) when -1, rounded up to a whole 128-slot segment
 * (setup_io_tlb_npages, swiotlb_adjust_size) and to a power of two when there are several areas
 * (swiotlb_adjust_nareas).
 */
export function poolSlots(session: EngineSession): number {
  const requested = session.params.swiotlb_slots as number;
  const slots = requested >= 0 ? requested : (session.arch.swiotlbSlots?.(session) ?? 32768);
  if (slots === 0) return 0;
  let nslabs = Math.ceil(slots / IO_TLB_SEGSIZE) * IO_TLB_SEGSIZE;
  if ((session.params.nareas as number) > 1) nslabs = 2 ** Math.ceil(Math.log2(nslabs));
  return nslabs;
}

function poolForce(session: EngineSession): boolean {
  return (session.params.swiotlb_force as boolean) || (session.arch.swiotlbForce?.(session) ?? false);
}

/** `nareas` after `swiotlb_adjust_nareas` (power of two) and `limit_nareas` (each area >= 128 slots). */
export function effectiveNareas(nslabs: number, requested: number): number {
  let nareas = 1;
  while (nareas < requested) nareas *= 2;
  if (nslabs < nareas * IO_TLB_SEGSIZE) nareas = Math.max(1, Math.floor(nslabs / IO_TLB_SEGSIZE));
  return nareas;
}

/** The device's pool (`dev->dma_io_tlb_mem`), or null when swiotlb is not active. */
export function swiotlbPool(session: EngineSession): SwiotlbPool | null {
  const existing = session.peekState<SwiotlbPool>('swiotlb');
  if (existing) return existing;
  if (!poolActive(session)) return null;
  const nslabs = poolSlots(session);
  return session.state(
    'swiotlb',
    () =>
      new SwiotlbPool(
        poolStart(session, nslabs),
        nslabs,
        effectiveNareas(nslabs, session.params.nareas as number),
        poolForce(session),
      ),
  );
}

/**
 * Where `swiotlb_init_remap` puts the pool: memblock_alloc_low(PAGE_ALIGN(nslabs << IO_TLB_SHIFT), PAGE_SIZE)
 * searches top-down, so with swiotlb_end set the pool ends there (the highest page-aligned start that fits),
 * or lower when all of RAM lies below it (memoryEndBelow); otherwise swiotlb_start is taken as the
 * allocator's answer.
 */
export function poolStart(session: EngineSession, nslabs: number): bigint {
  const end = placementEnd(session);
  if (end === 0n) return session.params.swiotlb_start as bigint;
  const pageSize = session.params.page_size as bigint;
  const bytes = pageAlign(BigInt(nslabs) << IO_TLB_SHIFT, pageSize);
  if (end < bytes) {
    throw new ParamError(
      `bad value ${hex(end)} for parameter 'swiotlb_end': the ${nslabs}-slot pool needs ${hex(bytes)} bytes below it`,
    );
  }
  return ((end - bytes) / pageSize) * pageSize;
}

/**
 * Memory memblock hands out top-down before mem_init runs swiotlb_init, when every RAM range lies below
 * swiotlb_end: the memory map (sparse_init's struct pages, 64 bytes per page) and about 8 MiB of page
 * tables, per-CPU areas and buffers, as a 6.1 distro kernel takes them (measured on a 2 GiB q35 guest, whose
 * pool starts at 0x7980_0000: docs/fidelity.md). With RAM above swiotlb_end those allocations land above it.
 */
const EARLY_ALLOCATIONS = 8n << 20n;
const STRUCT_PAGE = 64n;

function placementEnd(session: EngineSession): bigint {
  const end = session.params.swiotlb_end as bigint;
  if (end === 0n) return 0n;
  const top = ramEnd(session);
  if (top > end) return end;
  const memmap = ((session.params.ram as bigint) / (session.params.page_size as bigint)) * STRUCT_PAGE;
  return alignDown(top - memmap - EARLY_ALLOCATIONS, 2n << 20n);
}

function pageAlign(bytes: bigint, pageSize: bigint): bigint {
  return ((bytes + pageSize - 1n) / pageSize) * pageSize;
}

/** How the pool start was decided, for the boot trace and the symbolic rule. */
export function poolPlacement(session: EngineSession): string {
  const end = placementEnd(session);
  if (end === 0n && session.arch.name === 'powerpc')
    return 'placed bottom-up by mem_init, the lowest free RAM above the kernel, initrd and early allocations: start = swiotlb_start, an example';
  if (end === 0n) return 'start = swiotlb_start';
  return end === (session.params.swiotlb_end as bigint)
    ? `placed top-down by memblock_alloc_low below swiotlb_end ${hex(end)}`
    : `placed top-down by memblock_alloc_low below ${hex(end)}: the top of RAM less the memory map and early allocations (an estimate)`;
}

export function isSwiotlbActive(session: EngineSession): boolean {
  return swiotlbPool(session) !== null;
}

export function isSwiotlbForceBounce(session: EngineSession): boolean {
  return swiotlbPool(session)?.forceBounce ?? false;
}

export function isSwiotlbBuffer(session: EngineSession, phys: bigint): boolean {
  const pool = swiotlbPool(session);
  return pool !== null && phys >= pool.start && phys < pool.end;
}

/** Boot-time pool setup shown in the session's setup trace (`swiotlb_init_remap`, `swiotlb_update_mem_attributes`). */
export function recordPoolSetup(ctx: DmaContext): void {
  const { session, trace } = ctx;
  const pool = swiotlbPool(session);
  if (!pool) return;
  trace.stage(
    'swiotlb_init_remap',
    null,
    pool.start,
    `Default pool [${hex(pool.start)}, ${hex(pool.end)}) (${poolPlacement(session)}): ${pool.nslabs} slots of 2 KiB in ${pool.nareas} area(s)${pool.forceBounce ? ', SWIOTLB_FORCE (every dma-direct map bounces)' : ''}.`,
    (session.params.swiotlb_end as bigint) === 0n
      ? `${SWIOTLB_C}:swiotlb_init_remap`
      : `${SWIOTLB_C}:swiotlb_init_remap, mm/memblock.c:memblock_alloc_low`,
    '§2.1',
  );
  const encrypt = session.params.mem_encrypt as string;
  if (encrypt !== 'none') {
    trace.stage(
      'swiotlb_update_mem_attributes',
      pool.start,
      pool.start,
      'The whole pool is shared with the host once at boot (set_memory_decrypted), so maps cost no hypercall.',
      `${SWIOTLB_C}:swiotlb_update_mem_attributes`,
      '§5.4',
    );
  }
}

/** `swiotlb_max_mapping_size`. */
export function swiotlbMaxMappingSize(session: EngineSession): bigint {
  const minAlign = session.dev.minAlignMask;
  const pad = minAlign === 0n ? 0n : ((minAlign + IO_TLB_SIZE - 1n) / IO_TLB_SIZE) * IO_TLB_SIZE;
  return IO_TLB_SIZE * BigInt(IO_TLB_SEGSIZE) - pad;
}

/** `swiotlb_align_offset`: the part of orig kept inside the slot. */
export function swiotlbAlignOffset(session: EngineSession, orig: bigint): bigint {
  return orig & session.dev.minAlignMask & (IO_TLB_SIZE - 1n);
}

/** `iommu_is_span_boundary(index, nr, shift, boundary_size)`. */
function isSpanBoundary(index: number, nr: number, shift: bigint, boundarySize: bigint): boolean {
  const offset = (shift + BigInt(index)) & (boundarySize - 1n);
  return offset + BigInt(nr) > boundarySize;
}

/** `swiotlb_do_find_slots` for one area; returns the slot index or -1. */
function findSlotsInArea(
  session: EngineSession,
  pool: SwiotlbPool,
  areaIndex: number,
  orig: bigint,
  allocSize: bigint,
  allocAlignMask: bigint,
): number {
  const boundaryMask = session.dev.segBoundaryMask;
  const tblDmaAddr = physToDmaUnencrypted(session, pool.start) & boundaryMask;
  const maxSlots = boundaryMask === U64_MAX ? 1n << (64n - IO_TLB_SHIFT) : BigInt(nrSlots(boundaryMask + 1n));
  const alignMask = allocAlignMask | (IO_TLB_SIZE - 1n);
  const iotlbAlignMask = session.dev.minAlignMask & ~alignMask & U64_MAX;
  const nslots = nrSlots(allocSize);
  const pageShift = BigInt(ilog2(session.params.page_size as bigint));
  let stride = (iotlbAlignMask >> IO_TLB_SHIFT) + 1n;
  if (allocSize >= (session.params.page_size as bigint)) stride = maxBig(stride, stride << (pageShift - IO_TLB_SHIFT));
  stride = maxBig(stride, (alignMask >> IO_TLB_SHIFT) + 1n);
  const strideN = Number(stride);
  const area = pool.areas[areaIndex]!;
  const areaNslabs = pool.areaNslabs;
  if (nslots > areaNslabs - area.used) return -1;
  // `slots[i].list` never exceeds a segment, so a request longer than a segment fails at every slot: the
  // kernel's loop visits the whole area to learn that, and its answer is known without the walk.
  if (nslots > IO_TLB_SEGSIZE) return -1;
  const slotBase = areaIndex * areaNslabs;
  const wrap = (value: number): number => (value >= areaNslabs ? 0 : value);
  const tableShift = BigInt(nrSlots(tblDmaAddr));
  // Without an alignment to keep, every slot passes the alignment test (both sides masked to 0).
  const keepsAlignment = orig !== 0n && iotlbAlignMask !== 0n;
  let index = wrap(Math.ceil(area.index / strideN) * strideN);
  // The 6.1.y loop ends after one full pass over the area (index_nowrap < area_nslabs). A request that
  // fits nowhere (larger than a segment) visits every slot, so the loop does no work it need not do.
  for (let visited = 0; visited < areaNslabs;) {
    const slot = slotBase + index;
    if (
      keepsAlignment &&
      ((tblDmaAddr + (BigInt(slot) << IO_TLB_SHIFT)) & iotlbAlignMask) !== (orig & iotlbAlignMask)
    ) {
      index = wrap(index + 1);
      visited += 1;
      continue;
    }
    if (!isSpanBoundary(slot, nslots, tableShift, maxSlots) && pool.freeRun(slot) >= nslots) {
      area.index = wrap(index + nslots);
      area.used += nslots;
      return slot;
    }
    index = wrap(index + strideN);
    visited += strideN;
  }
  return -1;
}

/** `swiotlb_find_slots`: areas tried from this CPU's, wrapping. */
function findSlots(
  ctx: DmaContext,
  pool: SwiotlbPool,
  orig: bigint,
  allocSize: bigint,
  allocAlignMask: bigint,
): number {
  const first = ctx.cpu & (pool.nareas - 1);
  for (let i = 0; i < pool.nareas; i++) {
    const slot = findSlotsInArea(ctx.session, pool, (first + i) % pool.nareas, orig, allocSize, allocAlignMask);
    if (slot >= 0) return slot;
  }
  return -1;
}

/**
 * `swiotlb_tbl_map_single`: reserves slots and copies orig -> bounce for every direction (§2.2, §11.1).
 * Returns the bounce address tlb_addr, or null with the kernel's message recorded.
 */
export function swiotlbTblMapSingle(
  ctx: DmaContext,
  orig: bigint,
  mappingSize: bigint,
  allocSize: bigint,
  allocAlignMask: bigint,
  dir: Direction,
  attrs: DmaAttr[],
): bigint | null {
  const { session, trace } = ctx;
  const pool = swiotlbPool(session);
  const ref = `${SWIOTLB_C}:swiotlb_tbl_map_single`;
  if (!pool) {
    const message = "Can not allocate SWIOTLB buffer earlier and can't now provide you with the DMA bounce buffer";
    trace.stage('swiotlb_tbl_map_single', orig, DMA_MAPPING_ERROR, `No swiotlb pool: "${message}".`, ref, '§2.2');
    trace.fail(message);
    return null;
  }
  // Printed before any size check or slot search, so a failing bounce prints it too. cc_platform_has(CC_ATTR_MEM_ENCRYPT)
  // is true for an SME host as well (amd_cc_platform_has returns sme_me_mask).
  if ((session.params.mem_encrypt as string) !== 'none') {
    trace.note('pr_warn_once "Memory encryption is active and system is using DMA bounce buffers"', 'map');
  }
  if (mappingSize > allocSize) {
    const message = `Invalid sizes (mapping: ${mappingSize} bytes, alloc: ${allocSize} bytes)`;
    trace.stage('swiotlb_tbl_map_single', orig, DMA_MAPPING_ERROR, message, ref, '§2.2');
    trace.fail(message);
    return null;
  }
  const offset = swiotlbAlignOffset(session, orig);
  if (nrSlots(allocSize + offset) === 0) {
    const message = `kernel BUG at ${SWIOTLB_C}: BUG_ON(!nslots) in swiotlb_do_find_slots (a zero-length bounce)`;
    trace.stage(
      'swiotlb_find_slots',
      orig,
      DMA_MAPPING_ERROR,
      'A zero-length buffer needs zero slots, which the slot search does not allow.',
      `${SWIOTLB_C}:swiotlb_do_find_slots`,
      '§2.2',
    );
    trace.fail(message);
    return null;
  }
  const index = findSlots(ctx, pool, orig, allocSize + offset, allocAlignMask);
  if (index < 0) {
    const message = `swiotlb buffer is full (sz: ${allocSize} bytes), total ${pool.nslabs} (slots), used ${pool.used} (slots)`;
    const why =
      nrSlots(allocSize + offset) > IO_TLB_SEGSIZE
        ? ` It needs ${nrSlots(allocSize + offset)} slots but no run may exceed a 128-slot segment.`
        : '';
    trace.stage(
      'swiotlb_find_slots',
      orig,
      DMA_MAPPING_ERROR,
      `No free run of slots.${why}`,
      `${SWIOTLB_C}:swiotlb_find_slots`,
      '§2.2',
    );
    if (!attrs.includes('NO_WARN')) trace.note(`dev_warn_ratelimited "${message}"`, 'map');
    trace.fail(message);
    return null;
  }
  const nslots = nrSlots(allocSize + offset);
  pool.insert({ index, nslots, orig, allocSize: allocSize + offset, mappingSize });
  const tlb = pool.start + (BigInt(index) << IO_TLB_SHIFT) + offset;
  trace.stage(
    'swiotlb_find_slots',
    orig,
    tlb,
    `Slots ${index}..${index + nslots - 1} (area ${Math.floor(index / pool.areaNslabs)}, next-fit); in-slot offset ${hex(offset)} = orig & min_align_mask & 0x7FF.`,
    `${SWIOTLB_C}:swiotlb_do_find_slots`,
    '§2.2',
  );
  trace.stage(
    'swiotlb_bounce',
    orig,
    tlb,
    `Copies ${mappingSize} bytes orig -> bounce at map time for every direction (DMA_${dir.toUpperCase()} too).`,
    `${SWIOTLB_C}:swiotlb_bounce`,
    '§2.3',
  );
  trace.bounce('map', Number(mappingSize));
  return tlb;
}

/** `swiotlb_map` (§2.2): bounce, then translate the slot with phys_to_dma_unencrypted (no C-bit). */
export function swiotlbMap(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction, attrs: DmaAttr[]): MapOutcome {
  const { session, trace } = ctx;
  trace.path = 'swiotlb';
  const tlb = swiotlbTblMapSingle(ctx, phys, size, size, 0n, dir, attrs);
  if (tlb === null) return { dma: null, path: 'swiotlb' };
  const dma = physToDmaUnencrypted(session, tlb);
  recordPhysToDma(ctx, tlb, dma, 'phys_to_dma_unencrypted');
  if (!dmaCapable(session, dma, size)) {
    releaseSlots(session, tlb);
    const message = overflowMessage(session, 'swiotlb', dma, size);
    trace.stage(
      'swiotlb_map',
      dma,
      DMA_MAPPING_ERROR,
      `The bounce slot is not addressable either: WARN "${message}".`,
      `${SWIOTLB_C}:swiotlb_map`,
      '§2.2',
    );
    trace.fail(message);
    return { dma: null, path: 'swiotlb' };
  }
  syncForDeviceIfNeeded(ctx, tlb, size, dir, attrs);
  return { dma, tlbAddr: tlb, path: 'swiotlb' };
}

/** `swiotlb_release_slots`. */
export function releaseSlots(session: EngineSession, tlb: bigint): number {
  const pool = swiotlbPool(session);
  if (!pool) return 0;
  const allocation = pool.findAllocation(Number((tlb - pool.start) >> IO_TLB_SHIFT));
  if (!allocation) return 0;
  pool.remove(allocation);
  pool.areas[Math.min(pool.nareas - 1, Math.floor(allocation.index / pool.areaNslabs))]!.used -= allocation.nslots;
  return allocation.nslots;
}

/**
 * The bounds checks of `swiotlb_bounce` for a copy of `size` bytes at `tlb`: returns the bytes actually
 * copied (0 when the kernel refuses) and records the kernel's warning when the request does not fit.
 */
function bounceSize(ctx: DmaContext, tlb: bigint, size: bigint): bigint {
  const pool = swiotlbPool(ctx.session);
  if (!pool) return size;
  const slot = Number((tlb - pool.start) >> IO_TLB_SHIFT);
  const allocation = pool.findAllocation(slot);
  if (!allocation) return size;
  const origOffset = swiotlbAlignOffset(ctx.session, allocation.orig);
  // slots[i].alloc_size counts down by one slot per slot from the start of the allocation.
  let allocSize = allocation.allocSize - origOffset - BigInt(slot - allocation.index) * IO_TLB_SIZE;
  let tlbOffset = tlb & (IO_TLB_SIZE - 1n);
  const warn = (message: string): void => {
    ctx.trace.note(`dev_WARN_ONCE "${message}"`);
    ctx.trace.stage('swiotlb_bounce', tlb, null, message, `${SWIOTLB_C}:swiotlb_bounce`, '§2.3');
  };
  if (tlbOffset < origOffset) {
    warn(`Access before mapping start detected. orig offset ${origOffset}, requested offset ${tlbOffset}.`);
    return 0n;
  }
  tlbOffset -= origOffset;
  if (tlbOffset > allocSize) {
    warn(`Buffer overflow detected. Allocation size: ${allocSize}. Mapping size: ${size}+${tlbOffset}.`);
    return 0n;
  }
  allocSize -= tlbOffset;
  if (size > allocSize) {
    warn(`Buffer overflow detected. Allocation size: ${allocSize}. Mapping size: ${size}.`);
    return allocSize;
  }
  return size;
}

function copiesToCpu(dir: Direction): boolean {
  return dir === 'from_device' || dir === 'bidirectional';
}

function copiesToDevice(dir: Direction): boolean {
  return dir === 'to_device' || dir === 'bidirectional';
}

/** `swiotlb_sync_single_for_cpu`: bounce -> orig iff FROM/BIDI. */
export function swiotlbSyncSingleForCpu(
  ctx: DmaContext,
  tlb: bigint,
  size: bigint,
  dir: Direction,
  when: 'unmap' | 'sync',
): void {
  const copies = copiesToCpu(dir);
  ctx.trace.stage(
    'swiotlb_sync_single_for_cpu',
    tlb,
    tlb,
    copies ? `Copies ${size} bytes bounce -> orig (DMA_${dir.toUpperCase()}).` : 'No copy back for DMA_TO_DEVICE.',
    `${SWIOTLB_C}:swiotlb_sync_single_for_cpu`,
    '§2.3',
  );
  if (copies) ctx.trace.bounce(when, Number(bounceSize(ctx, tlb, size)));
}

/** `swiotlb_sync_single_for_device`: orig -> bounce iff TO/BIDI. */
export function swiotlbSyncSingleForDevice(ctx: DmaContext, tlb: bigint, size: bigint, dir: Direction): void {
  const copies = copiesToDevice(dir);
  ctx.trace.stage(
    'swiotlb_sync_single_for_device',
    tlb,
    tlb,
    copies ? `Copies ${size} bytes orig -> bounce (DMA_${dir.toUpperCase()}).` : 'No copy for DMA_FROM_DEVICE.',
    `${SWIOTLB_C}:swiotlb_sync_single_for_device`,
    '§2.3',
  );
  if (copies) ctx.trace.bounce('sync', Number(bounceSize(ctx, tlb, size)));
}

/** `swiotlb_tbl_unmap_single`: copy back (unless SKIP_CPU_SYNC) and release the slots. */
export function swiotlbTblUnmapSingle(
  ctx: DmaContext,
  tlb: bigint,
  size: bigint,
  dir: Direction,
  attrs: DmaAttr[],
): void {
  if (!attrs.includes('SKIP_CPU_SYNC') && copiesToCpu(dir)) swiotlbSyncSingleForCpu(ctx, tlb, size, dir, 'unmap');
  const released = releaseSlots(ctx.session, tlb);
  ctx.trace.stage(
    'swiotlb_release_slots',
    tlb,
    null,
    `Frees ${released} slot(s) and merges the free run.`,
    `${SWIOTLB_C}:swiotlb_release_slots`,
    '§2.3',
  );
}
