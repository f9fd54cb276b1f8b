// What real 6.1 guests showed the simulator must do (test/differential/ proves each against a guest), each
// written from the kernel function that does it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSession, getProfile, renderHoverTable, type OpResult } from '@dmalens/core';

const stagesNamed = (result: OpResult, fn: string) => result.stages.filter((stage) => stage.fn === fn);

// drivers/iommu/dma-iommu.c:iommu_dma_alloc takes iommu_dma_alloc_remap for a blocking allocation without
// DMA_ATTR_FORCE_CONTIGUOUS: __iommu_dma_alloc_pages gets pages one at a time, one IOVA range covers them,
// and __iommu_map_sg maps each physically contiguous run with one iommu_map call.
test('iommu_dma_alloc_remap: scattered pages under one IOVA, one iommu_map per contiguous run', () => {
  const session = createSession('x86_64-vtd');
  const scattered = session.run({ op: 'alloc_coherent', size: 0x1a46n, pages: [0x6d9a000n, 0x6d99000n] });
  assert.equal(stagesNamed(scattered, 'iommu_map').length, 2);
  assert.deepEqual(
    stagesNamed(scattered, 'iommu_map').map((stage) => [stage.in, stage.out]),
    [
      [0x6d9a000n, scattered.dma],
      [0x6d99000n, scattered.dma! + 0x1000n],
    ],
  );
  const adjacent = session.run({ op: 'alloc_coherent', size: 0x2000n, pages: [0x100000n, 0x101000n] });
  assert.equal(stagesNamed(adjacent, 'iommu_map').length, 1);
  const contiguous = session.run({ op: 'alloc_coherent', size: 0x2000n, attrs: ['FORCE_CONTIGUOUS'] });
  assert.equal(stagesNamed(contiguous, 'iommu_map').length, 0);
  assert.equal(stagesNamed(contiguous, 'iommu_map_atomic').length, 1);
  // The stand-in page allocator hands pages out top-down, one at a time: rarely adjacent in IOVA order.
  const standIn = session.run({ op: 'alloc_coherent', size: 0x3000n });
  assert.equal(stagesNamed(standIn, 'iommu_map').length, 3);
});

// drivers/iommu/dma-iommu.c: queue_iova holds a lazy unmap's IOVA in the flush queue; fq_flush_timeout
// flushes the domain and fq_ring_free hands the IOVAs to the rcache, whose next allocation is LIFO.
test('fq_flush_timeout: lazy-mode IOVAs come back only after the timer, last in first out', () => {
  const session = createSession('x86_64-vtd');
  const a = session.run({ op: 'map_page', phys: 0x1000_0000n, size: 0x1000n, dir: 'to_device' });
  const b = session.run({ op: 'map_page', phys: 0x1000_1000n, size: 0x1000n, dir: 'to_device' });
  session.run({ op: 'unmap', of: 0 });
  session.run({ op: 'unmap', of: 1 });
  const before = session.run({ op: 'map_page', phys: 0x1000_2000n, size: 0x1000n, dir: 'to_device' });
  assert.ok(before.dma! < b.dma!, 'before the timer a map gets a fresh IOVA below the queued ones');
  const timer = session.run({ op: 'fq_timeout' });
  assert.deepEqual(
    timer.costs.iotlbFlushes.map((flush) => flush.kind),
    ['DSI'],
  );
  const first = session.run({ op: 'map_page', phys: 0x1000_3000n, size: 0x1000n, dir: 'to_device' });
  const second = session.run({ op: 'map_page', phys: 0x1000_4000n, size: 0x1000n, dir: 'to_device' });
  assert.equal(first.dma, b.dma, 'the IOVA unmapped last comes back first');
  assert.equal(second.dma, a.dma);
  const idle = session.run({ op: 'fq_timeout' });
  assert.deepEqual(idle.costs.iotlbFlushes, [], 'nothing queued: the timer is not armed');
});

