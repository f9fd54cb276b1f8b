// The virtio stages on their own, driven through a recording stand-in for the platform's DMA API, so
// that negotiation, descriptor layout, indirect tables and unmapping are checked against spec §6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceBuilder } from '../../core/src/engine/trace';
import type { Direction, OpResult } from '../../core/src/types';
import type { Params } from '../../core/src/params/spec';
import { runVirtioRequest } from '../../core/src/virtio/run';
import { createVirtioState, type VirtioContext } from '../../core/src/virtio/state';
import { vringSize } from '../../core/src/virtio/vring';
import { FEATURE_BITS, parseFeature } from '../../core/src/virtio/features';

/** The fake platform adds this offset to every mapped address, so mapped and unmapped addresses differ. */
const OFFSET = 0x8000_0000_0000n;

interface Recorder extends VirtioContext {
  maps: { phys: bigint; size: bigint; dir: Direction }[];
  unmaps: unknown[];
  allocs: bigint[];
}

function fakeContext(params: Params, failMapAt = -1): Recorder {
  const ctx: Recorder = {
    state: createVirtioState(),
    params,
    maps: [],
    unmaps: [],
    allocs: [],
    mapPage(phys, size, dir) {
      const index = ctx.maps.length;
      ctx.maps.push({ phys, size, dir });
      const trace = new TraceBuilder('map_page');
      trace.path = 'dma-iommu';
      trace.stage('dma_map_page_attrs', phys, phys + OFFSET, 'fake', 'kernel/dma/mapping.c:dma_map_page_attrs');
      if (index === failMapAt) trace.fail('fake mapping failure');
      return { result: trace.finish(phys + OFFSET), handle: index };
    },
    unmapPage(handle) {
      ctx.unmaps.push(handle);
      return new TraceBuilder('unmap_page').finish(null);
    },
    allocCoherent(size) {
      ctx.allocs.push(size);
      const trace = new TraceBuilder('alloc_coherent');
      return trace.finish(0x4000_0000n + OFFSET);
    },
    maxMappingSize: () => 256n * 1024n,
    dmaPath: () => 'dma-iommu',
    useGrantDma: () => undefined,
  };
  return ctx;
}

function negotiate(
  ctx: VirtioContext,
  offered: string[],
  transport?: 'pci-modern' | 'pci-legacy' | 'mmio' | 'ccw',
): OpResult {
  return runVirtioRequest(
    transport ? { op: 'virtio_negotiate', offered, transport } : { op: 'virtio_negotiate', offered },
    0,
    ctx,
  );
}

test('the feature table has the 6.1 bit numbers of include/uapi/linux/virtio_config.h', () => {
  const bits = Object.fromEntries(FEATURE_BITS.map((feature) => [feature.name, feature.bit]));
  assert.deepEqual(
    {
      INDIRECT_DESC: bits.INDIRECT_DESC,
      EVENT_IDX: bits.EVENT_IDX,
      VERSION_1: bits.VERSION_1,
      ACCESS_PLATFORM: bits.ACCESS_PLATFORM,
      RING_PACKED: bits.RING_PACKED,
      IN_ORDER: bits.IN_ORDER,
      ORDER_PLATFORM: bits.ORDER_PLATFORM,
      NOTIFICATION_DATA: bits.NOTIFICATION_DATA,
    },
    {
      INDIRECT_DESC: 28,
      EVENT_IDX: 29,
      VERSION_1: 32,
      ACCESS_PLATFORM: 33,
      RING_PACKED: 34,
      IN_ORDER: 35,
      ORDER_PLATFORM: 36,
      NOTIFICATION_DATA: 38,
    },
  );
  assert.deepEqual(parseFeature('VIRTIO_F_IOMMU_PLATFORM'), { bit: 33, name: 'ACCESS_PLATFORM' });
  assert.deepEqual(parseFeature('5'), { bit: 5, name: 'bit 5' });
  assert.equal(typeof parseFeature('BOGUS'), 'string');
});

