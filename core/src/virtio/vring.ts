// Ring allocation (spec §6.4): the split ring's size from vring_size(), the transport's alignment, and
// where the memory comes from — dma_alloc_coherent through the platform with the DMA API, else
// alloc_pages_exact() and virt_to_phys().
import { TraceBuilder } from '../engine/trace';
import { knownPages } from '../engine/dispatch';
import type { OpResult, VirtioTransport } from '../types';
import { mergeResult } from './virtqueue';
import { virtioPlatform, type VirtioPlatform } from './platform';
import type { VirtioContext } from './state';

function align(value: bigint, to: bigint): bigint {
  return ((value + to - 1n) / to) * to;
}

/** include/uapi/linux/virtio_ring.h:vring_size — descriptors, avail ring (aligned), used ring. */
export function vringSize(num: number, vringAlign: bigint): bigint {
  const n = BigInt(num);
  return align(16n * n + 2n * (3n + n), vringAlign) + 2n * 3n + 8n * n;
}

/** The vring_align each transport passes to vring_create_virtqueue. */
export function vringAlign(transport: VirtioTransport, platform: VirtioPlatform): { align: bigint; why: string } {
  switch (transport) {
    case 'pci-modern':
      return { align: BigInt(platform.smpCacheBytes), why: 'SMP_CACHE_BYTES (modern virtio-pci)' };
    case 'pci-legacy':
      return { align: 4096n, why: 'VIRTIO_PCI_VRING_ALIGN (legacy virtio-pci)' };
    case 'mmio':
      return { align: platform.pageSize, why: 'VIRTIO_MMIO_VRING_ALIGN = PAGE_SIZE' };
    case 'ccw':
      return { align: 4096n, why: 'KVM_VIRTIO_CCW_RING_ALIGN' };
  }
}

export interface VringAllocRequest {
  num: number;
  packed?: boolean;
  legacy?: boolean;
  /** The ring's pages when a real kernel's trace shows them (see the alloc_coherent request). */
  phys?: bigint;
  pages?: bigint[];
}

export function vringAlloc(ctx: VirtioContext, request: VringAllocRequest): OpResult {
  const trace = new TraceBuilder('vring_alloc');
  const platform = virtioPlatform(ctx.params);
  const useDmaApi = ctx.state.negotiated?.useDmaApi ?? false;
  if (!ctx.state.negotiated) {
    trace.note(
      'no virtio_negotiate ran in this session: the ring is allocated as without ACCESS_PLATFORM (no DMA API)',
      'alloc',
    );
  }
  trace.details['useDmaApi'] = useDmaApi;
  return request.packed
    ? allocPacked(ctx, trace, request.num, useDmaApi)
    : allocSplit(ctx, trace, request, platform, useDmaApi);
}

function allocSplit(
  ctx: VirtioContext,
  trace: TraceBuilder,
  request: VringAllocRequest,
  platform: VirtioPlatform,
  useDmaApi: boolean,
): OpResult {
  if (request.num <= 0 || (request.num & (request.num - 1)) !== 0) {
    trace.stage(
      'vring_alloc_queue_split',
      null,
      null,
      'The split ring needs a power-of-two queue size.',
      'drivers/virtio/virtio_ring.c:vring_alloc_queue_split',
      '§6.4',
    );
    trace.details['errno'] = '-EINVAL';
    trace.fail(`Bad virtqueue length ${request.num}`);
    return trace.finish(null);
  }
  const transport: VirtioTransport = request.legacy ? 'pci-legacy' : platform.transport;
  const { align: ringAlign, why } = vringAlign(transport, platform);
  // vring_alloc_queue_split halves num while the ring is larger than a page and the allocation fails.
  for (let num = request.num; num > 0; num = Math.floor(num / 2)) {
    const size = vringSize(num, ringAlign);
    trace.stage(
      'vring_size',
      null,
      null,
      `vring_size(${num}, ${ringAlign}) = ALIGN(16*${num} + 2*(3+${num}), ${ringAlign}) + 6 + 8*${num} = ${size} bytes; align is ${why}.`,
      'include/uapi/linux/virtio_ring.h:vring_size',
      '§6.4',
    );
    const base = allocQueue(ctx, trace, size, useDmaApi, knownPages(request).knownPages);
    if (typeof base === 'bigint') {
      const avail = BigInt(num) * 16n;
      const used = align(avail + 2n * (3n + BigInt(num)), ringAlign);
      trace.details['num'] = num;
      trace.details['vringAlign'] = ringAlign;
      trace.details['vringSize'] = size;
      trace.details['allocated'] = align(size, platform.pageSize);
      trace.details['desc'] = base;
      trace.details['avail'] = base + avail;
      trace.details['used'] = base + used;
      return trace.finish(base);
    }
    if (size <= platform.pageSize) {
      return failAlloc(trace, base.error);
    }
  }
  return failAlloc(trace, 'vring_alloc_queue_split: no queue size could be allocated');
}

