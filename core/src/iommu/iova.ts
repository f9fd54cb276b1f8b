// The IOVA allocator of drivers/iommu/iova.c (§3.2): a tree of allocated ranges searched top-down with
// size alignment from cached nodes, per-CPU LIFO rcaches in front of it, and reserved ranges.
// Kept as a sorted array of nodes (pfn ranges) ending with the anchor, so clone() is cheap.
import type { SessionState } from '../engine/ops';
import { fls64, orderBase2, roundupPowOfTwo } from '../engine/bits';

const IOVA_ANCHOR = (1n << 64n) - 1n;
/** IOVA_RANGE_CACHE_MAX_SIZE: rcaches hold orders 0..5 (up to 32 granules). */
const RANGE_CACHE_MAX_SIZE = 6;
const MAG_SIZE = 127;
const MAX_GLOBAL_MAGS = 32;

interface IovaNode {
  lo: bigint;
  hi: bigint;
  reserved: boolean;
}

interface CpuRcache {
  loaded: bigint[];
  prev: bigint[];
}

interface Rcache {
  cpus: Map<number, CpuRcache>;
  depot: bigint[][];
}

export class IovaDomain implements SessionState {
  nodes: IovaNode[];
  cachedNode: bigint;
  cached32Node: bigint;
  max32AllocSize: bigint;
  rcaches: Rcache[];
  /** pfns whose nodes stay in the tree but belong to an rcache or a flush queue, not to a mapping. */
  held: Set<bigint>;

  constructor(
    readonly startPfn: bigint,
    readonly dma32BitPfn: bigint,
    from?: IovaDomain,
  ) {
    if (from) {
      this.nodes = from.nodes.map((node) => ({ ...node }));
      this.cachedNode = from.cachedNode;
      this.cached32Node = from.cached32Node;
      this.max32AllocSize = from.max32AllocSize;
      this.rcaches = from.rcaches.map((rcache) => ({
        cpus: new Map(
          [...rcache.cpus].map(([cpu, magazines]) => [
            cpu,
            { loaded: [...magazines.loaded], prev: [...magazines.prev] },
          ]),
        ),
        depot: rcache.depot.map((magazine) => [...magazine]),
      }));
      this.held = new Set(from.held);
    } else {
      this.nodes = [{ lo: IOVA_ANCHOR, hi: IOVA_ANCHOR, reserved: true }];
      this.cachedNode = IOVA_ANCHOR;
      this.cached32Node = IOVA_ANCHOR;
      this.max32AllocSize = dma32BitPfn;
      this.rcaches = Array.from({ length: RANGE_CACHE_MAX_SIZE }, () => ({ cpus: new Map(), depot: [] }));
      this.held = new Set();
    }
  }

  clone(): IovaDomain {
    return new IovaDomain(this.startPfn, this.dma32BitPfn, this);
  }

  fingerprint(): string {
    return this.nodes
      .filter((node) => !node.reserved && !this.held.has(node.lo))
      .map((node) => `${node.lo.toString(16)}-${node.hi.toString(16)}`)
      .join(',');
  }

  private indexOf(lo: bigint): number {
    return this.nodes.findIndex((node) => node.lo === lo);
  }

  private insert(node: IovaNode): void {
    const at = this.nodes.findIndex((item) => item.lo > node.lo);
    this.nodes.splice(at, 0, node);
  }

  /** `reserve_iova`: the range is never handed out (MSI window, PCI windows). */
  reserve(loPfn: bigint, hiPfn: bigint): void {
    this.insert({ lo: loPfn, hi: hiPfn, reserved: true });
  }

  /** `iova_find_limit`: the lowest node that ends at or above limit. */
  private findLimit(limitPfn: bigint): number {
    return this.nodes.findIndex((node) => node.hi >= limitPfn);
  }

  /** `__alloc_and_insert_iova_range(size, limit_pfn + 1, size_aligned = true)`; returns pfn_lo or null. */
  private allocRange(size: bigint, limitPfnPlusOne: bigint): bigint | null {
    const alignMask = (IOVA_ANCHOR << BigInt(fls64(size - 1n))) & IOVA_ANCHOR;
    if (limitPfnPlusOne <= this.dma32BitPfn && size >= this.max32AllocSize) return null;
    let currIndex = this.indexOf(limitPfnPlusOne <= this.dma32BitPfn ? this.cached32Node : this.cachedNode);
    if (currIndex < 0) currIndex = this.nodes.length - 1;
    let high = limitPfnPlusOne;
    let low = this.startPfn;
    const retryPfn = this.nodes[currIndex]!.hi;
    let retried = false;
    for (;;) {
      let newPfn: bigint;
      let curr: number | null = currIndex;
      // Walk down from the cached node while the candidate overlaps the next lower range; -1 stands for
      // the kernel's unsigned underflow when high < size.
      do {
        const node: IovaNode = this.nodes[curr]!;
        if (node.lo < high) high = node.lo;
        newPfn = high >= size ? (high - size) & alignMask : -1n;
        curr = curr > 0 ? curr - 1 : null;
      } while (curr !== null && newPfn >= 0n && newPfn <= this.nodes[curr]!.hi && newPfn >= low);
      if (high < size || newPfn < low) {
        if (!retried && low === this.startPfn && retryPfn < limitPfnPlusOne) {
          retried = true;
          high = limitPfnPlusOne;
          low = retryPfn + 1n;
          currIndex = this.findLimit(limitPfnPlusOne);
          continue;
        }
        this.max32AllocSize = size;
        return null;
      }
      const node = { lo: newPfn, hi: newPfn + size - 1n, reserved: false };
      this.insert(node);
      if (node.hi < this.dma32BitPfn) this.cached32Node = node.lo;
      else this.cachedNode = node.lo;
      return newPfn;
    }
  }

