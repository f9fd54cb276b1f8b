// Adding buffers to a virtqueue and completing them (spec §6.3): out sgs are mapped DMA_TO_DEVICE, in sgs
// DMA_FROM_DEVICE, an indirect table is one more mapping, and detach_buf unmaps with the direction the
// descriptor's WRITE flag implies. Without the DMA API the descriptor simply carries sg_phys().
import { TraceBuilder } from '../engine/trace';
import type { Direction, OpResult, PhysRange } from '../types';
import { hasFeature } from './features';
import { RequestError } from '../engine/request';
import { parseOffered, virtioNegotiate } from './negotiate';
import { virtioPlatform } from './platform';
import type { InFlight, Negotiated, RingMapping, VirtioContext } from './state';

/** include/uapi/linux/virtio_ring.h descriptor flags. */
export const VRING_DESC_F_NEXT = 1;
export const VRING_DESC_F_WRITE = 2;
export const VRING_DESC_F_INDIRECT = 4;
/** sizeof(struct vring_desc). */
export const VRING_DESC_SIZE = 16n;

export interface Descriptor {
  addr: bigint;
  len: bigint;
  flags: number;
}

export interface VirtqueueAddRequest {
  out: PhysRange[];
  in: PhysRange[];
  /** false: the driver passes no indirect table (e.g. no free slot); undefined/true: the kernel's own choice. */
  indirect?: boolean;
}

/** Negotiates from the profile's default offer when the session has not negotiated yet (the device must probe first). */
function ensureNegotiated(ctx: VirtioContext, trace: TraceBuilder): Negotiated | null {
  if (ctx.state.negotiated) return ctx.state.negotiated;
  const platform = virtioPlatform(ctx.params);
  const probe = virtioNegotiate(ctx, parseOffered(platform.defaultOffered));
  trace.stages.push(...probe.stages);
  trace.costs.other.push(...probe.costs.other);
  if (probe.error !== null) {
    trace.details['errno'] = probe.details?.['errno'];
    trace.fail(probe.error);
    return null;
  }
  return ctx.state.negotiated;
}

export function virtqueueAdd(ctx: VirtioContext, request: VirtqueueAddRequest, index: number): OpResult {
  const trace = new TraceBuilder('virtqueue_add');
  const negotiated = ensureNegotiated(ctx, trace);
  if (!negotiated) return trace.finish(null);
  const totalSg = request.out.length + request.in.length;
  if (totalSg === 0)
    throw new RequestError('virtqueue_add needs at least one out or in buffer (the kernel BUG_ONs on total_sg == 0)');
  const useIndirect = hasFeature(negotiated.features, 'INDIRECT_DESC') && totalSg > 1 && request.indirect !== false;
  trace.stage(
    'virtqueue_use_indirect',
    null,
    null,
    useIndirect
      ? `INDIRECT_DESC negotiated and ${totalSg} sgs: the buffers go into an indirect table of ${totalSg} x 16 bytes.`
      : indirectReason(negotiated, totalSg, request.indirect),
    'drivers/virtio/virtio_ring.c:virtqueue_use_indirect',
    '§6.3',
  );

  const flight: InFlight = { mappings: [], completed: false };
  const descriptors: Descriptor[] = [];
  const segments = [
    ...request.out.map((range) => ({ range, dir: 'to_device' as Direction })),
    ...request.in.map((range) => ({ range, dir: 'from_device' as Direction })),
  ];
  for (const [i, { range, dir }] of segments.entries()) {
    const addr = mapOne(ctx, trace, flight, range, dir);
    if (addr === null) return unwind(ctx, trace, flight);
    const flags = (i < totalSg - 1 ? VRING_DESC_F_NEXT : 0) | (dir === 'from_device' ? VRING_DESC_F_WRITE : 0);
    descriptors.push({ addr, len: range.size, flags });
  }

  let ring: Descriptor[] = descriptors;
  if (useIndirect) {
    const head = mapIndirectTable(ctx, trace, flight, BigInt(totalSg) * VRING_DESC_SIZE);
    if (head === null) return unwind(ctx, trace, flight);
    ring = [head];
    trace.details['indirectTable'] = descriptors.map(describe);
  }
  trace.details['descriptors'] = ring.map(describe);
  trace.details['useDmaApi'] = negotiated.useDmaApi;
  ctx.state.inFlight.set(index, flight);
  if (!negotiated.useDmaApi) {
    trace.path = 'no-dma-api';
    trace.rule = 'desc.addr = sg_phys(sg)';
    trace.note(
      'the host reads guest-physical memory (QEMU address_space_memory); no IOMMU, bounce or hypercall',
      'map',
    );
  }
  return trace.finish(descriptors[0]?.addr ?? null);
}

