// pseries hypercall cost model (arch/powerpc/platforms/pseries/iommu.c, spec §4.3) and the other
// platforms' table ops. Numbers follow from the spec: 512 TCEs per H_PUT_TCE_INDIRECT / H_STUFF_TCE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceBuilder } from '../../core/src/engine/trace';
import { IommuTable } from '../../core/src/powerpc/tce-table';
import { cellOps, dartOps, powernvIoda2Ops, pseriesLparOps } from '../../core/src/powerpc/table-ops';
import { iommuMapPage, iommuUnmapPage, type TceMapEnv } from '../../core/src/powerpc/iommu-map';
import type { TceTableOps } from '../../core/src/powerpc/table-ops';

const BOTH = { putTceInd: true, stuffTce: true };

function env(ops: TceTableOps, table: IommuTable, trace: TraceBuilder): TceMapEnv {
  return {
    trace,
    table,
    ops,
    dmaMask: 0xffffffffn,
    segBoundaryMask: 0xffffffffn,
    maxSegSize: 65536n,
    pageShift: 16,
    pageOffset: 0xc000000000000000n,
    cpu: 0,
    novmerge: false,
  };
}

function qemuWindow(): IommuTable {
  return IommuTable.init({ itOffset: 0n, itSize: 262144, itPageShift: 12, itBlocksize: 16 });
}

function mapAndUnmap(
  ops: TceTableOps,
  phys: bigint,
  size: bigint,
  dir: 'to_device' | 'bidirectional' | 'from_device' = 'to_device',
) {
  const table = qemuWindow();
  const map = new TraceBuilder('map_single');
  const { dma } = iommuMapPage(env(ops, table, map), phys, size, dir, []);
  const unmap = new TraceBuilder('unmap');
  iommuUnmapPage(env(ops, table, unmap), dma!, size);
  return { dma, map: map.costs.hypercalls, unmap: unmap.costs.hypercalls, table };
}

test('one TCE: one H_PUT_TCE with READ only for TO_DEVICE; unmap is H_STUFF_TCE even for one TCE', () => {
  const { dma, map, unmap } = mapAndUnmap(pseriesLparOps(BOTH), 0x12345000n, 0x1000n);
  assert.equal(dma, 0x1000n);
  assert.deepEqual(map, [{ name: 'H_PUT_TCE', count: 1, when: 'map', args: '(L, ioba=0x1000, tce=0x12345001)' }]);
  assert.deepEqual(unmap, [{ name: 'H_STUFF_TCE', count: 1, when: 'unmap', args: '(L, ioba=0x1000, 0, 1)' }]);
});

test('three TCEs: one H_PUT_TCE_INDIRECT with READ|WRITE for BIDIRECTIONAL', () => {
  const { map, unmap } = mapAndUnmap(pseriesLparOps(BOTH), 0x12345000n, 0x3000n, 'bidirectional');
  assert.equal(map.length, 1);
  assert.equal(map[0]!.name, 'H_PUT_TCE_INDIRECT');
  assert.equal(map[0]!.count, 1);
  assert.match(map[0]!.args!, /, 3\) TCEs 0x12345003,0x12346003,0x12347003$/);
  assert.deepEqual(
    unmap.map((call) => [call.name, call.count]),
    [['H_STUFF_TCE', 1]],
  );
});

test('FROM_DEVICE TCEs on pseries still carry READ (tce_build_pSeriesLP sets READ always)', () => {
  const { map } = mapAndUnmap(pseriesLparOps(BOTH), 0x12345000n, 0x1000n, 'from_device');
  assert.match(map[0]!.args!, /tce=0x12345003\)$/);
});

test('a 2 MiB map that straddles a TCE boundary needs 513 TCEs: two indirect calls (512 + 1)', () => {
  const { map, unmap } = mapAndUnmap(pseriesLparOps(BOTH), 0x10000800n, 0x200000n);
  assert.deepEqual(
    map.map((call) => [call.name, call.count]),
    [['H_PUT_TCE_INDIRECT', 2]],
  );
  assert.match(map[0]!.args!, /, 512\) .*; \(L, ioba=0x[0-9a-f]+, __pa\(tce_page\), 1\)/);
  assert.deepEqual(
    unmap.map((call) => [call.name, call.count]),
    [['H_STUFF_TCE', 2]],
  );
});