test('vring_transport_features keeps what 6.1 implements and clears IN_ORDER and NOTIFICATION_DATA', () => {
  const ctx = fakeContext({});
  const result = negotiate(ctx, [
    'VERSION_1',
    'ACCESS_PLATFORM',
    'INDIRECT_DESC',
    'EVENT_IDX',
    'IN_ORDER',
    'NOTIFICATION_DATA',
    'RING_PACKED',
    'RING_RESET',
    '5',
  ]);
  assert.equal(result.error, null);
  assert.deepEqual(result.details?.['accepted'], [
    'bit 5',
    'INDIRECT_DESC',
    'EVENT_IDX',
    'VERSION_1',
    'ACCESS_PLATFORM',
    'RING_PACKED',
    'RING_RESET',
  ]);
  assert.deepEqual(result.details?.['dropped'], ['IN_ORDER', 'NOTIFICATION_DATA']);
  assert.equal(result.details?.['useDmaApi'], true);
  assert.equal(result.details?.['maxDmaSize'], 256n * 1024n);
  assert.equal(result.path, 'dma-iommu', "with the DMA API the ring takes the parent device's path");
  // RING_RESET is only kept by virtio-pci (vp_transport_features).
  const mmio = negotiate(fakeContext({}), ['VERSION_1', 'RING_RESET'], 'mmio');
  assert.deepEqual(mmio.details?.['dropped'], ['RING_RESET']);
});

test('legacy virtio-pci has a 32-bit feature register: VERSION_1 and ACCESS_PLATFORM cannot be negotiated', () => {
  const result = negotiate(fakeContext({}), ['VERSION_1', 'ACCESS_PLATFORM', 'ANY_LAYOUT'], 'pci-legacy');
  assert.equal(result.error, null);
  assert.deepEqual(result.details?.['offered'], ['ANY_LAYOUT']);
  assert.equal(result.details?.['useDmaApi'], false);
  assert.equal(result.path, 'no-dma-api');
  assert.equal(result.details?.['maxDmaSize'], (1n << 64n) - 1n);
});

test('probe errors: modern PCI without VERSION_1, and restricted memory access on SEV and s390 PV', () => {
  const modern = negotiate(fakeContext({}), ['ACCESS_PLATFORM']);
  assert.equal(modern.error, 'device uses modern interface but does not have VIRTIO_F_VERSION_1');
  assert.equal(modern.details?.['errno'], '-EINVAL');
  assert.equal(modern.path, 'error');
  const sev = negotiate(fakeContext({ mem_encrypt: 'sev' }), ['VERSION_1']);
  assert.equal(sev.error, 'device must provide VIRTIO_F_ACCESS_PLATFORM');
  assert.equal(sev.details?.['errno'], '-ENODEV');
  const pv = negotiate(fakeContext({ mem_encrypt: 's390-pv', arch_dma: 's390' }), ['ACCESS_PLATFORM']);
  assert.equal(pv.details?.['transport'], 'ccw');
  assert.equal(pv.error, 'device must provide VIRTIO_F_VERSION_1');
  const ctx = fakeContext({ mem_encrypt: 'sev' });
  assert.equal(negotiate(ctx, ['VERSION_1']).error !== null, true);
  assert.equal(ctx.state.negotiated, null, 'a failed probe leaves nothing negotiated');
});

test('6.1 restricts TDX only through sev_setup_arch (CONFIG_AMD_MEM_ENCRYPT), never pseries SVM; Xen guests always use the DMA API', () => {
  const unrestricted: Params[] = [{ mem_encrypt: 'tdx', amd_mem_encrypt: false }, { mem_encrypt: 'svm' }];
  for (const params of unrestricted) {
    const result = negotiate(fakeContext(params), ['VERSION_1']);
    assert.equal(result.error, null, String(params['mem_encrypt']));
    assert.equal(result.details?.['useDmaApi'], false, String(params['mem_encrypt']));
  }
  // amd_mem_encrypt unset takes its default (true, as distro kernels are built).
  const tdx = negotiate(fakeContext({ mem_encrypt: 'tdx' }), ['VERSION_1']);
  assert.equal(tdx.error, 'device must provide VIRTIO_F_ACCESS_PLATFORM');
  assert.equal(tdx.details?.['errno'], '-ENODEV');
  const xen = negotiate(fakeContext({ dma_ops: 'xen_grant_dma_ops' }), ['VERSION_1', 'ACCESS_PLATFORM']);
  assert.equal(xen.details?.['useDmaApi'], true);
  const xenNoAp = negotiate(fakeContext({ dma_ops: 'xen_swiotlb_dma_ops', virtio_mem_acc: 'false' }), ['VERSION_1']);
  assert.equal(xenNoAp.error, null);
  assert.equal(xenNoAp.details?.['useDmaApi'], true);
});

