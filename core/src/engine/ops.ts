// The plug-in points of the simulation engine. Each mirrors a kernel indirection:
//  - DmaMapOps is `struct dma_map_ops` (include/linux/dma-map-ops.h): iommu_dma_ops, powerpc's
//    dma_iommu_ops, xen_swiotlb_dma_ops, xen_grant_dma_ops. NULL ops means dma-direct (§0, §1.1).
//  - ArchHooks are the arch-specific functions the generic code calls: phys_to_dma/dma_to_phys when
//    CONFIG_ARCH_HAS_PHYS_TO_DMA (§1.2), arch_sync_dma_for_device/_for_cpu (§1.5), dma_supported and
//    set-mask hooks (powerpc bypass/DDW, fsl offset; §4), arch_dma_map_page_direct (§4.1),
//    force_dma_unencrypted and set_memory_decrypted (§1.7).
// Ops and hooks are stateless singletons: all mutable state (allocators, tables) lives in the session's
// StateStore so that a session can be cloned by cloning the store.
import type { Direction, DmaAttr, DmaPath, PhysRange } from '../types';
import type { TraceBuilder } from './trace';
import type { Params } from '../params/spec';
import type { DmaWindow } from '../types';

/** Buses whose devices the kernel sets up differently (see the `bus` parameter). */
export type DeviceBus = 'pci' | 'platform' | 'vio' | 'ccw';

/** Mutable allocator state kept in a session. clone() must be a deep copy; fingerprint() describes occupancy. */
export interface SessionState {
  clone(): SessionState;
  /**
   * Resources held on behalf of live mappings (slots, IOVA ranges, TCEs, grants, pages), as a canonical
   * string. Caches that the kernel keeps after a free (IOVA rcache, flush queue) are not part of it, so
   * map followed by unmap gives back the fingerprint from before the map.
   */
  fingerprint(): string;
}

/** Per-device DMA state (`struct device` fields of §0). Plain data, copied on clone. */
export interface DeviceState {
  /** `*dev->dma_mask`, the streaming mask. */
  dmaMask: bigint;
  coherentDmaMask: bigint;
  /** 0 = no limit. */
  busDmaLimit: bigint;
  /** `dev->dma_range_map`, null when the device has none. */
  dmaRangeMap: DmaWindow[] | null;
  /** powerpc `archdata.dma_offset`. */
  dmaOffset: bigint;
  /** Name of the `dma_map_ops` in use (a key of the ops registry), or null for dma-direct. */
  dmaOps: string | null;
  /** `dev->dma_ops_bypass` (CONFIG_DMA_OPS_BYPASS). */
  dmaOpsBypass: boolean;
  /** `dev_is_dma_coherent`. */
  coherent: boolean;
  /** The bus the device sits on (the `bus` parameter). */
  bus: DeviceBus;
  /** `dev_is_pci(dev)`. */
  isPci: boolean;
  untrusted: boolean;
  minAlignMask: bigint;
  segBoundaryMask: bigint;
  maxSegSize: bigint;
}

/** What a successful or failed map left behind, so unmap/sync/free can find what map did. */
export interface MappingRecord {
  /** The request op that created it. */
  op: string;
  phys: bigint;
  size: bigint;
  dir: Direction;
  attrs: DmaAttr[];
  /** Device address handed to the driver (null when the map failed). */
  dma: bigint | null;
  path: DmaPath;
  /** True when the mapping went through dma-direct (dma_map_direct or arch_dma_map_page_direct). */
  direct: boolean;
  /** swiotlb bounce slot address (tlb_addr) when the mapping bounced. */
  tlbAddr?: bigint;
  /** Opaque data of the dma_map_ops implementation that made the mapping (IOVA, TCE entries, grants...). */
  opsData?: unknown;
  /** Per-entry records of a map_sg (input order). */
  segments?: MappingRecord[];
  /** Output segments of a map_sg (after merging), dma + length. */
  sgOut?: PhysRange[];
  /** Coherent allocation: the backing pages' phys and the page-aligned size. */
  pages?: { phys: bigint; size: bigint };
  /** dma_pool bookkeeping. */
  pool?: PoolRecord;
  /** Set once unmapped/freed; a second unmap is reported rather than applied. */
  released: boolean;
}

