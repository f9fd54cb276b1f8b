// iommu_map_page / ppc_iommu_map_sg (arch/powerpc/kernel/iommu.c, spec §4.2) on the QEMU default
// pseries window (1 GiB, 4 KiB TCEs, it_blocksize 16, 64 KiB kernel pages).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceBuilder } from '../../core/src/engine/trace';
import { IommuTable } from '../../core/src/powerpc/tce-table';
import { pseriesLparOps } from '../../core/src/powerpc/table-ops';
import {
  iommuMapPage,
  iommuUnmapPage,
  ppcIommuMapSg,
  ppcIommuUnmapSg,
  type TceMapEnv,
} from '../../core/src/powerpc/iommu-map';

function setup(overrides: Partial<TceMapEnv> = {}) {
  const table = IommuTable.init({ itOffset: 0n, itSize: 262144, itPageShift: 12, itBlocksize: 16 });
  const make = (op: string): TceMapEnv => ({
    trace: new TraceBuilder(op),
    table,
    ops: pseriesLparOps({ putTceInd: true, stuffTce: true }),
    dmaMask: 0xffffffffn,
    segBoundaryMask: 0xffffffffn,
    maxSegSize: 65536n,
    pageShift: 16,
    pageOffset: 0xc000000000000000n,
    cpu: 0,
    novmerge: false,
    ...overrides,
  });
  return { table, make };
}

test('the TCE page offset of the buffer survives into the bus address (V26: 4 TCEs at 0x1234)', () => {
  const { make } = setup();
  const result = iommuMapPage(make('map_single'), 0x12345234n, 0x3000n, 'to_device', []);
  assert.equal(result.npages, 4);
  assert.equal(result.dma, 0x1234n);
});

test('a 1 MiB map takes 256 TCEs from the large pool at 0x30000000 (V29)', () => {
  const { make } = setup();
  assert.equal(iommuMapPage(make('map_single'), 0x10000000n, 0x100000n, 'to_device', []).dma, 0x30000000n);
});

test('64 KiB kernel pages: a page-aligned buffer of at least PAGE_SIZE starts on a 16-TCE boundary', () => {
  const { make } = setup();
  // 4 KiB: no alignment, entry 1.
  assert.equal(iommuMapPage(make('map_single'), 0x20000000n, 0x1000n, 'to_device', []).dma, 0x1000n);
  // 64 KiB page-aligned: 16 TCEs -> large pool (already aligned there).
  assert.equal(iommuMapPage(make('map_single'), 0x20010000n, 0x10000n, 'to_device', []).dma, 0x30000000n);
  // A 4 KiB-aligned but not 64 KiB-aligned buffer of 64 KiB has no alignment constraint: next large entry.
  assert.equal(iommuMapPage(make('map_single'), 0x20021000n, 0x10000n, 'to_device', []).dma, 0x30010000n);
});

test('consecutive single-TCE maps on one CPU step by it_blocksize (hint chaining)', () => {
  const { make } = setup();
  const dmas = [0, 1, 2].map(
    (i) => iommuMapPage(make('map_single'), 0x12345000n + BigInt(i) * 0x1000n, 0x100n, 'to_device', []).dma,
  );
  assert.deepEqual(dmas, [0x1000n, 0x10000n, 0x20000n]);
});

test('unmap frees the entries: the next map may reuse them once the hint wraps', () => {
  const { make, table } = setup();
  const before = table.usedEntries();
  const { dma } = iommuMapPage(make('map_single'), 0x12345000n, 0x3000n, 'bidirectional', []);
  assert.ok(iommuUnmapPage(make('unmap'), dma!, 0x3000n));
  assert.equal(table.usedEntries(), before);
});

test('an exhausted table fails with the kernel message and DMA_MAPPING_ERROR', () => {
  const table = IommuTable.init({ itOffset: 0n, itSize: 64, itPageShift: 12, itBlocksize: 1 });
  const trace = new TraceBuilder('map_single');
  const base: TceMapEnv = {
    trace,
    table,
    ops: pseriesLparOps({ putTceInd: true, stuffTce: true }),
    dmaMask: 0xffffffffn,
    segBoundaryMask: 0xffffffffn,
    maxSegSize: 65536n,
    pageShift: 12,
    pageOffset: 0xc000000000000000n,
    cpu: 0,
    novmerge: false,
  };
  const result = iommuMapPage(base, 0x10000000n, 0x100000n, 'to_device', []);
  assert.equal(result.dma, null);
  assert.equal(trace.error, 'iommu_alloc failed, tbl (ptrval) vaddr c000000010000000 npages 256');
  assert.deepEqual(trace.costs.hypercalls, []);
});

