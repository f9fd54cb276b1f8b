// The powerpc TCE table allocator (arch/powerpc/kernel/iommu.c, spec §4.2). Expected numbers come from
// the spec text and the kernel functions named in each test, not from running the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IommuTable, iommuNumPages, iommuPoolHash, segBoundaryNrPages } from '../../core/src/powerpc/tce-table';

const PCI_BOUNDARY = segBoundaryNrPages(0xffffffffn, 12); // 4 GiB of 4 KiB TCEs
const MASK32 = 0xffffffffn >> 12n;

/** QEMU's default pseries window: bus 0..1 GiB, 4 KiB TCEs, it_blocksize 16 (§4.3). */
function qemuDefaultWindow(): IommuTable {
  return IommuTable.init({ itOffset: 0n, itSize: 0x40000000 >> 12, itPageShift: 12, itBlocksize: 16 });
}

function alloc(table: IommuTable, npages: number, cpu = 0, extra: { maskEntries?: bigint; alignOrder?: number } = {}) {
  return table.rangeAlloc({
    npages,
    cpu,
    maskEntries: extra.maskEntries ?? MASK32,
    alignOrder: extra.alignOrder ?? 0,
    boundaryPages: PCI_BOUNDARY,
  });
}

test('hash_32(cpu, 2) picks pools CPU0->0, CPU1->1, CPU2->3, CPU3->0 (§4.2)', () => {
  assert.deepEqual([0, 1, 2, 3].map(iommuPoolHash), [0, 1, 3, 0]);
});

test('iommu_init_table splits a 1 GiB window into 4 pools of 49152 and a large pool at 196608 (§10 V24-V30 notes)', () => {
  const table = qemuDefaultWindow();
  assert.equal(table.nrPools, 4);
  assert.equal(table.poolsize, 49152);
  assert.equal(table.largePool.start, 196608);
  assert.equal(table.largePool.end, 262144);
  assert.deepEqual(
    table.pools.map((pool) => pool.start),
    [0, 49152, 98304, 147456],
  );
});

test('a window below 1 GiB has a single pool; the large pool is still the top quarter', () => {
  const table = IommuTable.init({ itOffset: 0n, itSize: 1024, itPageShift: 12, itBlocksize: 16 });
  assert.equal(table.nrPools, 1);
  assert.equal(table.poolsize, 768);
  assert.equal(table.largePool.start, 768);
});

test('entry 0 is reserved only when it_offset == 0 (iommu_table_reserve_pages)', () => {
  assert.equal(alloc(qemuDefaultWindow(), 1).entry, 1);
  const offsetTable = IommuTable.init({ itOffset: 0x80000000000n, itSize: 32768, itPageShift: 16, itBlocksize: 16 });
  assert.equal(
    offsetTable.rangeAlloc({
      npages: 1,
      cpu: 0,
      maskEntries: ((1n << 64n) - 1n) >> 16n,
      alignOrder: 0,
      boundaryPages: segBoundaryNrPages(0xffffffffn, 16),
    }).entry,
    0,
  );
});

test('each CPU starts in its hashed pool', () => {
  const table = qemuDefaultWindow();
  assert.equal(alloc(table, 1, 1).entry, 49152);
  assert.equal(alloc(table, 1, 2).entry, 147456);
  assert.equal(alloc(table, 1, 3).entry, 1); // CPU3 hashes to pool 0, whose entry 0 is reserved
});

test('small allocations move the hint to the next it_blocksize multiple', () => {
  const table = qemuDefaultWindow();
  assert.equal(alloc(table, 1).entry, 1); // end 2 -> hint ALIGN(2, 16) = 16
  assert.equal(alloc(table, 3).entry, 16); // end 19 -> hint 32
  assert.equal(alloc(table, 1).entry, 32);
  assert.equal(table.pools[0]!.hint, 48);
});

test('more than 15 entries go to the large pool, whose hint is the end without block alignment', () => {
  const table = qemuDefaultWindow();
  const first = alloc(table, 256);
  assert.equal(first.entry, 196608);
  assert.equal(first.pool, 'large');
  assert.equal(alloc(table, 17).entry, 196608 + 256);
  assert.equal(alloc(table, 15).pool, 0); // exactly 15 is still small
});

test('align_order aligns the first entry (64 KiB kernel pages on 4 KiB TCEs: 16 entries)', () => {
  const table = qemuDefaultWindow();
  assert.equal(alloc(table, 16, 0, { alignOrder: 4 }).entry, 196608); // 16 > 15: large pool, already aligned
  assert.equal(alloc(table, 4, 0, { alignOrder: 4 }).entry, 16); // entry 0 reserved, next multiple of 16
});

