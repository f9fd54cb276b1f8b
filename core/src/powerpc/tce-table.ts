// The powerpc IOMMU table allocator (`struct iommu_table` and its bitmap) from
// arch/powerpc/kernel/iommu.c, spec §4.2. Used by every powerpc IOMMU flavour (pseries TCE,
// powernv IODA, DART, Cell dynamic window): only the geometry differs.
//
// The kernel keeps one bit per TCE; we keep the allocated entries as sorted half-open intervals,
// which answers the same questions (next zero bit, next set bit) and stays cheap to clone even for
// multi-million-entry DDW tables.

/** `struct iommu_pool`: a slice of the table with its own next-fit hint. Entry numbers are table-relative. */
export interface IommuPool {
  start: number;
  end: number;
  hint: number;
}

/** The parameters a platform passes to `iommu_init_table` (plus the DART's extra reservation). */
export interface IommuTableGeometry {
  /** `it_offset`: the first entry's number in the device's DMA space (bus address >> it_page_shift). */
  itOffset: bigint;
  /** `it_size`: number of entries. */
  itSize: number;
  /** `it_page_shift`: log2 of the TCE (IOMMU page) size. */
  itPageShift: number;
  /** `it_blocksize`: small allocations bump the pool hint to a multiple of this (16 pseries, 1 DART). */
  itBlocksize: number;
  /** `res_start`/`res_end` of iommu_init_table, in absolute entry numbers (the MMIO32 hole). */
  reservedStart?: bigint;
  reservedEnd?: bigint;
  /** The U3/U4 DART also sets the table's last bit (iommu_table_dart_setup). */
  reserveLastEntry?: boolean;
}

/** IOMMU_NR_POOLS in arch/powerpc/include/asm/iommu.h. */
export const IOMMU_NR_POOLS = 4;
/** IOMMU_POOL_HASHBITS in arch/powerpc/include/asm/iommu.h (2 = log2(IOMMU_NR_POOLS)). */
const IOMMU_POOL_HASHBITS = 2;
/** GOLDEN_RATIO_32 in include/linux/hash.h. */
const GOLDEN_RATIO_32 = 0x61c88647n;

/**
 * `hash_32(cpu, IOMMU_POOL_HASHBITS)` precomputed per CPU by setup_iommu_pool_hash:
 * CPU0 -> 0, CPU1 -> 1, CPU2 -> 3, CPU3 -> 0 (§4.2).
 */
export function iommuPoolHash(cpu: number): number {
  const product = (BigInt(cpu >>> 0) * GOLDEN_RATIO_32) & 0xffffffffn;
  return Number(product >> BigInt(32 - IOMMU_POOL_HASHBITS));
}

/** Where iommu_range_alloc found room, for stage notes and tests. */
export interface RangeAllocResult {
  /** Table-relative entry of the first TCE, or null for DMA_MAPPING_ERROR. */
  entry: number | null;
  /** `large`, or the small pool number the allocation finally came from. */
  pool: 'large' | number;
  /** Search passes used (0 = found at the hint). */
  pass: number;
}

/** Sorted, non-overlapping, non-adjacent-merged list of allocated [start, end) entry ranges. */
class EntrySet {
  constructor(private ranges: [number, number][] = []) {}

  clone(): EntrySet {
    return new EntrySet(this.ranges.map(([start, end]) => [start, end]));
  }

  /** Index of the first range whose end is > entry. */
  private firstEndingAfter(entry: number): number {
    let low = 0;
    let high = this.ranges.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.ranges[mid]![1] > entry) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /** `find_next_zero_bit(map, size, start)`. */
  nextZero(size: number, start: number): number {
    if (start >= size) return size;
    const index = this.firstEndingAfter(start);
    const range = this.ranges[index];
    if (range && range[0] <= start) return Math.min(range[1], size);
    return start;
  }

  /** `find_next_bit(map, size, start)`. */
  nextSet(size: number, start: number): number {
    if (start >= size) return size;
    const index = this.firstEndingAfter(start);
    const range = this.ranges[index];
    if (!range) return size;
    return Math.min(Math.max(range[0], start), size);
  }

  isSet(entry: number): boolean {
    return this.nextSet(entry + 1, entry) === entry;
  }

  set(start: number, count: number): void {
    this.ranges.push([start, start + count]);
    this.ranges.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const range of this.ranges) {
      const last = merged[merged.length - 1];
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push([range[0], range[1]]);
    }
    this.ranges = merged;
  }

  clear(start: number, count: number): void {
    const end = start + count;
    const kept: [number, number][] = [];
    for (const [from, to] of this.ranges) {
      if (to <= start || from >= end) kept.push([from, to]);
      else {
        if (from < start) kept.push([from, start]);
        if (to > end) kept.push([end, to]);
      }
    }
    this.ranges = kept;
  }

  count(): number {
    return this.ranges.reduce((sum, [start, end]) => sum + end - start, 0);
  }

  describe(): string {
    return this.ranges.map(([start, end]) => `${start.toString(16)}-${end.toString(16)}`).join(',');
  }
}