test('fq_timeout does nothing on a strict domain or without dma-iommu', () => {
  for (const [platform, overrides] of [
    ['x86_64-vtd', { iommu_mode: 'strict' }],
    ['x86_64', {}],
  ] as const) {
    const session = createSession(platform, overrides);
    session.run({ op: 'map_page', phys: 0x1000_0000n, size: 0x1000n, dir: 'to_device' });
    session.run({ op: 'unmap', of: 0 });
    const result = session.run({ op: 'fq_timeout' });
    assert.deepEqual(result.costs.iotlbFlushes, [], platform);
    assert.match(stagesNamed(result, 'fq_flush_timeout')[0]!.note, /no flush queue/);
  }
});

// arch/powerpc/platforms/pseries/iommu.c: a PCI device starts with 32-bit masks; dma_set_mask(64) runs
// enable_ddw, whose tce_setrange_multi_pSeriesLP pre-maps all RAM in H_PUT_TCE_INDIRECT calls of up to 512
// TCEs: a 2 GiB guest offered 16 MiB pages needs 128 TCEs, one call (what QEMU TCG's pseries shows).
test('pseries: dma_set_mask(64) builds the direct window with one H_PUT_TCE_INDIRECT for 2 GiB in 16 MiB pages', () => {
  const session = createSession('pseries', { ram: '2G', ddw_page_size: '16M', dma_mask: 32, coherent_mask: 32 });
  const streaming = session.run({ op: 'set_mask', mask: (1n << 64n) - 1n, which: 'streaming' });
  assert.deepEqual(
    streaming.costs.hypercalls.map((call) => [call.name, call.count, call.when]),
    [['H_PUT_TCE_INDIRECT', 1, 'setup']],
  );
  const coherent = session.run({ op: 'set_mask', mask: (1n << 64n) - 1n, which: 'coherent' });
  assert.deepEqual(coherent.costs.hypercalls, [], 'the window exists already (find_existing_ddw)');
  const eightGiB = createSession('pseries', { ram: '8G', ddw_page_size: '64K', dma_mask: 32 });
  const many = eightGiB.run({ op: 'set_mask', mask: (1n << 64n) - 1n, which: 'streaming' });
  assert.equal(many.costs.hypercalls[0]!.count, (8 * 1024 * 1024) / 64 / 512);
});

// drivers/virtio/virtio_ring.c:vring_alloc_queue: without the DMA API the ring is alloc_pages_exact's pages
// at virt_to_phys; a trace gives those pages, and the offsets follow vring_size.
test('vring_alloc takes the pages a trace shows, with and without the DMA API', () => {
  const plain = createSession('x86_64');
  plain.run({ op: 'virtio_negotiate', offered: ['VERSION_1'] });
  const ring = plain.run({ op: 'vring_alloc', num: 256, phys: 0x62e6000n });
  assert.deepEqual(
    [ring.details?.['desc'], ring.details?.['avail'], ring.details?.['used']],
    [0x62e6000n, 0x62e7000n, 0x62e7240n],
  );
  const direct = createSession('x86_64');
  direct.run({ op: 'virtio_negotiate', offered: ['VERSION_1', 'ACCESS_PLATFORM'] });
  assert.equal(direct.run({ op: 'vring_alloc', num: 256, phys: 0x62e6000n }).dma, 0x62e6000n);
});

test('the hover says a lazy domain IOVA depends on timing, and a strict one does not', () => {
  const rows = (['lazy', 'strict'] as const).map((mode) => {
    const profile = getProfile('x86_64-vtd');
    const result = createSession(profile, { iommu_mode: mode }).run({
      op: 'map_single',
      phys: 0x1000_0000n,
      size: 0x100n,
      dir: 'to_device',
    });
    return { platform: { ...profile, short: mode }, result };
  });
  const table = renderHoverTable(rows);
  assert.match(table, /\| lazy \| dma-iommu \| `[^`]+` \(timing-dependent\) \|/);
  assert.doesNotMatch(
    table.split('\n').find((line) => line.includes('strict'))!,
    /timing/,
  );
});