function indirectReason(negotiated: Negotiated, totalSg: number, requested: boolean | undefined): string {
  if (!hasFeature(negotiated.features, 'INDIRECT_DESC'))
    return 'INDIRECT_DESC not negotiated: one ring descriptor per sg.';
  if (totalSg <= 1) return 'A single sg never uses an indirect table.';
  return requested === false
    ? 'The request asked for direct descriptors (no free indirect slot).'
    : 'Direct descriptors.';
}

function describe(desc: Descriptor): Record<string, unknown> {
  const flags = [
    desc.flags & VRING_DESC_F_NEXT ? 'NEXT' : '',
    desc.flags & VRING_DESC_F_WRITE ? 'WRITE' : '',
    desc.flags & VRING_DESC_F_INDIRECT ? 'INDIRECT' : '',
  ].filter(Boolean);
  return { addr: desc.addr, len: desc.len, flags: flags.join('|') || '0' };
}

/** vring_map_one_sg: sg_phys without the DMA API, else dma_map_page on the parent device. */
function mapOne(
  ctx: VirtioContext,
  trace: TraceBuilder,
  flight: InFlight,
  range: PhysRange,
  dir: Direction,
): bigint | null {
  if (!ctx.state.negotiated?.useDmaApi) {
    trace.stage(
      'vring_map_one_sg',
      range.phys,
      range.phys,
      'No DMA API: the descriptor gets sg_phys(sg), untranslated.',
      'drivers/virtio/virtio_ring.c:vring_map_one_sg',
      '§6.3',
    );
    return range.phys;
  }
  trace.stage(
    'vring_map_one_sg',
    range.phys,
    null,
    `dma_map_page(vring_dma_dev, sg, ${dir === 'to_device' ? 'DMA_TO_DEVICE' : 'DMA_FROM_DEVICE'}) on the parent device.`,
    'drivers/virtio/virtio_ring.c:vring_map_one_sg',
    '§6.3',
  );
  return absorbMapping(trace, flight, ctx.mapPage(range.phys, range.size, dir), range.size, dir, 'buffer');
}

function mapIndirectTable(ctx: VirtioContext, trace: TraceBuilder, flight: InFlight, size: bigint): Descriptor | null {
  const phys = ctx.state.arenaNext;
  ctx.state.arenaNext += (size + 63n) & ~63n;
  trace.stage(
    'alloc_indirect_split',
    null,
    phys,
    `kmalloc of ${size} bytes for the indirect table (physical address illustrative).`,
    'drivers/virtio/virtio_ring.c:alloc_indirect_split',
    '§6.3',
  );
  if (!ctx.state.negotiated?.useDmaApi) {
    trace.stage(
      'vring_map_single',
      phys,
      phys,
      'No DMA API: the table address is virt_to_phys(desc).',
      'drivers/virtio/virtio_ring.c:vring_map_single',
      '§6.3',
    );
    return { addr: phys, len: size, flags: VRING_DESC_F_INDIRECT };
  }
  trace.stage(
    'vring_map_single',
    phys,
    null,
    'The indirect table is one more mapping, DMA_TO_DEVICE: dma_map_single on the parent device.',
    'drivers/virtio/virtio_ring.c:vring_map_single',
    '§6.3',
  );
  const addr = absorbMapping(trace, flight, ctx.mapPage(phys, size, 'to_device'), size, 'to_device', 'indirect-table');
  return addr === null ? null : { addr, len: size, flags: VRING_DESC_F_INDIRECT };
}

/** Merges a nested DMA-API result into the virtio trace; the first mapping's path and rule describe the request. */
function absorbMapping(
  trace: TraceBuilder,
  flight: InFlight,
  mapped: { result: OpResult; handle: unknown },
  size: bigint,
  dir: Direction,
  kind: RingMapping['kind'],
): bigint | null {
  const { result, handle } = mapped;
  mergeResult(trace, result);
  if (result.error !== null || result.dma === null) {
    trace.fail(result.error ?? 'dma_map_page failed');
    return null;
  }
  if (flight.mappings.length === 0) {
    trace.path = result.path;
    trace.rule = result.rule;
  }
  flight.mappings.push({ handle, dma: result.dma, size, dir, kind });
  return result.dma;
}

