// The bus-independent powerpc IOMMU mapping code (arch/powerpc/kernel/iommu.c, §4.2):
// iommu_map_page / iommu_unmap_page and ppc_iommu_map_sg / ppc_iommu_unmap_sg on top of the table
// allocator (tce-table.ts) and a platform's table ops (table-ops.ts).
import { hex } from '../engine/bits';
import type { Direction, DmaAttr, PhysRange, When } from '../types';
import type { TraceBuilder } from '../engine/trace';
import { IommuTable, iommuNumPages, segBoundaryNrPages } from './tce-table';
import type { TceTableOps } from './table-ops';

const SOURCE = 'arch/powerpc/kernel/iommu.c';

/** What the map code needs to know about the device and the kernel. */
export interface TceMapEnv {
  trace: TraceBuilder;
  table: IommuTable;
  ops: TceTableOps;
  /** dma_get_mask(dev). */
  dmaMask: bigint;
  /** dma_get_seg_boundary(dev). */
  segBoundaryMask: bigint;
  /** dma_get_max_seg_size(dev). */
  maxSegSize: bigint;
  /** Kernel PAGE_SHIFT. */
  pageShift: number;
  /** PAGE_OFFSET of the linear map, to print the kernel virtual address in the failure message. */
  pageOffset: bigint;
  cpu: number;
  /** iommu=novmerge: never merge sg segments. */
  novmerge: boolean;
}

function allocAlignOrder(table: IommuTable, vaddr: bigint, size: bigint, pageShift: number): number {
  // A page-aligned buffer of at least one kernel page is aligned to a kernel page in the table, so
  // 64 KiB kernels with 4 KiB TCEs start such mappings on a 16-TCE boundary.
  const pageSize = 1n << BigInt(pageShift);
  return table.itPageShift < pageShift && size >= pageSize && (vaddr & (pageSize - 1n)) === 0n
    ? pageShift - table.itPageShift
    : 0;
}

function tcesFor(env: TceMapEnv, phys: bigint, npages: number, dir: Direction): bigint[] {
  const tceSize = env.table.tceSize;
  const base = phys & ~(tceSize - 1n);
  return Array.from({ length: npages }, (_, i) =>
    env.ops.encode(base + BigInt(i) * tceSize, env.table.itPageShift, dir),
  );
}

function poolLabel(pool: 'large' | number): string {
  return pool === 'large' ? 'the large pool' : `pool ${pool}`;
}

/** `dev_info "iommu_alloc failed, tbl %p vaddr %p npages %d\n"`; %p prints hashed, shown symbolically. */
export function iommuAllocFailedMessage(env: TceMapEnv, phys: bigint, npages: number): string {
  return `iommu_alloc failed, tbl (ptrval) vaddr ${(env.pageOffset + phys).toString(16)} npages ${npages}`;
}

/** One allocation through iommu_range_alloc with its stage; returns the table-relative entry or null. */
function allocate(
  env: TceMapEnv,
  phys: bigint,
  size: bigint,
  npages: number,
  handle?: { value: number },
): number | null {
  const { table } = env;
  const alignOrder = allocAlignOrder(table, phys, size, env.pageShift);
  const result = table.rangeAlloc({
    npages,
    cpu: env.cpu,
    maskEntries: env.dmaMask >> BigInt(table.itPageShift),
    alignOrder,
    boundaryPages: segBoundaryNrPages(env.segBoundaryMask, table.itPageShift),
    ...(handle ? { handle } : {}),
  });
  if (result.entry === null) {
    env.trace.stage(
      'iommu_range_alloc',
      null,
      null,
      `No free run of ${npages} entries in any pool (hint, pool start, every pool, then the large pool were tried).`,
      `${SOURCE}:iommu_range_alloc`,
      '§4.2',
    );
    return null;
  }
  const why =
    npages > 15
      ? `${npages} > 15 entries use the large pool`
      : `CPU ${env.cpu} hashes to pool ${result.pool === 'large' ? 0 : result.pool} (hash_32(cpu, 2))`;
  const align = alignOrder > 0 ? `, aligned to ${2 ** alignOrder} entries (one kernel page)` : '';
  const retry = result.pass > 0 ? ` after ${result.pass} retry pass(es)` : '';
  env.trace.stage(
    'iommu_range_alloc',
    null,
    (BigInt(result.entry) + table.itOffset) << BigInt(table.itPageShift),
    `${why}; ${npages === 1 ? `entry ${result.entry}` : `entries ${result.entry}..${result.entry + npages - 1}`} of ${poolLabel(result.pool)}${align}${retry}.`,
    `${SOURCE}:iommu_range_alloc`,
    '§4.2',
  );
  return result.entry;
}

/**
 * `iommu_map_page`: npages = iommu_num_pages(vaddr, size, TCE size), allocate, write the TCEs with
 * it_ops->set, flush, and return the bus address with vaddr's offset inside the TCE page.
 */