test('the DART table (it_blocksize 1) hands out consecutive entries and never the last one', () => {
  const table = IommuTable.init({
    itOffset: 0n,
    itSize: 524288,
    itPageShift: 12,
    itBlocksize: 1,
    reserveLastEntry: true,
  });
  assert.equal(alloc(table, 1).entry, 1);
  assert.equal(alloc(table, 1).entry, 2);
  assert.ok(table.isAllocated(524287));
});

test('a reserved MMIO32 range is skipped (powernv window overlapping 2..4 GiB)', () => {
  // 8 GiB window of 64 KiB TCEs; MMIO32 from 0x80000000 to 4 GiB = entries 0x8000..0xffff.
  const table = IommuTable.init({
    itOffset: 0n,
    itSize: 131072,
    itPageShift: 16,
    itBlocksize: 16,
    reservedStart: 0x8000n,
    reservedEnd: 0x10000n,
  });
  assert.equal(table.reservedStart, 0x8000n);
  assert.ok(table.isAllocated(0x8000) && table.isAllocated(0xffff) && !table.isAllocated(0x10000));
  // poolsize = 131072 * 3 / 4 / 4 = 24576: pool 1 spans 24576..49151 and contains the hole from 32768.
  const first = table.rangeAlloc({
    npages: 1,
    cpu: 1,
    maskEntries: ((1n << 64n) - 1n) >> 16n,
    alignOrder: 0,
    boundaryPages: segBoundaryNrPages(0xffffffffn, 16),
  });
  assert.equal(first.entry, 24576);
});

test('a mask-limited device first tries its pool hint ANDed with the mask, then pool 0 from the start', () => {
  const table = qemuDefaultWindow();
  // A 29-bit mask reaches 512 MiB = entries below 131072; CPU2's pool 3 hint 147456 & 0x1ffff = 16384.
  const maskEntries = ((1n << 29n) - 1n) >> 12n;
  const first = alloc(table, 1, 2, { maskEntries });
  assert.equal(first.entry, 16384);
  assert.equal(first.pass, 0);
  // With the only reachable free entries in pool 0, the retry pass searches pool 0 from its start.
  const tight = IommuTable.init({ itOffset: 0n, itSize: 0x40000000 >> 12, itPageShift: 12, itBlocksize: 16 });
  const hintOnly = alloc(tight, 1, 2, { maskEntries: 16383n }); // 147456 & 16383 = 0 -> entry 0 is reserved -> 1
  assert.equal(hintOnly.entry, 1);
});

test('an allocation never crosses the 4 GiB PCI segment boundary (iommu_is_span_boundary)', () => {
  // A window starting 8 KiB below 4 GiB: entries 0 and 1 are below the boundary.
  const table = IommuTable.init({ itOffset: (1n << 20n) - 2n, itSize: 1024, itPageShift: 12, itBlocksize: 16 });
  const result = table.rangeAlloc({
    npages: 4,
    cpu: 0,
    maskEntries: ((1n << 64n) - 1n) >> 12n,
    alignOrder: 0,
    boundaryPages: PCI_BOUNDARY,
  });
  assert.equal(result.entry, 2);
});

test('exhaustion returns no entry after trying every pool and the large pool', () => {
  const table = IommuTable.init({ itOffset: 0n, itSize: 64, itPageShift: 12, itBlocksize: 1 });
  // One pool [0, 48) and the large pool [48, 64); iommu_area_alloc never uses the last entry of a limit.
  // 46 entries do not fit the large pool, so the search falls back to pool 0: entries 1..46 (46 < 47).
  assert.equal(alloc(table, 46).entry, 1);
  assert.equal(alloc(table, 1).entry, 48); // pool 0 is full up to its unusable last entry: the large pool
  const small = IommuTable.init({ itOffset: 0n, itSize: 64, itPageShift: 12, itBlocksize: 1 });
  assert.equal(alloc(small, 15).entry, 1);
  assert.equal(alloc(small, 15).entry, 16);
  assert.equal(alloc(small, 15).entry, 31); // 31 + 15 = 46 <= 47 = limit - 1
  const last = alloc(small, 15); // pool 0 full: the large pool [48, 64) takes 15 entries ending at 63
  assert.equal(last.entry, 48);
  assert.equal(last.pool, 'large');
  assert.equal(alloc(small, 2).entry, null);
});

test('free gives entries back and rejects handles outside the table', () => {
  const table = qemuDefaultWindow();
  const { entry } = alloc(table, 3);
  assert.equal(entry, 1);
  const before = table.usedEntries();
  assert.ok(table.free(0x1000n, 3));
  assert.equal(table.usedEntries(), before - 3);
  assert.equal(table.free(0x40000000n, 1), false);
});

test('iommu_num_pages counts the TCEs a buffer touches', () => {
  assert.equal(iommuNumPages(0x12345000n, 0x1000n, 0x1000n), 1);
  assert.equal(iommuNumPages(0x12345234n, 0x3000n, 0x1000n), 4);
  assert.equal(iommuNumPages(0x12345678n, 0x1000n, 0x10000n), 1);
});