/**
 * Adds a nested DMA-API result to the virtio trace. Deferred flushes are one domain-wide flush shared by
 * every queued unmap, and repeated notes say the same thing, so each is kept once.
 */
export function mergeResult(trace: TraceBuilder, result: OpResult): void {
  trace.stages.push(...result.stages);
  const costs = result.costs;
  trace.costs.hypercalls.push(...costs.hypercalls);
  for (const flush of costs.iotlbFlushes) {
    const shared =
      flush.when === 'deferred' &&
      trace.costs.iotlbFlushes.some((seen) => seen.when === 'deferred' && seen.kind === flush.kind);
    if (!shared) trace.costs.iotlbFlushes.push(flush);
  }
  trace.costs.bounceBytes.map += costs.bounceBytes.map;
  trace.costs.bounceBytes.unmap += costs.bounceBytes.unmap;
  trace.costs.bounceBytes.sync += costs.bounceBytes.sync;
  trace.costs.cacheLines.clean += costs.cacheLines.clean;
  trace.costs.cacheLines.invalidate += costs.cacheLines.invalidate;
  for (const note of costs.other) if (!trace.costs.other.includes(note)) trace.costs.other.push(note);
}

/** A failed mapping unwinds the ones already made and virtqueue_add returns -ENOMEM. */
function unwind(ctx: VirtioContext, trace: TraceBuilder, flight: InFlight): OpResult {
  for (const mapping of flight.mappings) mergeResult(trace, ctx.unmapPage(mapping.handle));
  trace.stage(
    'virtqueue_add_split',
    null,
    null,
    `A mapping failed: ${flight.mappings.length} earlier mapping(s) are unmapped and virtqueue_add returns -ENOMEM.`,
    'drivers/virtio/virtio_ring.c:virtqueue_add_split',
    '§6.3',
  );
  trace.details['errno'] = '-ENOMEM';
  return trace.finish(null);
}

/** virtqueue_get_buf → detach_buf_split → vring_unmap_one_split for each descriptor of the request. */
export function virtqueueGetBuf(ctx: VirtioContext, of: number): OpResult {
  const flight = ctx.state.inFlight.get(of);
  if (!flight) throw new RequestError(`virtqueue_get_buf: request ${of} is not a virtqueue_add of this session`);
  if (flight.completed) throw new RequestError(`virtqueue_get_buf: the buffers of request ${of} were already returned`);
  const trace = new TraceBuilder('virtqueue_get_buf');
  flight.completed = true;
  if (!ctx.state.negotiated?.useDmaApi) {
    trace.path = 'no-dma-api';
    trace.rule = 'nothing to unmap';
    trace.stage(
      'detach_buf_split',
      null,
      null,
      'No DMA API: nothing was mapped, so nothing is unmapped.',
      'drivers/virtio/virtio_ring.c:detach_buf_split',
      '§6.3',
    );
    return trace.finish(null);
  }
  // detach_buf_split unmaps the first-level descriptors (the indirect table) before the table's entries.
  const order = [
    ...flight.mappings.filter((m) => m.kind === 'indirect-table'),
    ...flight.mappings.filter((m) => m.kind === 'buffer'),
  ];
  const indirect = order.some((mapping) => mapping.kind === 'indirect-table');
  for (const [i, mapping] of order.entries()) {
    const call = mapping.kind === 'indirect-table' ? 'dma_unmap_single' : 'dma_unmap_page';
    const flag =
      mapping.kind === 'indirect-table'
        ? 'INDIRECT flag: DMA_TO_DEVICE'
        : mapping.dir === 'from_device'
          ? 'WRITE flag set: DMA_FROM_DEVICE'
          : 'no WRITE flag: DMA_TO_DEVICE';
    const inTable = indirect && mapping.kind === 'buffer';
    const fn = inTable ? 'vring_unmap_one_split_indirect' : 'vring_unmap_one_split';
    trace.stage(
      fn,
      mapping.dma,
      null,
      `${call} of ${mapping.size} bytes (${flag}).`,
      `drivers/virtio/virtio_ring.c:${fn}`,
      '§6.3',
    );
    const result = ctx.unmapPage(mapping.handle);
    mergeResult(trace, result);
    if (i === 0) trace.path = result.path;
  }
  trace.rule = 'unmap each descriptor with the direction its WRITE flag implies';
  return trace.finish(null);
}