export function iommuMapPage(
  env: TceMapEnv,
  phys: bigint,
  size: bigint,
  dir: Direction,
  attrs: DmaAttr[],
  when: When = 'map',
): { dma: bigint | null; npages: number } {
  const { table, trace } = env;
  const tceSize = table.tceSize;
  const npages = iommuNumPages(phys, size, tceSize);
  trace.stage(
    'iommu_map_page',
    phys,
    null,
    `iommu_num_pages(${hex(phys)}, ${hex(size)}, ${hex(tceSize)}) = ${npages} TCE(s) of ${tceSize / 1024n} KiB.`,
    `${SOURCE}:iommu_map_page`,
    '§4.2',
  );
  const entry = allocate(env, phys, size, npages);
  if (entry === null) {
    if (!attrs.includes('NO_WARN')) trace.fail(iommuAllocFailedMessage(env, phys, npages));
    else trace.fail('DMA_MAPPING_ERROR (iommu_alloc failed; DMA_ATTR_NO_WARN suppressed the message)');
    return { dma: null, npages };
  }
  const absolute = BigInt(entry) + table.itOffset;
  const base = absolute << BigInt(table.itPageShift);
  trace.stage(
    'iommu_alloc',
    null,
    base,
    `entry + it_offset = ${hex(absolute)}; shifted by it_page_shift (${table.itPageShift}) this is the bus address of the first TCE.`,
    `${SOURCE}:iommu_alloc`,
    '§4.2',
  );
  env.ops.set(trace, table, absolute, tcesFor(env, phys, npages, dir), when);
  env.ops.flush?.(trace, table, when);
  const dma = base | (phys & (tceSize - 1n));
  trace.stage(
    'iommu_map_page',
    base,
    dma,
    `The buffer's offset inside its TCE page (${hex(phys & (tceSize - 1n))}) is ORed in.`,
    `${SOURCE}:iommu_map_page`,
    '§4.2',
  );
  return { dma, npages };
}

/** `iommu_unmap_page` → `iommu_free`: npages from the handle, it_ops->clear, bitmap clear, flush. */
export function iommuUnmapPage(env: TceMapEnv, dma: bigint, size: bigint, when: When = 'unmap'): boolean {
  const { table, trace } = env;
  const npages = iommuNumPages(dma, size, table.tceSize);
  const entry = dma >> BigInt(table.itPageShift);
  if (entry < table.itOffset || entry - table.itOffset + BigInt(npages) > BigInt(table.itSize)) {
    trace.fail('iommu_free: invalid entry');
    trace.stage(
      'iommu_free_check',
      dma,
      null,
      'The handle is outside the table: the kernel prints "iommu_free: invalid entry" and WARNs.',
      `${SOURCE}:iommu_free_check`,
      '§4.2',
    );
    return false;
  }
  trace.stage(
    'iommu_unmap_page',
    dma,
    null,
    `Frees ${npages} TCE(s) starting at entry ${entry - table.itOffset}.`,
    `${SOURCE}:iommu_unmap_page`,
    '§4.2',
  );
  env.ops.clear(trace, table, entry, npages, when);
  table.free(dma, npages);
  env.ops.flush?.(trace, table, when);
  return true;
}

/** One output segment of ppc_iommu_map_sg. */
export interface SgOutSegment {
  dma: bigint;
  len: bigint;
}

/**
 * `ppc_iommu_map_sg`: allocates each entry with the previous allocation's end as a hint (`handle`)
 * and merges an entry into the open output segment when its bus address follows on and the segment
 * stays within max_seg_size (unless iommu=novmerge). On failure every output segment made so far is
 * freed and the call returns -EIO.
 */
export function ppcIommuMapSg(
  env: TceMapEnv,
  entries: PhysRange[],
  dir: Direction,
  attrs: DmaAttr[],
): { out: SgOutSegment[] | null; entryDma: (bigint | null)[] } {
  const { table, trace } = env;
  const tceSize = table.tceSize;
  const out: SgOutSegment[] = [];
  const entryDma: (bigint | null)[] = entries.map(() => null);
  const handle = { value: 0 };
  let dmaNext = 0n;
  for (const [position, entry] of entries.entries()) {
    if (entry.size === 0n) {
      dmaNext = 0n;
      continue;
    }
    const npages = iommuNumPages(entry.phys, entry.size, tceSize);
    const index = allocate(env, entry.phys, entry.size, npages, handle);
    if (index === null) {
      if (!attrs.includes('NO_WARN')) trace.fail(iommuAllocFailedMessage(env, entry.phys, npages));
      else trace.fail('DMA_MAPPING_ERROR (iommu_alloc failed; DMA_ATTR_NO_WARN suppressed the message)');
      for (const segment of out) {
        const segPages = iommuNumPages(segment.dma, segment.len, tceSize);
        env.ops.clear(trace, table, segment.dma >> BigInt(table.itPageShift), segPages, 'map');
        table.free(segment.dma, segPages);
      }
      trace.stage(
        'ppc_iommu_map_sg',
        null,
        null,
        'Allocation failed: the segments mapped so far are freed again and the call returns -EIO.',
        `${SOURCE}:ppc_iommu_map_sg`,
        '§4.2',
      );
      return { out: null, entryDma: entries.map(() => null) };
    }
    const absolute = BigInt(index) + table.itOffset;
    const dma = (absolute << BigInt(table.itPageShift)) | (entry.phys & (tceSize - 1n));
    env.ops.set(trace, table, absolute, tcesFor(env, entry.phys, npages, dir), 'map');
    entryDma[position] = dma;
    const open = out[out.length - 1];
    if (open && !env.novmerge && dma === dmaNext && open.len + entry.size <= env.maxSegSize) {
      open.len += entry.size;
      trace.stage(
        'ppc_iommu_map_sg',
        entry.phys,
        dma,
        `Entry lands right after the open segment (${hex(dma)}): merged, segment now ${hex(open.len)} bytes.`,
        `${SOURCE}:ppc_iommu_map_sg`,
        '§4.2',
      );
    } else {
      out.push({ dma, len: entry.size });
      const reason = !open
        ? 'first segment'
        : env.novmerge
          ? 'iommu=novmerge'
          : dma !== dmaNext
            ? `not contiguous with ${hex(dmaNext)}`
            : 'merging would exceed max_seg_size';
      trace.stage(
        'ppc_iommu_map_sg',
        entry.phys,
        dma,
        `New output segment (${reason}).`,
        `${SOURCE}:ppc_iommu_map_sg`,
        '§4.2',
      );
    }
    dmaNext = dma + entry.size;
  }
  env.ops.flush?.(trace, table, 'map');
  return { out, entryDma };
}

