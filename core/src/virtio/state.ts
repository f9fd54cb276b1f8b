// What a session remembers about its virtio device between requests: the negotiated features and the
// buffers still owned by the device, so that virtqueue_get_buf can unmap exactly what virtqueue_add mapped.
import type { Params } from '../params/spec';
import type { Direction, DmaPath, OpResult } from '../types';
import type { SessionState } from '../engine/ops';

export interface Negotiated {
  features: bigint;
  useDmaApi: boolean;
  weakBarriers: boolean;
}

/** One mapping made by the ring, remembered for detach_buf. */
export interface RingMapping {
  handle: unknown;
  dma: bigint;
  size: bigint;
  dir: Direction;
  /** `dma_unmap_single` for the indirect table, `dma_unmap_page` for buffers (vring_unmap_one_split). */
  kind: 'indirect-table' | 'buffer';
}

export interface InFlight {
  mappings: RingMapping[];
  completed: boolean;
}

/**
 * Per-session virtio state, stored in the engine's state store under 'virtio'. The fingerprint lists the
 * mappings the device still owns, so add followed by get_buf restores it.
 */
export class VirtioState implements SessionState {
  negotiated: Negotiated | null = null;
  /** virtqueue_add requests by their index in the session. */
  inFlight = new Map<number, InFlight>();
  /** Next free address of the illustrative kmalloc/alloc_pages_exact arena. */
  arenaNext = ARENA_BASE;

  clone(): VirtioState {
    const copy = new VirtioState();
    copy.negotiated = this.negotiated && { ...this.negotiated };
    for (const [index, flight] of this.inFlight)
      copy.inFlight.set(index, { completed: flight.completed, mappings: flight.mappings.map((m) => ({ ...m })) });
    copy.arenaNext = this.arenaNext;
    return copy;
  }

  fingerprint(): string {
    // Empty when the device owns no buffers, so a session's fingerprint after add + get_buf equals the one before.
    const live = [...this.inFlight]
      .filter(([, flight]) => !flight.completed)
      .map(([index, flight]) => `${index}:${flight.mappings.length}`);
    return live.length ? `in-flight[${live.join(',')}]` : '';
  }
}

export function createVirtioState(): VirtioState {
  return new VirtioState();
}

/**
 * Memory the ring itself kmallocs (indirect tables) or allocates without the DMA API (alloc_pages_exact)
 * needs a physical address; the kernel's choice depends on the allocator's history, so the simulator uses a
 * deterministic arena at 16 MiB, below every DMA window and zone limit of the built-in profiles.
 */
export const ARENA_BASE = 0x100_0000n;

/** The session services the virtio stages call: the platform's normal DMA-API paths on the parent device. */
export interface VirtioContext {
  state: VirtioState;
  params: Params;
  /** dma_map_page on the virtio parent device through the platform's path, keeping allocator state. */
  mapPage(phys: bigint, size: bigint, dir: Direction): { result: OpResult; handle: unknown };
  /** dma_unmap_page/dma_unmap_single of a mapping made by mapPage. */
  unmapPage(handle: unknown): OpResult;
  /** dma_alloc_coherent(size) on the parent device through the platform's coherent path. */
  allocCoherent(size: bigint, knownPages?: readonly bigint[]): OpResult;
  /** dma_max_mapping_size of the parent device (kernel/dma/mapping.c). */
  maxMappingSize(): bigint;
  /** The path the parent device's streaming maps take (its dma_map_ops, else dma-direct or forced swiotlb). */
  dmaPath(): DmaPath;
  /** `xen_grant_setup_dma_ops`: the parent device's ops become xen_grant_dma_ops. */
  useGrantDma(): void;
}
