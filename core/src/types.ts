// The data model shared by every part of the simulation core.
// Addresses and sizes are bigint everywhere so that 64-bit values never lose precision.

/** `enum dma_data_direction` from include/linux/dma-direction.h. */
export type Direction = 'bidirectional' | 'to_device' | 'from_device' | 'none';
export const DIRECTION_KERNEL_NAME: Record<Direction, string> = {
  bidirectional: 'DMA_BIDIRECTIONAL',
  to_device: 'DMA_TO_DEVICE',
  from_device: 'DMA_FROM_DEVICE',
  none: 'DMA_NONE',
};

/** The path a request took; the CLI's `path` field (a stable contract). */
export type DmaPath =
  | 'dma-direct'
  | 'swiotlb'
  | 'dma-iommu'
  | 'dma-iommu-bounce'
  | 'ppc-tce'
  | 'dart'
  | 'xen-swiotlb'
  | 'xen-grant'
  | 'no-dma-api'
  | 'error';

/** When a cost is paid, relative to the request that reports it. */
export type When = 'map' | 'unmap' | 'sync' | 'alloc' | 'free' | 'setup' | 'deferred' | 'probe' | 'completion';

/** One step the kernel runs, named after the kernel function that runs it. */
export interface Stage {
  /** Kernel function name, e.g. `swiotlb_tbl_map_single`. */
  fn: string;
  /** Address entering the stage (phys, dma or iova), or null when the stage has no address input. */
  in: bigint | null;
  /** Address leaving the stage, or null. DMA_MAPPING_ERROR is all ones. */
  out: bigint | null;
  /** One sentence saying what the kernel did here and why. */
  note: string;
  /** Kernel source reference as `path:function` in the 6.1 tree. */
  ref: string;
  /** Spec section that explains the mechanism, e.g. `§2.2`. */
  spec?: string;
}

export interface Hypercall {
  name: string;
  count: number;
  when: When;
  args?: string;
}

export interface IotlbFlush {
  /** `PSI`, `DSI`, `devTLB`, `flush_iotlb_all`, `tce-kill`, `dart-tlb-invalidate`, ... */
  kind: string;
  count: number;
  when: When;
  addr?: bigint;
  /** VT-d address-mask order for page-selective invalidations. */
  am?: number;
}

export interface Costs {
  hypercalls: Hypercall[];
  bounceBytes: { map: number; unmap: number; sync: number };
  iotlbFlushes: IotlbFlush[];
  /** A flush (clean + invalidate) counts in both. */
  cacheLines: { clean: number; invalidate: number };
  other: string[];
}

export function emptyCosts(): Costs {
  return {
    hypercalls: [],
    bounceBytes: { map: 0, unmap: 0, sync: 0 },
    iotlbFlushes: [],
    cacheLines: { clean: 0, invalidate: 0 },
    other: [],
  };
}

/** The trace of one request. */
export interface OpResult {
  op: string;
  path: DmaPath;
  /** Device-visible address, or null when the operation failed or has no address. */
  dma: bigint | null;
  /** The kernel's exact message when the operation fails, else null. */
  error: string | null;
  /** Symbolic rule, e.g. `dma = phys + 0x0800_0000_0000_0000`, usable when the address is unknown. */
  rule: string;
  stages: Stage[];
  costs: Costs;
  /** Op-specific facts (accepted features, vring size, sg output segments, ...), JSON-serialisable after hex conversion. */
  details?: Record<string, unknown>;
}

/** A physical range, e.g. one scatterlist entry or a virtqueue buffer. */
export interface PhysRange {
  phys: bigint;
  size: bigint;
}

/** DMA_ATTR_* names accepted in requests (include/linux/dma-mapping.h). */
export type DmaAttr =
  | 'WEAK_ORDERING'
  | 'WRITE_COMBINE'
  | 'NO_KERNEL_MAPPING'
  | 'SKIP_CPU_SYNC'
  | 'FORCE_CONTIGUOUS'
  | 'ALLOC_SINGLE_PAGES'
  | 'NO_WARN'
  | 'PRIVILEGED';

/** One DMA-API or virtio operation. `of` refers to the index of an earlier request in the same session. */
export type Request =
  | { op: 'map_single' | 'map_page'; phys: bigint; size: bigint; dir: Direction; attrs?: DmaAttr[]; cpu?: number }
  | { op: 'map_sg'; entries: PhysRange[]; dir: Direction; attrs?: DmaAttr[]; cpu?: number }
  | { op: 'map_resource'; phys: bigint; size: bigint; dir: Direction; attrs?: DmaAttr[] }
  | { op: 'unmap'; of: number; size?: bigint; dir?: Direction; attrs?: DmaAttr[] }
  | { op: 'sync_for_cpu' | 'sync_for_device'; of: number; offset?: bigint; size?: bigint; dir?: Direction }
  | {
      op: 'alloc_coherent';
      size: bigint;
      gfp?: 'GFP_KERNEL' | 'GFP_ATOMIC';
      attrs?: DmaAttr[];
      /** The pages' physical address, when known (a real kernel's trace): one contiguous block. */
      phys?: bigint;
      /** The pages of dma-iommu's remapped allocation, in order, when known. */
      pages?: bigint[];
    }
  | { op: 'free_coherent'; of: number }
  | { op: 'dma_pool_create'; size: bigint; align?: bigint; boundary?: bigint }
  | { op: 'dma_pool_alloc'; of: number }
  | { op: 'set_mask'; mask: bigint; which?: 'streaming' | 'coherent' | 'both' }
  | { op: 'virtio_negotiate'; offered: string[]; transport?: VirtioTransport }
  | { op: 'virtqueue_add'; out: PhysRange[]; in: PhysRange[]; indirect?: boolean }
  | { op: 'virtqueue_get_buf'; of: number }
  | { op: 'vring_alloc'; num: number; packed?: boolean; legacy?: boolean; phys?: bigint; pages?: bigint[] }
  /** dma-iommu's flush-queue timer fires (fq_flush_timeout): lazy mode's queued IOVAs are flushed and freed. */
  | { op: 'fq_timeout' };

export type OpName = Request['op'];

export type VirtioTransport = 'pci-modern' | 'pci-legacy' | 'mmio' | 'ccw';

/** A value a parameter can take after validation. */
export type ParamValue = bigint | number | boolean | string | string[] | DmaWindow[] | Record<string, string>;

/** One `bus_dma_region` (include/linux/dma-direct.h): offset = cpu_start - dma_start. */
export interface DmaWindow {
  cpu: bigint;
  dma: bigint;
  size: bigint;
}