test('ORDER_PLATFORM turns weak barriers off', () => {
  assert.equal(negotiate(fakeContext({}), ['VERSION_1']).details?.['weakBarriers'], true);
  assert.equal(negotiate(fakeContext({}), ['VERSION_1', 'ORDER_PLATFORM']).details?.['weakBarriers'], false);
});

test('add with the DMA API: out sgs TO_DEVICE, in sgs FROM_DEVICE, one more TO_DEVICE map for the indirect table', () => {
  const ctx = fakeContext({});
  negotiate(ctx, ['VERSION_1', 'ACCESS_PLATFORM', 'INDIRECT_DESC']);
  const fingerprint = ctx.state.fingerprint();
  const out = [
    { phys: 0x1000_0000n, size: 12n },
    { phys: 0x1000_1000n, size: 1500n },
  ];
  const inn = [{ phys: 0x2000_0000n, size: 1n }];
  const add = runVirtioRequest({ op: 'virtqueue_add', out, in: inn }, 1, ctx);
  assert.equal(add.error, null);
  assert.deepEqual(
    ctx.maps.map((m) => m.dir),
    ['to_device', 'to_device', 'from_device', 'to_device'],
  );
  assert.equal(ctx.maps[3]!.size, 3n * 16n, 'indirect table = total_sg * sizeof(struct vring_desc)');
  const table = add.details?.['indirectTable'] as { addr: bigint; len: bigint; flags: string }[];
  assert.deepEqual(
    table.map((d) => d.addr),
    [...out, ...inn].map((r) => r.phys + OFFSET),
  );
  assert.deepEqual(
    table.map((d) => d.flags),
    ['NEXT', 'NEXT', 'WRITE'],
  );
  const ring = add.details?.['descriptors'] as { addr: bigint; len: bigint; flags: string }[];
  assert.deepEqual(ring, [{ addr: ctx.maps[3]!.phys + OFFSET, len: 48n, flags: 'INDIRECT' }]);
  assert.equal(add.dma, out[0]!.phys + OFFSET);
  assert.equal(add.path, 'dma-iommu');
  assert.notEqual(ctx.state.fingerprint(), fingerprint);
  const done = runVirtioRequest({ op: 'virtqueue_get_buf', of: 1 }, 2, ctx);
  assert.equal(done.error, null);
  // detach_buf_split: the first-level (indirect) descriptor is unmapped first, then the table's entries.
  assert.deepEqual(ctx.unmaps, [3, 0, 1, 2]);
  assert.equal(ctx.state.fingerprint(), fingerprint, 'completion releases what add held');
  assert.throws(() => runVirtioRequest({ op: 'virtqueue_get_buf', of: 1 }, 3, ctx), /already returned/);
  assert.throws(() => runVirtioRequest({ op: 'virtqueue_get_buf', of: 0 }, 3, ctx), /not a virtqueue_add/);
});

test('add without the DMA API: descriptors carry sg_phys and nothing is mapped', () => {
  const ctx = fakeContext({});
  negotiate(ctx, ['VERSION_1', 'INDIRECT_DESC']);
  const add = runVirtioRequest({ op: 'virtqueue_add', out: [{ phys: 0x1_2345_6000n, size: 1514n }], in: [] }, 1, ctx);
  assert.equal(add.path, 'no-dma-api');
  assert.equal(add.dma, 0x1_2345_6000n);
  assert.deepEqual(add.details?.['descriptors'], [{ addr: 0x1_2345_6000n, len: 1514n, flags: '0' }]);
  assert.equal(ctx.maps.length, 0);
  assert.equal(add.costs.hypercalls.length + add.costs.bounceBytes.map, 0);
});

test('without a prior virtio_negotiate, add negotiates the profile default offer (and fails like probe would)', () => {
  const plain = fakeContext({ virtio_features: ['VERSION_1'] });
  const add = runVirtioRequest({ op: 'virtqueue_add', out: [{ phys: 0x1000n, size: 8n }], in: [] }, 0, plain);
  assert.equal(add.path, 'no-dma-api');
  assert.ok(add.stages.some((stage) => stage.fn === 'vring_use_dma_api'));
  const sev = fakeContext({ virtio_features: ['VERSION_1'], mem_encrypt: 'sev' });
  const refused = runVirtioRequest({ op: 'virtqueue_add', out: [{ phys: 0x1000n, size: 8n }], in: [] }, 0, sev);
  assert.equal(refused.error, 'device must provide VIRTIO_F_ACCESS_PLATFORM');
});