function alignUpMask(value: number, mask: number): number {
  // __ALIGN_MASK(x, mask) = (x + mask) & ~mask, on entry numbers that stay below 2^53.
  return mask === 0 ? value : Math.floor((value + mask) / (mask + 1)) * (mask + 1);
}

/** `struct iommu_table` after `iommu_init_table` (arch/powerpc/kernel/iommu.c). */
export class IommuTable {
  readonly itOffset: bigint;
  readonly itSize: number;
  readonly itPageShift: number;
  readonly itBlocksize: number;
  readonly nrPools: number;
  readonly poolsize: number;
  readonly pools: IommuPool[];
  readonly largePool: IommuPool;
  /** `it_reserved_start`/`it_reserved_end` as iommu_table_reserve_pages left them (absolute entries). */
  readonly reservedStart: bigint;
  readonly reservedEnd: bigint;
  private readonly map: EntrySet;

  private constructor(source: {
    itOffset: bigint;
    itSize: number;
    itPageShift: number;
    itBlocksize: number;
    nrPools: number;
    poolsize: number;
    pools: IommuPool[];
    largePool: IommuPool;
    reservedStart: bigint;
    reservedEnd: bigint;
    map: EntrySet;
  }) {
    this.itOffset = source.itOffset;
    this.itSize = source.itSize;
    this.itPageShift = source.itPageShift;
    this.itBlocksize = source.itBlocksize;
    this.nrPools = source.nrPools;
    this.poolsize = source.poolsize;
    this.pools = source.pools;
    this.largePool = source.largePool;
    this.reservedStart = source.reservedStart;
    this.reservedEnd = source.reservedEnd;
    this.map = source.map;
  }

  /**
   * `iommu_init_table(tbl, nid, res_start, res_end)`: reserve entry 0 when it_offset == 0 and the
   * MMIO32 range (iommu_table_reserve_pages), split into 4 pools when the window is >= 1 GiB, the
   * top quarter being the large pool.
   */
  static init(geometry: IommuTableGeometry): IommuTable {
    const { itOffset, itSize, itPageShift, itBlocksize } = geometry;
    if (!Number.isSafeInteger(itSize) || itSize < 2) throw new Error(`IOMMU table it_size ${itSize} is out of range`);
    const map = new EntrySet();
    if (itOffset === 0n) map.set(0, 1);
    let resStart = geometry.reservedStart ?? 0n;
    let resEnd = geometry.reservedEnd ?? 0n;
    if (resStart < itOffset) resStart = itOffset;
    if (resEnd > itOffset + BigInt(itSize)) resEnd = itOffset + BigInt(itSize);
    let reservedStart = itOffset;
    let reservedEnd = itOffset;
    if (resStart < resEnd) {
      reservedStart = resStart;
      reservedEnd = resEnd;
      map.set(Number(resStart - itOffset), Number(resEnd - resStart));
    }
    if (geometry.reserveLastEntry) map.set(itSize - 1, 1);
    const windowBytes = BigInt(itSize) << BigInt(itPageShift);
    const nrPools = windowBytes >= 1n << 30n ? IOMMU_NR_POOLS : 1;
    const poolsize = Math.floor(Math.floor((itSize * 3) / 4) / nrPools);
    const pools: IommuPool[] = [];
    for (let i = 0; i < nrPools; i++) pools.push({ start: poolsize * i, hint: poolsize * i, end: poolsize * (i + 1) });
    const largePool = { start: poolsize * nrPools, hint: poolsize * nrPools, end: itSize };
    return new IommuTable({
      itOffset,
      itSize,
      itPageShift,
      itBlocksize,
      nrPools,
      poolsize,
      pools,
      largePool,
      reservedStart,
      reservedEnd,
      map,
    });
  }

  clone(): IommuTable {
    return new IommuTable({
      ...this,
      pools: this.pools.map((pool) => ({ ...pool })),
      largePool: { ...this.largePool },
      map: this.map.clone(),
    });
  }

  /** IOMMU_PAGE_SIZE(tbl). */
  get tceSize(): bigint {
    return 1n << BigInt(this.itPageShift);
  }

  /** Number of entries in use (reservations included). */
  usedEntries(): number {
    return this.map.count();
  }

  isAllocated(entry: number): boolean {
    return this.map.isSet(entry);
  }

  /** Canonical description of the allocated entries, for session fingerprints. */
  describe(): string {
    return this.map.describe();
  }

  /** `bitmap_find_next_zero_area(map, size, start, nr, align_mask)` (lib/bitmap.c). */
  private findZeroArea(size: number, start: number, nr: number, alignMask: number): number {
    for (;;) {
      const index = alignUpMask(this.map.nextZero(size, start), alignMask);
      const end = index + nr;
      if (end > size) return end;
      const busy = this.map.nextSet(end, index);
      if (busy < end) {
        start = busy + 1;
        continue;
      }
      return index;
    }
  }

