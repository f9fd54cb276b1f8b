// dma_set_mask on powerpc decides the path (spec §4.1, §4.3-§4.7): bypass, DDW, fsl offset window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MASK32, MASK64, mapSingle, ppcSession, setMask } from './powerpc-helpers';

test('pseries: a 64-bit mask creates a direct DDW once; 32-bit masks go back to the TCE window', () => {
  const session = ppcSession('pseries', { dma_mask: 32, coherent_mask: 32, ram: '4G' });
  assert.equal(session.run(mapSingle(0x12345000n, 0x1000n)).dma, 0x1000n);
  const widen = session.run(setMask(MASK64));
  assert.equal(widen.error, null);
  // RAM 4 GiB / 64 KiB TCEs = 65536 TCEs, 512 per H_PUT_TCE_INDIRECT = 128 calls at setup (V31).
  assert.deepEqual(
    widen.costs.hypercalls.map((call) => [call.name, call.count, call.when]),
    [['H_PUT_TCE_INDIRECT', 128, 'setup']],
  );
  const direct = session.run(mapSingle(0x12345678n, 0x100n));
  assert.equal(direct.path, 'dma-direct');
  assert.equal(direct.dma, 0x0800000012345678n);
  assert.deepEqual(direct.costs.hypercalls, []);
  // Setting the 64-bit mask again finds the existing window: no second setup cost.
  assert.deepEqual(session.run(setMask(MASK64)).costs.hypercalls, []);
  session.run(setMask(MASK32));
  const narrow = session.run(mapSingle(0x12345000n, 0x1000n));
  assert.equal(narrow.path, 'ppc-tce');
  assert.equal(narrow.dma, 0x10000n); // entry 1 is still held by the first map; the hint moved to 16
});

test('pseries: ddw=off keeps every mask on the default window', () => {
  const session = ppcSession('pseries', { ddw: 'off' });
  const result = session.run(mapSingle(0x12345000n, 0x1000n));
  assert.equal(result.path, 'ppc-tce');
  assert.equal(result.dma, 0x1000n);
});

test('pseries: without PUT_TCE_IND the direct window is pre-mapped TCE by TCE', () => {
  const session = ppcSession('pseries', { ram: '1G', multitce: 'off' });
  const setup = session.setupResult.costs.hypercalls;
  assert.deepEqual(
    setup.map((call) => [call.name, call.count]),
    [['H_PUT_TCE', 16384]],
  ); // 1 GiB / 64 KiB
});

test('pseries: ddw=table makes the window a TCE table; a later 32-bit mask is refused (offset too big)', () => {
  const session = ppcSession('pseries', { ddw: 'table', dma_mask: 64 });
  const map = session.run(mapSingle(0x12345678n, 0x100n));
  assert.equal(map.path, 'ppc-tce');
  assert.equal(map.dma, 0x0800000000005678n); // V32: entry 0 at it_offset = 2^59 >> 16
  const refused = session.run({ op: 'set_mask', mask: MASK32, which: 'streaming' });
  assert.match(refused.error ?? '', /IOMMU offset too big for device mask|-EIO/);
});

test('pseries pmem: a RAM-sized direct window sets bus_dma_limit, no bypass, and arch_dma_map_page_direct decides', () => {
  const session = ppcSession('pseries', { pmem: true, ram: '4G' });
  const low = session.run(mapSingle(0x12345678n, 0x100n));
  assert.equal(low.dma, 0x0800000012345678n);
  assert.ok(low.stages.some((stage) => stage.fn === 'arch_dma_map_page_direct'));
  // Above the window (persistent memory at 8 GiB): through the default TCE window.
  const high = session.run(mapSingle(0x200000000n, 0x1000n));
  assert.equal(high.path, 'ppc-tce');
  assert.equal(high.dma, 0x1000n);
});

test('powernv: 64-bit masks bypass at 2^59; 32-bit masks use 64 KiB TCEs from entry 1 (V33, V34)', () => {
  const session = ppcSession('powernv');
  assert.equal(session.run(mapSingle(0x12345678n, 0x100n)).dma, 0x0800000012345678n);
  session.run(setMask(MASK32));
  const tce = session.run(mapSingle(0x12345678n, 0x1000n));
  assert.equal(tce.dma, 0x15678n);
  assert.deepEqual(tce.costs.hypercalls, []);
});

test('powernv PHB3 single-device PE: a 48-bit mask gets the TVE#0 bypass at 4 GiB', () => {
  const session = ppcSession('powernv', { phb: 'phb3', single_device_pe: true, dma_mask: 48, ram: '8G' });
  assert.equal(session.run(mapSingle(0x12345678n, 0x100n)).dma, 0x112345678n);
});