test('a failed mapping unwinds the earlier ones and returns -ENOMEM', () => {
  const ctx = fakeContext({}, 1);
  negotiate(ctx, ['VERSION_1', 'ACCESS_PLATFORM']);
  const add = runVirtioRequest(
    {
      op: 'virtqueue_add',
      out: [
        { phys: 0x1000n, size: 8n },
        { phys: 0x2000n, size: 8n },
      ],
      in: [],
    },
    1,
    ctx,
  );
  assert.equal(add.error, 'fake mapping failure');
  assert.equal(add.details?.['errno'], '-ENOMEM');
  assert.deepEqual(ctx.unmaps, [0]);
});

test('vring_size matches the spec: 6726 bytes for 256 entries at align 64, 10246 at align 4096 (V67)', () => {
  // ALIGN(16*256 + 2*(3+256), 64) + 2*3 + 8*256, computed by hand in spec §10.
  assert.equal(vringSize(256, 64n), 6726n);
  assert.equal(vringSize(256, 4096n), 10246n);
  const ctx = fakeContext({});
  negotiate(ctx, ['VERSION_1', 'ACCESS_PLATFORM']);
  const ring = runVirtioRequest({ op: 'vring_alloc', num: 256 }, 1, ctx);
  assert.deepEqual(ctx.allocs, [6726n], 'dma_alloc_coherent gets vring_size; dma-direct page-aligns it');
  assert.equal(ring.details?.['vringAlign'], 64n);
  assert.equal(ring.details?.['used'], (ring.dma as bigint) + 4672n);
  const legacy = runVirtioRequest({ op: 'vring_alloc', num: 256, legacy: true }, 2, ctx);
  assert.equal(legacy.details?.['vringSize'], 10246n);
  const packed = runVirtioRequest({ op: 'vring_alloc', num: 256, packed: true }, 3, ctx);
  assert.equal(packed.error, null);
  assert.deepEqual(ctx.allocs.slice(2), [4096n, 4n, 4n]);
  assert.equal(runVirtioRequest({ op: 'vring_alloc', num: 100 }, 4, ctx).error, 'Bad virtqueue length 100');
});

test('without the DMA API the ring is alloc_pages_exact(PAGE_ALIGN(size)); ccw aligns to 4096 and the s390 cache line is 256', () => {
  const ctx = fakeContext({ arch_dma: 's390', page_size: 4096n });
  const ring = runVirtioRequest({ op: 'vring_alloc', num: 256 }, 0, ctx);
  assert.equal(ring.path, 'no-dma-api');
  assert.equal(ring.details?.['vringAlign'], 4096n);
  assert.equal(ring.details?.['allocated'], 12288n);
  assert.equal(ctx.allocs.length, 0);
  const pci = fakeContext({ arch_dma: 'powerpc', page_size: 65536n, virtio_transport: 'pci-modern' });
  assert.equal(runVirtioRequest({ op: 'vring_alloc', num: 256 }, 0, pci).details?.['vringAlign'], 128n);
});

test('through a real session: add holds swiotlb slots / IOVAs / TCEs and get_buf gives them back', async () => {
  const { createSession, parseRequest } = await import('../../core/src/index');
  for (const profile of ['x86_64-sev-guest', 'x86_64-vtd', 'pseries', 's390-pv']) {
    const session = createSession(profile, profile === 'pseries' ? { dma_mask: 32 } : {});
    session.run(parseRequest({ op: 'virtio_negotiate', offered: ['VERSION_1', 'ACCESS_PLATFORM', 'INDIRECT_DESC'] }));
    const before = session.fingerprint();
    const add = session.run(
      parseRequest({
        op: 'virtqueue_add',
        out: [{ phys: '0x2345000', size: 1514 }],
        in: [{ phys: '0x2346000', size: 4096 }],
      }),
    );
    assert.equal(add.error, null, profile);
    assert.notEqual(session.fingerprint(), before, `${profile}: the mappings hold resources`);
    session.run(parseRequest({ op: 'virtqueue_get_buf', of: 1 }));
    assert.equal(session.fingerprint(), before, `${profile}: completion releases them`);
  }
});