test('map_sg merges entries whose bus addresses follow on (handle chaining)', () => {
  const { make } = setup();
  const env = make('map_sg');
  const entries = [
    { phys: 0x12345000n, size: 0x1000n },
    { phys: 0x20000000n, size: 0x1000n },
    { phys: 0x30000000n, size: 0x800n },
  ];
  const { out, entryDma } = ppcIommuMapSg(env, entries, 'to_device', []);
  // The sg handle makes each allocation start at the previous end: entries 1, 2, 3 -> one segment.
  assert.deepEqual(entryDma, [0x1000n, 0x2000n, 0x3000n]);
  assert.deepEqual(out, [{ dma: 0x1000n, len: 0x2800n }]);
  // Each entry is still one hypercall (one TCE each).
  assert.deepEqual(
    env.trace.costs.hypercalls.map((call) => [call.name, call.count]),
    [['H_PUT_TCE', 3]],
  );
  const unmap = make('unmap');
  ppcIommuUnmapSg(unmap, out!);
  assert.deepEqual(
    unmap.trace.costs.hypercalls.map((call) => [call.name, call.count]),
    [['H_STUFF_TCE', 1]],
  );
});

test('map_sg starts a new segment after a partial page, at max_seg_size, and with iommu=novmerge', () => {
  const partial = setup().make('map_sg');
  const a = ppcIommuMapSg(
    partial,
    [
      { phys: 0x12345000n, size: 0x800n },
      { phys: 0x20000000n, size: 0x1000n },
    ],
    'to_device',
    [],
  );
  assert.deepEqual(a.out, [
    { dma: 0x1000n, len: 0x800n },
    { dma: 0x2000n, len: 0x1000n },
  ]);

  const limited = setup({ maxSegSize: 0x2000n }).make('map_sg');
  const pages = [0, 1, 2].map((i) => ({ phys: 0x40000000n + BigInt(i) * 0x10000n, size: 0x1000n }));
  const b = ppcIommuMapSg(limited, pages, 'to_device', []);
  assert.deepEqual(b.out, [
    { dma: 0x1000n, len: 0x2000n },
    { dma: 0x3000n, len: 0x1000n },
  ]);

  const novmerge = setup({ novmerge: true }).make('map_sg');
  const c = ppcIommuMapSg(novmerge, pages, 'to_device', []);
  assert.equal(c.out!.length, 3);
});

test('map_sg failure frees what was mapped and reports the failing entry', () => {
  const table = IommuTable.init({ itOffset: 0n, itSize: 64, itPageShift: 12, itBlocksize: 1 });
  const trace = new TraceBuilder('map_sg');
  const env: TceMapEnv = {
    trace,
    table,
    ops: pseriesLparOps({ putTceInd: true, stuffTce: true }),
    dmaMask: 0xffffffffn,
    segBoundaryMask: 0xffffffffn,
    maxSegSize: 65536n,
    pageShift: 12,
    pageOffset: 0xc000000000000000n,
    cpu: 0,
    novmerge: false,
  };
  const before = table.usedEntries();
  const result = ppcIommuMapSg(
    env,
    [
      { phys: 0x1000000n, size: 0x1000n },
      { phys: 0x2000000n, size: 0x100000n },
    ],
    'to_device',
    [],
  );
  assert.equal(result.out, null);
  assert.equal(table.usedEntries(), before);
  assert.match(trace.error!, /^iommu_alloc failed, tbl \(ptrval\) vaddr c000000002000000 npages 256$/);
  // The first entry was mapped (H_PUT_TCE) and freed again (H_STUFF_TCE) within the failed call.
  assert.deepEqual(
    trace.costs.hypercalls.map((call) => [call.name, call.count, call.when]),
    [
      ['H_PUT_TCE', 1, 'map'],
      ['H_STUFF_TCE', 1, 'map'],
    ],
  );
});