/** The packed ring is three allocations: the descriptor ring and two 4-byte event suppression structures. */
function allocPacked(ctx: VirtioContext, trace: TraceBuilder, num: number, useDmaApi: boolean): OpResult {
  const parts: Array<[string, bigint]> = [
    ['ring', 16n * BigInt(num)],
    ['driverEvent', 4n],
    ['deviceEvent', 4n],
  ];
  const addresses: Record<string, bigint> = {};
  for (const [name, size] of parts) {
    trace.stage(
      'vring_alloc_queue_packed',
      null,
      null,
      `${name}: ${size} bytes.`,
      'drivers/virtio/virtio_ring.c:vring_alloc_queue_packed',
      '§6.4',
    );
    const base = allocQueue(ctx, trace, size, useDmaApi);
    if (typeof base !== 'bigint') return failAlloc(trace, base.error);
    addresses[name] = base;
  }
  trace.details['num'] = num;
  Object.assign(trace.details, addresses);
  return trace.finish(addresses['ring'] ?? null);
}

/** vring_alloc_queue: the platform's coherent path with the DMA API, else alloc_pages_exact + virt_to_phys. */
function failAlloc(trace: TraceBuilder, message: string): OpResult {
  trace.details['errno'] = '-ENOMEM';
  trace.fail(message);
  return trace.finish(null);
}

function allocQueue(
  ctx: VirtioContext,
  trace: TraceBuilder,
  size: bigint,
  useDmaApi: boolean,
  knownPages?: bigint[],
): bigint | { error: string } {
  const platform = virtioPlatform(ctx.params);
  if (useDmaApi) {
    trace.stage(
      'vring_alloc_queue',
      null,
      null,
      `dma_alloc_coherent(parent, ${size}, GFP_KERNEL|__GFP_NOWARN|__GFP_ZERO) through the platform's coherent path.`,
      'drivers/virtio/virtio_ring.c:vring_alloc_queue',
      '§6.4',
    );
    const result = ctx.allocCoherent(size, knownPages);
    mergeResult(trace, result);
    if (result.error !== null || result.dma === null) return { error: result.error ?? 'dma_alloc_coherent failed' };
    trace.path = result.path;
    trace.rule = result.rule;
    return result.dma;
  }
  const pages = align(size, platform.pageSize);
  const phys = knownPages?.[0] ?? align(ctx.state.arenaNext, platform.pageSize);
  if (!knownPages) ctx.state.arenaNext = phys + pages;
  trace.stage(
    'vring_alloc_queue',
    null,
    phys,
    `No DMA API: alloc_pages_exact(${pages}) and the ring's address is virt_to_phys(queue)${knownPages ? '' : ' (physical address illustrative)'}.`,
    'drivers/virtio/virtio_ring.c:vring_alloc_queue',
    '§6.4',
  );
  trace.path = 'no-dma-api';
  trace.rule = 'ring address = virt_to_phys(queue)';
  return phys;
}