export interface PoolRecord {
  blockSize: bigint;
  allocation: bigint;
  boundary: bigint;
  align: bigint;
  /** Backing allocations: coherent phys/dma of each page block, how many blocks are handed out, and the path that allocated it. */
  pages: { phys: bigint; dma: bigint; used: number; path: DmaPath }[];
}

/** Everything a stage function needs: the session (params, device, state, hooks) and the trace being built. */
export interface DmaContext {
  readonly session: EngineSession;
  readonly trace: TraceBuilder;
  /** The CPU the request runs on (`raw_smp_processor_id()`), selects swiotlb area, rcache, TCE pool. */
  readonly cpu: number;
  /**
   * The physical pages an allocation gets, when a trace of a real kernel shows them (the page allocator's
   * choice cannot be predicted): one block, or the pages of dma-iommu's remapped allocation in order.
   */
  readonly knownPages?: readonly bigint[];
}

/** The part of the session that stage functions see. Implemented by Session (session.ts). */
export interface EngineSession {
  readonly params: Params;
  readonly dev: DeviceState;
  readonly arch: ArchHooks;
  /** Returns the state stored under key, creating it with init() on first use. */
  state<T extends SessionState>(key: string, init: () => T): T;
  /** Returns the state stored under key, or undefined. */
  peekState<T extends SessionState>(key: string): T | undefined;
  /** The registered ops named by dev.dmaOps, or null for dma-direct. */
  ops(): DmaMapOps | null;
}

export interface MapOutcome {
  dma: bigint | null;
  /** Data stored in MappingRecord.opsData. */
  opsData?: unknown;
  tlbAddr?: bigint;
  path: DmaPath;
}

export interface SgOutcome {
  /** Output segments (dma, len); null when the map failed. */
  out: PhysRange[] | null;
  segments: MappingRecord[];
  opsData?: unknown;
  path: DmaPath;
  /** Negative errno of dma_map_sgtable when it failed (-EIO, -EINVAL, -ENOMEM, -EREMOTEIO). */
  errno?: number;
}

export interface AllocOutcome {
  dma: bigint | null;
  phys: bigint | null;
  size: bigint;
  path: DmaPath;
  opsData?: unknown;
}

/** `struct dma_map_ops`: the methods the generic code calls when the device is not dma-direct. */
export interface DmaMapOps {
  /** Kernel symbol, e.g. `iommu_dma_ops`; the value of the `dma_ops` parameter that selects it. */
  readonly name: string;
  /** Path reported for mappings made through these ops. */
  readonly path: DmaPath;
  /** Source file of the ops, for stage refs. */
  readonly source: string;
  /** One-time device setup (domain creation, table allocation, bypass decision at probe). */
  setup?(ctx: DmaContext): void;
  mapPage(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction, attrs: DmaAttr[]): MapOutcome;
  unmapPage(ctx: DmaContext, record: MappingRecord, dir: Direction, attrs: DmaAttr[]): void;
  /** When absent, the engine maps each entry with mapPage and merges nothing (like dma-direct). */
  mapSg?(ctx: DmaContext, entries: PhysRange[], dir: Direction, attrs: DmaAttr[]): SgOutcome;
  unmapSg?(ctx: DmaContext, record: MappingRecord, dir: Direction, attrs: DmaAttr[]): void;
  /** When absent, dma_map_resource fails with DMA_MAPPING_ERROR as the kernel does for ops without it. */
  mapResource?(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction, attrs: DmaAttr[]): MapOutcome;
  unmapResource?(ctx: DmaContext, record: MappingRecord, dir: Direction, attrs: DmaAttr[]): void;
  syncForCpu?(ctx: DmaContext, record: MappingRecord, offset: bigint, size: bigint, dir: Direction): void;
  syncForDevice?(ctx: DmaContext, record: MappingRecord, offset: bigint, size: bigint, dir: Direction): void;
  alloc?(ctx: DmaContext, size: bigint, blocking: boolean, attrs: DmaAttr[]): AllocOutcome;
  free?(ctx: DmaContext, record: MappingRecord): void;
  /** `ops->dma_supported`; absent means supported. May change device state (powerpc bypass). */
  dmaSupported?(ctx: DmaContext, mask: bigint): boolean;
  /** `ops->max_mapping_size`. */
  maxMappingSize?(session: EngineSession): bigint;
  /** Symbolic rule for hovers when no address is known. */
  rule?(ctx: DmaContext): string;
}