  /**
   * `iommu_area_alloc(map, size, start, nr, shift, boundary_size, align_mask)` (lib/iommu-helper.c):
   * never uses the last entry below `limit`, and moves past an `iommu_is_span_boundary` crossing.
   */
  private areaAlloc(limit: number, start: number, nr: number, boundaryPages: bigint, alignMask: number): number | null {
    const size = limit - 1;
    for (;;) {
      const index = this.findZeroArea(size, start, nr, alignMask);
      if (index >= size) return null;
      const offsetInSegment = (this.itOffset + BigInt(index)) & (boundaryPages - 1n);
      if (offsetInSegment + BigInt(nr) > boundaryPages) {
        const next =
          ((this.itOffset + BigInt(index) + boundaryPages - 1n) / boundaryPages) * boundaryPages - this.itOffset;
        start = Number(next);
        continue;
      }
      this.map.set(index, nr);
      return index;
    }
  }

  /**
   * `iommu_range_alloc(dev, tbl, npages, handle, mask, align_order)`: pool by CPU hash (or the large
   * pool when npages > 15), search from the hint (or the sg handle), retry from the pool start,
   * then every other pool, then the large pool. `maskEntries` is `dma_mask >> it_page_shift`,
   * `boundaryPages` is `dma_get_seg_boundary_nr_pages(dev, it_page_shift)`.
   */
  rangeAlloc(request: {
    npages: number;
    cpu: number;
    maskEntries: bigint;
    alignOrder: number;
    boundaryPages: bigint;
    /** ppc_iommu_map_sg's `handle`: the end of the previous segment's allocation (0 = none). */
    handle?: { value: number };
  }): RangeAllocResult {
    const { npages, maskEntries, boundaryPages, handle } = request;
    if (npages <= 0) return { entry: null, pool: 0, pass: 0 };
    const alignMask = 2 ** request.alignOrder - 1;
    const largeAlloc = npages > 15;
    let poolNr = iommuPoolHash(request.cpu) & (this.nrPools - 1);
    let pool: IommuPool = largeAlloc ? this.largePool : this.pools[poolNr]!;
    let poolName: 'large' | number = largeAlloc ? 'large' : poolNr;
    let pass = 0;
    for (;;) {
      let start =
        pass === 0 && handle && handle.value && handle.value >= pool.start && handle.value < pool.end
          ? handle.value
          : pool.hint;
      let limit = pool.end;
      if (start >= limit) start = pool.start;
      if (BigInt(limit) + this.itOffset > maskEntries) {
        // The device cannot reach the pool's top: clamp, and search pool 0 from its start when the
        // masked hint is already past the limit or on a retry (avoids an O(n) scan on the first try).
        limit = Number(maskEntries - this.itOffset + 1n);
        if (BigInt.asUintN(64, BigInt(start) & maskEntries) >= BigInt(limit) || pass > 0) {
          pool = this.pools[0]!;
          poolName = 0;
          start = pool.start;
        } else {
          start = Number(BigInt(start) & maskEntries);
        }
      }
      const entry = this.areaAlloc(limit, start, npages, boundaryPages, alignMask);
      if (entry !== null) {
        const end = entry + npages;
        pool.hint = largeAlloc ? end : alignUpMask(end, this.itBlocksize - 1);
        if (handle) handle.value = end;
        return { entry, pool: poolName, pass };
      }
      if (pass === 0) {
        pool.hint = pool.start;
      } else if (pass <= this.nrPools) {
        poolNr = (poolNr + 1) & (this.nrPools - 1);
        pool = this.pools[poolNr]!;
        poolName = poolNr;
        pool.hint = pool.start;
      } else if (pass === this.nrPools + 1) {
        pool = this.largePool;
        poolName = 'large';
        pool.hint = pool.start;
      } else {
        return { entry: null, pool: poolName, pass };
      }
      pass++;
    }
  }

  /**
   * `__iommu_free`: clears the bitmap for a DMA address (absolute, as handed to the driver) after
   * `iommu_free_check`. Returns false when the kernel would print "iommu_free: invalid entry".
   */
  free(dmaAddr: bigint, npages: number): boolean {
    const entry = dmaAddr >> BigInt(this.itPageShift);
    const freeEntry = entry - this.itOffset;
    if (entry < this.itOffset || freeEntry + BigInt(npages) > BigInt(this.itSize)) return false;
    this.map.clear(Number(freeEntry), npages);
    return true;
  }
}

/** `iommu_num_pages(addr, len, io_page_size)` (include/linux/iommu-helper.h). */
export function iommuNumPages(addr: bigint, len: bigint, ioPageSize: bigint): number {
  const size = (addr & (ioPageSize - 1n)) + len;
  return Number((size + ioPageSize - 1n) / ioPageSize);
}

/**
 * `dma_get_seg_boundary_nr_pages(dev, page_shift)` (include/linux/dma-mapping.h): PCI devices have a
 * 4 GiB segment boundary (0xffffffff), others ULONG_MAX.
 */
export function segBoundaryNrPages(segBoundaryMask: bigint, pageShift: number): bigint {
  return (segBoundaryMask >> BigInt(pageShift)) + 1n;
}