test('DART U4: 40-bit masks bypass at 0x80_0000_0000, 39-bit masks map through the DART', () => {
  const bypass = ppcSession('dart-u4', { dma_mask: 40 });
  assert.equal(bypass.run(mapSingle(0x12345678n, 0x100n)).dma, 0x8012345678n);
  const dart = ppcSession('dart-u4', { dma_mask: 39 });
  const mapped = dart.run(mapSingle(0x12345678n, 0x100n));
  assert.equal(mapped.path, 'dart');
  assert.equal(mapped.dma, 0x1678n);
  assert.equal(ppcSession('dart-u3').run(mapSingle(0x12345678n, 0x100n)).path, 'dart');
});

test('fsl_pci: only masks reaching 2 * pci64_dma_offset - 1 use the offset window; others bounce above 2 GiB', () => {
  const wide = ppcSession('fsl-pci', { dma_mask: 64 });
  assert.equal(wide.run(mapSingle(0x123456000n, 0x100n)).dma, 0x323456000n);
  const narrow = ppcSession('fsl-pci', { dma_mask: 32 });
  const bounced = narrow.run(mapSingle(0x123456000n, 0x100n));
  assert.equal(bounced.path, 'swiotlb');
  const low = narrow.run(mapSingle(0x12345000n, 0x100n));
  assert.equal(low.dma, 0x12345000n);
  // 33 bits (2^33 - 1) is below 2 * 2^33 - 1: still window 1.
  assert.equal(ppcSession('fsl-pci', { dma_mask: 33 }).run(mapSingle(0x123456000n, 0x100n)).path, 'swiotlb');
});

test('Cell: Spider with the IOMMU off adds 0x80000000; Axon fixed mapping serves only exact 64-bit masks', () => {
  assert.equal(ppcSession('cell').run(mapSingle(0x12345678n, 0x100n)).dma, 0x92345678n);
  const fixed = ppcSession('cell', { cell_axon: true, ram: '4G', dma_mask: 64 });
  assert.equal(fixed.run(mapSingle(0x40000000n, 0x100n)).dma, 0xc0000000n);
  const dynamic = ppcSession('cell', { cell_axon: true, ram: '4G', dma_mask: 32 });
  const mapped = dynamic.run(mapSingle(0x40000000n, 0x100n));
  assert.equal(mapped.path, 'ppc-tce');
  assert.equal(mapped.dma, 0x1000n);
});

test('ppc32 PCI_DRAM_OFFSET and non-coherent __dma_sync line counts', () => {
  assert.equal(ppcSession('ppc32-pci-dram-offset').run(mapSingle(0x01234000n, 0x100n)).dma, 0x81234000n);
  const nc = ppcSession('ppc32-pci-dram-offset', { coherent: false });
  // 0x100 bytes at a 32-byte aligned address: 8 lines cleaned for TO_DEVICE.
  const map = nc.run(mapSingle(0x01234000n, 0x100n));
  assert.deepEqual(map.costs.cacheLines, { clean: 8, invalidate: 0 });
  // FROM_DEVICE on an unaligned buffer flushes (clean + invalidate) instead of invalidating: 0x1234010..0x1234110 spans 9 lines.
  const from = nc.run(mapSingle(0x01234010n, 0x100n, 'from_device'));
  assert.deepEqual(from.costs.cacheLines, { clean: 9, invalidate: 9 });
});

test('coherent allocations through the TCE table are mapped BIDIRECTIONAL with aligned entries', () => {
  const session = ppcSession('pseries', { dma_mask: 32, coherent_mask: 32 });
  const alloc = session.run({ op: 'alloc_coherent', size: 0x10000n });
  assert.equal(alloc.error, null);
  assert.equal(alloc.path, 'ppc-tce');
  // 16 TCEs > 15: the large pool, aligned to 16 entries (get_iommu_order(64 KiB) = 4).
  assert.equal(alloc.dma, 0x30000000n);
  const before = session.fingerprint();
  const free = session.run({ op: 'free_coherent', of: 0 });
  assert.equal(free.error, null);
  assert.notEqual(session.fingerprint(), before);
});

test('impossible window geometry is a parameter error naming the key, raised when the session is built', () => {
  assert.throws(
    () => ppcSession('pseries', { tce_window_size: '4K' }),
    (error: Error) => error.name === 'ParamError' && /'tce_window_size'/.test(error.message),
  );
  assert.throws(
    () => ppcSession('pseries', { ddw_page_size: '8K' }),
    (error: Error) => error.name === 'ParamError' && /'ddw_page_size'/.test(error.message),
  );
  assert.throws(
    () => ppcSession('pseries', { ddw: 'table', ddw_table_size: '64K' }),
    (error: Error) => error.name === 'ParamError' && /'ddw_table_size'/.test(error.message),
  );
  assert.doesNotThrow(() => ppcSession('pseries', { ddw: 'off', ddw_page_size: '8K' }));
});

test('powerpc phys_to_dma ignores dma-ranges windows: only archdata.dma_offset counts (§1.2)', () => {
  const session = ppcSession('ppc32-pci-dram-offset', { dma_windows: '0x0:0x40000000:0x20000000' });
  assert.equal(session.run(mapSingle(0x01234000n, 0x100n)).dma, 0x81234000n);
});