/** `ppc_iommu_unmap_sg`: frees each output segment, then one flush. */
export function ppcIommuUnmapSg(env: TceMapEnv, out: SgOutSegment[]): void {
  const { table, trace } = env;
  for (const segment of out) {
    const npages = iommuNumPages(segment.dma, segment.len, table.tceSize);
    trace.stage(
      'ppc_iommu_unmap_sg',
      segment.dma,
      null,
      `Frees the ${npages} TCE(s) of one output segment.`,
      `${SOURCE}:ppc_iommu_unmap_sg`,
      '§4.2',
    );
    env.ops.clear(trace, table, segment.dma >> BigInt(table.itPageShift), npages, 'unmap');
    table.free(segment.dma, npages);
  }
  env.ops.flush?.(trace, table, 'unmap');
}

/** IOMAP_MAX_ORDER (arch/powerpc/include/asm/iommu.h): coherent allocations of 2^13 pages or more are refused. */
export const IOMAP_MAX_ORDER = 13;

/** `get_iommu_order(size, tbl)` = __ilog2((size - 1) >> it_page_shift) + 1 (0 for one TCE). */
export function iommuOrder(size: bigint, itPageShift: number): number {
  const pages = (size - 1n) >> BigInt(itPageShift);
  return pages === 0n ? 0 : pages.toString(2).length;
}

/**
 * The mapping half of `iommu_alloc_coherent`: nio_pages TCEs for the page-aligned buffer at `phys`,
 * aligned to get_iommu_order(size), searched below the coherent mask, written BIDIRECTIONAL.
 * `size` is already PAGE_ALIGNed. Returns the bus address or null when the table has no room.
 */
export function iommuMapCoherent(env: TceMapEnv, phys: bigint, size: bigint): bigint | null {
  const { table, trace } = env;
  const npages = Number((size + table.tceSize - 1n) >> BigInt(table.itPageShift));
  const alignOrder = iommuOrder(size, table.itPageShift);
  const result = table.rangeAlloc({
    npages,
    cpu: env.cpu,
    maskEntries: env.dmaMask >> BigInt(table.itPageShift),
    alignOrder,
    boundaryPages: segBoundaryNrPages(env.segBoundaryMask, table.itPageShift),
  });
  if (result.entry === null) {
    trace.stage(
      'iommu_range_alloc',
      null,
      null,
      `No free run of ${npages} entries aligned to ${2 ** alignOrder} below the coherent mask.`,
      `${SOURCE}:iommu_range_alloc`,
      '§4.2',
    );
    return null;
  }
  const absolute = BigInt(result.entry) + table.itOffset;
  const dma = absolute << BigInt(table.itPageShift);
  trace.stage(
    'iommu_range_alloc',
    null,
    dma,
    `${npages} entries from ${poolLabel(result.pool)}, aligned to ${2 ** alignOrder} entries (get_iommu_order).`,
    `${SOURCE}:iommu_alloc_coherent`,
    '§4.2',
  );
  env.ops.set(trace, table, absolute, tcesFor(env, phys, npages, 'bidirectional'), 'alloc');
  env.ops.flush?.(trace, table, 'alloc');
  return dma;
}

/** The unmapping half of `iommu_free_coherent`. */
export function iommuUnmapCoherent(env: TceMapEnv, dma: bigint, size: bigint): void {
  const { table, trace } = env;
  const npages = Number((size + table.tceSize - 1n) >> BigInt(table.itPageShift));
  env.ops.clear(trace, table, dma >> BigInt(table.itPageShift), npages, 'free');
  table.free(dma, npages);
  env.ops.flush?.(trace, table, 'free');
}