test('an aligned 2 MiB map is exactly 512 TCEs: one call each way', () => {
  const { map, unmap } = mapAndUnmap(pseriesLparOps(BOTH), 0x10000000n, 0x200000n);
  assert.deepEqual(
    map.map((call) => [call.name, call.count]),
    [['H_PUT_TCE_INDIRECT', 1]],
  );
  assert.deepEqual(
    unmap.map((call) => [call.name, call.count]),
    [['H_STUFF_TCE', 1]],
  );
});

test('without the multi-TCE features every TCE is one H_PUT_TCE, cleared with tce=0', () => {
  const { map, unmap } = mapAndUnmap(pseriesLparOps({ putTceInd: false, stuffTce: false }), 0x12345000n, 0x3000n);
  assert.deepEqual(
    map.map((call) => [call.name, call.count]),
    [['H_PUT_TCE', 3]],
  );
  assert.deepEqual(
    unmap.map((call) => [call.name, call.count]),
    [['H_PUT_TCE', 3]],
  );
  assert.match(unmap[0]!.args!, /tce=0\)/);
});

test('a secure VM keeps H_STUFF_TCE but maps TCE by TCE', () => {
  const { map, unmap } = mapAndUnmap(pseriesLparOps({ putTceInd: false, stuffTce: true }), 0x12345000n, 0x3000n);
  assert.deepEqual(
    map.map((call) => [call.name, call.count]),
    [['H_PUT_TCE', 3]],
  );
  assert.deepEqual(
    unmap.map((call) => [call.name, call.count]),
    [['H_STUFF_TCE', 1]],
  );
});

test('powernv: no hypercall; PHB3 kills each TCE by MMIO, PHB4 with one OPAL call (§4.4)', () => {
  for (const [phb, kills] of [
    ['phb3', 3],
    ['phb4', 1],
  ] as const) {
    const table = IommuTable.init({ itOffset: 0n, itSize: 65536, itPageShift: 16, itBlocksize: 16 });
    const trace = new TraceBuilder('map_single');
    const { dma } = iommuMapPage(env(powernvIoda2Ops(phb), table, trace), 0x12340000n, 0x30000n, 'to_device', []);
    assert.equal(dma, 0x10000n);
    assert.deepEqual(trace.costs.hypercalls, []);
    assert.equal(trace.costs.iotlbFlushes[0]!.count, kills);
  }
});

test('powernv TCE permissions follow iommu_direction_to_tce_perm (FROM_DEVICE is write-only)', () => {
  assert.equal(powernvIoda2Ops('phb4').encode(0x12340000n, 16, 'from_device'), 0x12340002n);
  assert.equal(powernvIoda2Ops('phb4').encode(0x12340000n, 16, 'to_device'), 0x12340001n);
});

test('DART U4 invalidates each built page; U3 flushes the whole TLB once; free invalidates nothing', () => {
  const table = IommuTable.init({
    itOffset: 0n,
    itSize: 524288,
    itPageShift: 12,
    itBlocksize: 1,
    reserveLastEntry: true,
  });
  const u4 = new TraceBuilder('map_single');
  iommuMapPage(env(dartOps('u4'), table, u4), 0x12345000n, 0x3000n, 'to_device', []);
  assert.deepEqual(
    u4.costs.iotlbFlushes.map((flush) => [flush.kind, flush.count]),
    [['dart_tlb_invalidate_one', 3]],
  );
  const u3 = new TraceBuilder('map_single');
  const { dma } = iommuMapPage(env(dartOps('u3'), table, u3), 0x12345000n, 0x3000n, 'to_device', []);
  assert.deepEqual(
    u3.costs.iotlbFlushes.map((flush) => flush.count),
    [1],
  );
  const free = new TraceBuilder('unmap');
  iommuUnmapPage(env(dartOps('u3'), table, free), dma!, 0x3000n);
  assert.deepEqual(free.costs.iotlbFlushes, []);
  assert.equal(dartOps('u4').encode(0x12345000n, 12, 'to_device'), 0x80012345n);
});

test('Cell invalidates up to 2048 IOPTEs per register write', () => {
  const table = IommuTable.init({ itOffset: 0n, itSize: 524288, itPageShift: 12, itBlocksize: 16 });
  const trace = new TraceBuilder('map_single');
  iommuMapPage(env(cellOps(0n), table, trace), 0x10000000n, 0x1000000n, 'to_device', []); // 4096 IOPTEs
  assert.equal(trace.costs.iotlbFlushes[0]!.count, 2);
});
