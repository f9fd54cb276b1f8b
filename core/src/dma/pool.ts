// dma_pool_create / dma_pool_alloc (mm/dmapool.c, §7.2): small blocks carved from coherent
// allocations, never straddling `boundary`.
import type { DmaContext, MappingRecord, PoolRecord } from '../engine/ops';
import { hex } from '../engine/bits';
import { dmaAllocAttrs } from './alloc';

const DMAPOOL_C = 'mm/dmapool.c';

function isPowerOfTwo(value: bigint): boolean {
  return value > 0n && (value & (value - 1n)) === 0n;
}

/** `dma_pool_create`: returns the pool record, or an error text for invalid arguments (the kernel returns NULL). */
export function dmaPoolCreate(ctx: DmaContext, size: bigint, align: bigint, boundary: bigint): MappingRecord {
  const { trace } = ctx;
  const pageSize = ctx.session.params.page_size as bigint;
  const record: MappingRecord = {
    op: 'dma_pool_create',
    phys: 0n,
    size,
    dir: 'bidirectional',
    attrs: [],
    dma: null,
    path: 'dma-direct',
    direct: true,
    released: false,
  };
  const alignment = align === 0n ? 1n : align;
  if (!isPowerOfTwo(alignment)) {
    trace.fail(`dma_pool_create: align ${hex(align)} is not a power of two (returns NULL)`);
    return record;
  }
  if (size === 0n) {
    trace.fail('dma_pool_create: size 0 (returns NULL)');
    return record;
  }
  const minSize = size < 4n ? 4n : size;
  const blockSize = ((minSize + alignment - 1n) / alignment) * alignment;
  const allocation = blockSize > pageSize ? blockSize : pageSize;
  // 6.1 keeps a boundary above the allocation as given; only the 6.4 rework clamps it.
  const bound = boundary === 0n ? allocation : boundary;
  if (boundary !== 0n && (boundary < blockSize || !isPowerOfTwo(boundary))) {
    trace.fail(
      `dma_pool_create: boundary ${hex(boundary)} must be a power of two >= size ${hex(blockSize)} (returns NULL)`,
    );
    return record;
  }
  const pool: PoolRecord = { blockSize, allocation, boundary: bound, align: alignment, pages: [] };
  record.pool = pool;
  trace.stage(
    'dma_pool_create',
    null,
    null,
    `Blocks of ${hex(blockSize)} bytes (ALIGN(max(size, 4), ${hex(alignment)})) carved from ${hex(allocation)}-byte coherent allocations; boundary ${hex(bound)}; ${poolBlockOffsets(pool).length} block(s) per allocation (pool_initialise_page).`,
    `${DMAPOOL_C}:dma_pool_create`,
    '§7.2',
  );
  return record;
}

/**
 * Block offsets inside one allocation, in the order of the free list `pool_initialise_page` builds. The 6.1
 * test is `next + size >= next_boundary`: a block that would end exactly on the boundary is skipped too,
 * so a pool whose blocks divide the boundary loses the last block before every boundary (the default
 * boundary is the allocation itself). The `>` fix only arrived with the 6.4 dmapool rework.
 */
export function poolBlockOffsets(pool: PoolRecord): bigint[] {
  const offsets: bigint[] = [];
  let offset = 0n;
  let nextBoundary = pool.boundary;
  do {
    offsets.push(offset);
    let next = offset + pool.blockSize;
    if (next + pool.blockSize >= nextBoundary) {
      next = nextBoundary;
      nextBoundary += pool.boundary;
    }
    offset = next;
  } while (offset < pool.allocation);
  return offsets;
}

/** `dma_pool_alloc`: the first free block of an existing page, else a new coherent allocation. */
export function dmaPoolAlloc(ctx: DmaContext, poolRecord: MappingRecord): MappingRecord {
  const { trace } = ctx;
  const pool = poolRecord.pool!;
  const offsets = poolBlockOffsets(pool);
  let page = pool.pages.find((candidate) => candidate.used < offsets.length);
  if (!page) {
    const backing = dmaAllocAttrs(ctx, pool.allocation, true, []);
    if (backing.dma === null) return { ...backing, op: 'dma_pool_alloc' };
    page = { phys: backing.phys, dma: backing.dma, used: 0, path: backing.path };
    pool.pages.push(page);
  }
  trace.path = page.path;
  const offset = offsets[page.used]!;
  page.used += 1;
  const dma = page.dma + offset;
  trace.stage(
    'dma_pool_alloc',
    null,
    dma,
    `Block ${page.used - 1} at offset ${hex(offset)} of the pool page at dma ${hex(page.dma)}.`,
    `${DMAPOOL_C}:dma_pool_alloc`,
    '§7.2',
  );
  return {
    op: 'dma_pool_alloc',
    phys: page.phys + offset,
    size: pool.blockSize,
    dir: 'bidirectional',
    attrs: [],
    dma,
    path: trace.path,
    direct: true,
    released: false,
  };
}