  private cpuRcache(order: number, cpu: number): CpuRcache {
    const rcache = this.rcaches[order]!;
    let magazines = rcache.cpus.get(cpu);
    if (!magazines) {
      magazines = { loaded: [], prev: [] };
      rcache.cpus.set(cpu, magazines);
    }
    return magazines;
  }

  /** `iova_rcache_get`: LIFO pop of a cached pfn not above limit (pfn <= limit_pfn + 1 - size). */
  private rcacheGet(size: bigint, limitPfnPlusOne: bigint, cpu: number): bigint | null {
    const order = orderBase2(size);
    if (order >= RANGE_CACHE_MAX_SIZE) return null;
    const magazines = this.cpuRcache(order, cpu);
    const limit = limitPfnPlusOne - size;
    if (magazines.loaded.length === 0 && magazines.prev.length > 0)
      [magazines.loaded, magazines.prev] = [magazines.prev, magazines.loaded];
    if (magazines.loaded.length === 0) {
      const depot = this.rcaches[order]!.depot.pop();
      if (!depot) return null;
      magazines.loaded = depot;
    }
    const mag = magazines.loaded;
    let i = mag.length - 1;
    while (mag[i]! > limit) {
      if (i === 0) return null;
      i--;
    }
    const pfn = mag[i]!;
    mag[i] = mag[mag.length - 1]!;
    mag.pop();
    this.held.delete(pfn);
    return pfn;
  }

  /** `alloc_iova_fast`; returns pfn and whether it came from the rcache. */
  allocFast(
    pages: bigint,
    limitPfn: bigint,
    flushRcache: boolean,
    cpu: number,
  ): { pfn: bigint; cached: boolean } | null {
    const size = pages < 32n ? roundupPowOfTwo(pages) : pages;
    const cached = this.rcacheGet(size, limitPfn + 1n, cpu);
    if (cached !== null) return { pfn: cached, cached: true };
    let pfn = this.allocRange(size, limitPfn + 1n);
    if (pfn === null && flushRcache) {
      this.flushRcaches();
      pfn = this.allocRange(size, limitPfn + 1n);
    }
    return pfn === null ? null : { pfn, cached: false };
  }

  /** `free_iova`: removes the node holding pfn and updates the cached nodes. */
  free(pfn: bigint): void {
    const index = this.indexOf(pfn);
    if (index < 0) return;
    const node = this.nodes[index]!;
    const next = this.nodes[index + 1]!.lo;
    const cached32 = this.nodes[this.indexOf(this.cached32Node)] ?? this.nodes[this.nodes.length - 1]!;
    if (node.lo === cached32.lo || (node.hi < this.dma32BitPfn && node.lo >= cached32.lo)) this.cached32Node = next;
    if (node.lo < this.dma32BitPfn) this.max32AllocSize = this.dma32BitPfn;
    const cached = this.nodes[this.indexOf(this.cachedNode)] ?? this.nodes[this.nodes.length - 1]!;
    if (node.lo >= cached.lo) this.cachedNode = next;
    this.nodes.splice(index, 1);
    this.held.delete(pfn);
  }

  /** `free_iova_fast`: into this CPU's rcache (LIFO), falling back to the tree. */
  freeFast(pfn: bigint, pages: bigint, cpu: number): 'rcache' | 'tree' {
    const order = orderBase2(pages);
    if (order >= RANGE_CACHE_MAX_SIZE) {
      this.free(pfn);
      return 'tree';
    }
    const magazines = this.cpuRcache(order, cpu);
    if (magazines.loaded.length >= MAG_SIZE) {
      if (magazines.prev.length < MAG_SIZE) [magazines.loaded, magazines.prev] = [magazines.prev, magazines.loaded];
      else {
        const depot = this.rcaches[order]!.depot;
        if (depot.length < MAX_GLOBAL_MAGS) depot.push(magazines.loaded);
        else for (const old of magazines.loaded) this.free(old);
        magazines.loaded = [];
      }
    }
    magazines.loaded.push(pfn);
    this.held.add(pfn);
    return 'rcache';
  }

  /** Marks a pfn as waiting in a flush queue. */
  hold(pfn: bigint): void {
    this.held.add(pfn);
  }

  /** `free_cpu_cached_iovas` + `free_global_cached_iovas`. */
  flushRcaches(): void {
    for (const rcache of this.rcaches) {
      for (const magazines of rcache.cpus.values()) {
        for (const pfn of [...magazines.loaded, ...magazines.prev]) this.free(pfn);
        magazines.loaded = [];
        magazines.prev = [];
      }
      for (const magazine of rcache.depot) for (const pfn of magazine) this.free(pfn);
      rcache.depot = [];
    }
  }
}