/** Arch hooks. Every member is optional; absent members take the generic kernel behaviour. */
export interface ArchHooks {
  /** Key used by the `arch_dma` parameter. */
  readonly name: string;
  /** Setup at probe: masks, offsets, pool flags that the arch sets before the driver runs. */
  setup?(ctx: DmaContext): void;
  /**
   * CONFIG_ARCH_HAS_PHYS_TO_DMA `phys_to_dma`, which then also serves as phys_to_dma_unencrypted.
   * Must not record stages: the engine records the phys_to_dma stage with `physToDmaNote`.
   */
  physToDma?(session: EngineSession, phys: bigint): bigint;
  /** Inverse of physToDma; absent when the kernel defines none (the property test then skips). */
  dmaToPhys?(session: EngineSession, dma: bigint): bigint;
  /** Explanation and ref for the arch phys_to_dma stage. */
  physToDmaNote?: { note: string; ref: string };
  /** `arch_sync_dma_for_device`: records cache maintenance stages and costs. */
  syncForDevice?(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction): void;
  /** `arch_sync_dma_for_cpu`. */
  syncForCpu?(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction): void;
  /**
   * Hook run by dma_set_mask/dma_set_coherent_mask before the generic check (powerpc
   * `ppc_md.dma_set_mask`, fsl_pci offset). Returns false to refuse the mask (-EIO).
   */
  setMask?(ctx: DmaContext, mask: bigint, which: 'streaming' | 'coherent'): boolean | undefined;
  /** `arch_dma_map_page_direct(dev, phys_end)` (powerpc pseries pmem, §4.1). */
  mapPageDirect?(ctx: DmaContext, physEnd: bigint): boolean;
  /** `arch_dma_unmap_page_direct(dev, dma_handle)`. */
  unmapPageDirect?(ctx: DmaContext, dma: bigint): boolean;
  /** `force_dma_unencrypted(dev)` (§1.7). */
  forceDmaUnencrypted?(session: EngineSession): boolean;
  /** `set_memory_decrypted(vaddr, pages)`: records the platform's cost (hypercalls / UV calls). */
  setMemoryDecrypted?(ctx: DmaContext, phys: bigint, pages: number): void;
  /** `set_memory_encrypted` on free. */
  setMemoryEncrypted?(ctx: DmaContext, phys: bigint, pages: number): void;
  /** Pool size in slots when `swiotlb_slots` is -1 (arch default; SEV sizes it from RAM). */
  swiotlbSlots?(session: EngineSession): number;
  /** Whether the arch initialises the pool with SWIOTLB_FORCE (confidential guests). */
  swiotlbForce?(session: EngineSession): boolean;
  /** Whether boot code allocates the default swiotlb pool when `swiotlb_active` is auto (§1.6). */
  swiotlbDefaultActive?(session: EngineSession): boolean;
  /** `__sme_set` mask ORed by generic phys_to_dma (x86 SME); 0 elsewhere. */
  smeMask?(session: EngineSession): bigint;
  /** Width of `dma_addr_t`: 32 on kernels without CONFIG_ARCH_DMA_ADDR_T_64BIT (non-LPAE arm); 64 otherwise. */
  dmaAddrBits?(session: EngineSession): 32 | 64;
}

const opsRegistry = new Map<string, DmaMapOps>();
const archRegistry = new Map<string, ArchHooks>();

export function registerDmaOps(ops: DmaMapOps): void {
  if (opsRegistry.has(ops.name)) throw new Error(`dma_map_ops '${ops.name}' is registered twice`);
  opsRegistry.set(ops.name, ops);
}

export function registerArch(hooks: ArchHooks): void {
  if (archRegistry.has(hooks.name)) throw new Error(`arch hooks '${hooks.name}' are registered twice`);
  archRegistry.set(hooks.name, hooks);
}

export function lookupDmaOps(name: string): DmaMapOps | undefined {
  return opsRegistry.get(name);
}

export function lookupArch(name: string): ArchHooks | undefined {
  return archRegistry.get(name);
}
