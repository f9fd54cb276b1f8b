// Cases for the vectors of spec §1-§3 and §5 (everything but powerpc §4 and virtio §6).
// Expected values are read from the vector by the checks in vector-checks.ts.
import assert from 'node:assert/strict';
import { createSession, parseRequest } from '@dmalens/core';
import type { VectorCase } from './vector-case';
import {
  bounceBytes,
  cacheOps,
  custom,
  dmaIsPoolStart,
  dmaIsVectorHex,
  failsWithVectorText,
  hexTokens,
  hypercalls,
  iotlbFlushes,
  noOtherCosts,
  pathIs,
} from './vector-checks';

const V01_INPUT = { phys: '0x123456789', size: '0x200' };

export const cases: VectorCase[] = [
  {
    id: 'V01',
    profile: 'x86_64',
    ops: [
      { op: 'map_single', ...V01_INPUT, dir: 'to_device' },
      { op: 'unmap', of: 0 },
    ],
    checks: [dmaIsVectorHex(0), pathIs(0, 'dma-direct', /dma-direct/), bounceBytes(0, 1), noOtherCosts()],
  },
  {
    id: 'V02',
    profile: 'x86_64',
    overrides: { dma_mask: 32 },
    ops: [
      { op: 'map_single', ...V01_INPUT, dir: 'from_device' },
      { op: 'unmap', of: 0 },
    ],
    checks: [dmaIsPoolStart(0), pathIs(0, 'swiotlb', /swiotlb/), bounceBytes(0, 1), noOtherCosts()],
  },
  {
    id: 'V03',
    profile: 'x86_64',
    overrides: { dma_mask: 32 },
    ops: [
      { op: 'map_single', ...V01_INPUT, dir: 'to_device' },
      { op: 'unmap', of: 0 },
    ],
    checks: [dmaIsPoolStart(0), pathIs(0, 'swiotlb', /swiotlb/), bounceBytes(0, 1), noOtherCosts()],
  },
  {
    id: 'V04',
    profile: 'x86_64',
    overrides: { dma_mask: 32 },
    note: 'A second map shows the slot count: next-fit continues right after the first allocation.',
    ops: [
      { op: 'map_single', phys: '0x123456000', size: '0x3000', dir: 'bidirectional' },
      { op: 'map_single', phys: '0x123456000', size: '0x3000', dir: 'bidirectional' },
      { op: 'unmap', of: 0 },
    ],
    checks: [
      dmaIsPoolStart(0),
      dmaIsPoolStart(1, (run) => BigInt(/nslots=(\d+)/.exec(run.vector.expect.path)![1]!) * 2048n),
      bounceBytes(0, 2),
      noOtherCosts(),
    ],
  },
  {
    id: 'V06',
    profile: 'x86_64',
    overrides: { ram: '3G', dma_mask: 32 },
    ops: [{ op: 'map_single', phys: '0x80000000', size: '0x1000', dir: 'to_device' }],
    checks: [
      dmaIsVectorHex(0),
      noOtherCosts(),
      custom('no swiotlb pool below 4 GiB of RAM', (run) =>
        assert.equal(run.session.fingerprint().includes('swiotlb'), false),
      ),
    ],
  },
  {
    id: 'V07',
    profile: 'x86_64',
    overrides: { swiotlb_active: 'off', dma_mask: 32 },
    ops: [{ op: 'map_single', ...V01_INPUT, dir: 'to_device' }],
    checks: [failsWithVectorText(0)],
  },
  {
    id: 'V09',
    profile: 'x86_64',
    overrides: { swiotlb_force: true },
    ops: [{ op: 'map_single', phys: '0x200000000', size: '0x4B000', dir: 'to_device' }],
    checks: [failsWithVectorText(0), bounceBytes(0, null)],
  },
  {
    id: 'V10',
    profile: 'x86_64-vtd',
    ops: [
      { op: 'map_single', phys: '0x123456234', size: '0x1800', dir: 'to_device' },
      { op: 'unmap', of: 0 },
    ],
    checks: [
      dmaIsVectorHex(0),
      pathIs(0, 'dma-iommu', /dma-iommu/),
      iotlbFlushes({ deferred: 1 }),
      custom('no IOTLB flush at map (caching mode off)', (run) =>
        assert.deepEqual(run.results[0]!.costs.iotlbFlushes, []),
      ),
      bounceBytes(0, 1),
    ],
  },
  {
    id: 'V11',
    profile: 'x86_64-vtd',
    overrides: { iommu_mode: 'strict' },
    ops: [
      { op: 'map_single', phys: '0x123456234', size: '0x1800', dir: 'to_device' },
      { op: 'unmap', of: 0 },
      { op: 'map_single', phys: '0x123456234', size: '0x1800', dir: 'to_device' },
    ],
    checks: [dmaIsVectorHex(0, 0), dmaIsVectorHex(2, 1), iotlbFlushes({ unmap: 1 })],
  },
  {
    id: 'V14',
    profile: 'x86_64-vtd',
    overrides: { forcedac: true },
    ops: [{ op: 'map_single', phys: '0x123456000', size: '0x1000', dir: 'to_device' }],
    checks: [
      dmaIsVectorHex(0, 0),
      custom('QEMU aw-bits 39 gives the second address', (run) => {
        const session = createSession('x86_64-vtd', { forcedac: true, aperture_bits: 39 });
        const result = session.run(
          parseRequest({ op: 'map_single', phys: '0x123456000', size: '0x1000', dir: 'to_device' }),
        );
        assert.equal(result.dma, hexTokens(run.vector.expect.dma_addr_or_rule)[1]);
      }),
      noOtherCosts(),
    ],
  },
  {
    id: 'V15',
    profile: 'x86_64-vtd',
    overrides: { caching_mode: true },
    ops: [
      { op: 'map_single', phys: '0x123456234', size: '0x1800', dir: 'to_device' },
      { op: 'unmap', of: 0 },
    ],
    checks: [dmaIsVectorHex(0), iotlbFlushes({ map: 0, unmap: 1 })],
  },
  {
    id: 'V16',
    profile: 'x86_64-vtd',
    overrides: { iommu_mode: 'passthrough' },
    ops: [
      { op: 'map_single', phys: '0x123456234', size: '0x1800', dir: 'to_device' },
      { op: 'unmap', of: 0 },
    ],
    checks: [dmaIsVectorHex(0), pathIs(0, 'dma-direct', /dma-direct/), noOtherCosts(), bounceBytes(0, 1)],
  },
  {
    id: 'V17',
    profile: 'x86_64-vtd',
    overrides: { iommu_mode: 'passthrough', dma_mask: 32 },
    ops: [
      { op: 'map_single', phys: '0x123456234', size: '0x100', dir: 'from_device' },
      { op: 'unmap', of: 0 },
    ],
    checks: [dmaIsPoolStart(0), pathIs(0, 'swiotlb', /swiotlb/), bounceBytes(0, 1), noOtherCosts()],
  },
  {
    id: 'V19',
    profile: 'x86_64-sev-guest',
    note: 'The virtio ring maps the buffer with dma_map_page; the same call is made here directly.',
    ops: [{ op: 'map_page', phys: '0x123456000', size: 1514, dir: 'to_device' }],
    checks: [
      dmaIsPoolStart(0),
      bounceBytes(0, null),
      noOtherCosts(),
      custom('no C-bit in the device address', (run) => assert.equal((run.results[0]!.dma! >> 47n) & 1n, 0n)),
    ],
  },
  {
    id: 'V20',
    profile: 'x86_64-sev-guest',
    ops: [{ op: 'alloc_coherent', size: '0x2000', gfp: 'GFP_KERNEL' }],
    checks: [
      hypercalls(0),
      custom('handle = phys of the pages, no C-bit', (run) => {
        const result = run.results[0]!;
        assert.equal(result.dma, result.details!.cpu_addr_phys);
        assert.equal((result.dma! >> 47n) & 1n, 0n);
      }),
    ],
  },
  {
    id: 'V21',
    profile: 'x86_64-sme-host',
    ops: [{ op: 'map_single', phys: '0x123456000', size: '0x1000', dir: 'to_device' }],
    checks: [dmaIsVectorHex(0), noOtherCosts(), bounceBytes(0, null)],
  },
  {
    id: 'V23',
    profile: 'x86_64-tdx-guest',
    ops: [
      { op: 'map_single', phys: '0x200000000', size: '0x1000', dir: 'from_device' },
      { op: 'unmap', of: 0 },
    ],
    checks: [dmaIsPoolStart(0), bounceBytes(0, 1), noOtherCosts()],
  },
  {
    id: 'V43',
    profile: 'rpi4-soc',
    ops: [{ op: 'map_single', phys: '0x01234000', size: '0x1000', dir: 'to_device' }],
    checks: [dmaIsVectorHex(0), cacheOps(0, null), bounceBytes(0, null)],
  },
  {
    id: 'V44',
    profile: 'rpi4-soc',
    ops: [{ op: 'map_single', phys: '0x50000000', size: '0x1000', dir: 'to_device' }],
    checks: [
      dmaIsPoolStart(0, (run) => hexTokens(run.vector.expect.dma_addr_or_rule)[0]!),
      cacheOps(0, null),
      bounceBytes(0, null),
    ],
  },
  {
    id: 'V45',
    profile: 'rpi4-pcie',
    overrides: { coherent: true },
    note: 'The vector counts no cache maintenance, so the device is taken as coherent.',
    ops: [
      { op: 'map_single', phys: '0x80000000', size: '0x1000', dir: 'from_device' },
      { op: 'map_single', phys: '0x100000000', size: '0x1000', dir: 'from_device' },
      { op: 'unmap', of: 1 },
    ],
    checks: [
      dmaIsVectorHex(0, 0),
      dmaIsPoolStart(1),
      custom('(b) lands below 1 GiB', (run) => assert.ok(run.results[1]!.dma! < 1n << 30n)),
      bounceBytes(1, 2),
      custom('(a) costs nothing', (run) =>
        assert.deepEqual(run.results[0]!.costs.bounceBytes, { map: 0, unmap: 0, sync: 0 }),
      ),
    ],
  },
  {
    id: 'V46',
    profile: 'keystone',
    ops: [{ op: 'map_single', phys: '0x812345000', size: '0x100', dir: 'to_device' }],
    checks: [dmaIsVectorHex(0), noOtherCosts()],
  },
  {
    id: 'V47',
    profile: 'stm32mp151-mlahb',
    overrides: { coherent: true, arm_lpae: true },
    note: 'The vector counts no cache maintenance, so the device is taken as coherent; and it holds for an LPAE build only: with a 32-bit dma_addr_t, dma_capable refuses every RAM address below phys_to_dma(min_low_pfn), which is DMA_MAPPING_ERROR here because DDR lies in no window (docs/kernel-findings.md).',
    ops: [
      { op: 'map_single', phys: '0x38000100', size: '0x100', dir: 'to_device' },
      { op: 'map_single', phys: '0x10002000', size: '0x100', dir: 'to_device' },
      { op: 'map_single', phys: '0xC0000000', size: '0x100', dir: 'to_device' },
    ],
    checks: [
      dmaIsVectorHex(0, 0),
      dmaIsVectorHex(1, 1),
      custom('third buffer: no window, no pool, overflow WARN', (run) => {
        assert.match(run.vector.expect.dma_addr_or_rule, /DMA_MAPPING_ERROR \(\+ overflow WARN/);
        const result = run.results[2]!;
        assert.equal(result.dma, null);
        const { dmaMask, busDmaLimit } = run.session.dev;
        assert.equal(
          result.error,
          `DMA addr 0xffffffffffffffff+256 overflow (mask ${dmaMask.toString(16)}, bus limit ${busDmaLimit.toString(16)}).`,
        );
      }),
      noOtherCosts(),
    ],
  },
  {
    id: 'V50',
    profile: 'arm64',
    ops: [
      { op: 'map_single', phys: '0x80123450', size: '0x1000', dir: 'to_device' },
      { op: 'unmap', of: 0 },
    ],
    checks: [
      dmaIsVectorHex(0),
      cacheOps(0, 1),
      custom('unmap of DMA_TO_DEVICE invalidates nothing', (run) =>
        assert.deepEqual(run.results[1]!.costs.cacheLines, { clean: 0, invalidate: 0 }),
      ),
    ],
  },
  {
    id: 'V52',
    profile: 'loongson64',
    ops: [{ op: 'map_single', phys: '0x100080000000', size: '0x100', dir: 'to_device' }],
    checks: [dmaIsVectorHex(0), noOtherCosts()],
  },
  {
    id: 'V54',
    profile: 'octeon-pcie',
    ops: [{ op: 'map_single', phys: '0x410002000', size: '0x100', dir: 'to_device' }],
    checks: [dmaIsVectorHex(0), noOtherCosts()],
  },
  {
    id: 'V55',
    profile: 's390-pv',
    note: 'virtqueue_add_outbuf maps the buffer with dma_map_page on the ccw device; the same call is made here directly.',
    ops: [{ op: 'map_page', phys: '0x123456000', size: 4096, dir: 'to_device' }],
    checks: [
      dmaIsPoolStart(0),
      custom('pool slot below 2 GiB', (run) =>
        assert.ok(run.results[0]!.dma! < BigInt(hexTokens(run.vector.expect.dma_addr_or_rule)[0]!)),
      ),
      bounceBytes(0, null),
      noOtherCosts(),
    ],
  },
  {
    id: 'V57',
    profile: 's390-pv',
    ops: [{ op: 'alloc_coherent', size: '0x2000', gfp: 'GFP_KERNEL' }],
    checks: [
      custom('pages below 2 GiB (GFP_DMA from the 31-bit coherent mask)', (run) =>
        assert.ok(run.results[0]!.dma! < 1n << 31n),
      ),
      custom('one uv_set_shared per 4 KiB page', (run) => {
        const count = Number(/(\d+) x uv_set_shared/.exec(run.vector.expect.costs.other.join(' '))![1]);
        const call = run.results[0]!.costs.hypercalls.find((item) => item.name.includes('uv_set_shared'));
        assert.equal(call?.count, count);
      }),
    ],
  },
  {
    id: 'V58',
    profile: 'xen-pv',
    overrides: { xen_p2m: '0x12345=0x9ABCD' },
    ops: [{ op: 'map_single', phys: '0x12345678', size: '0x100', dir: 'to_device' }],
    checks: [dmaIsVectorHex(0), pathIs(0, 'xen-swiotlb', /xen_swiotlb/), noOtherCosts(), bounceBytes(0, null)],
  },
  {
    id: 'V59',
    profile: 'xen-pv',
    overrides: { xen_p2m: '0x12345=0x9ABCD;0x12346=0x40001' },
    ops: [
      { op: 'map_single', phys: '0x12345F00', size: '0x200', dir: 'bidirectional' },
      { op: 'unmap', of: 0 },
    ],
    checks: [
      custom('xen_phys_to_dma of the bounce slot, below 4 GiB', (run) => {
        assert.match(run.vector.expect.dma_addr_or_rule, /xen_phys_to_dma\(bounce\)/);
        // The pool pages are not in the p2m parameter, so their machine frames equal their pfns.
        assert.equal(run.results[0]!.dma, run.session.params.swiotlb_start);
        assert.ok(run.results[0]!.dma! < 1n << 32n);
      }),
      bounceBytes(0, 1),
    ],
  },
  {
    id: 'V60',
    profile: 'xen-grant',
    ops: [
      { op: 'map_page', phys: '0x12345234', size: '0x1800', dir: 'to_device' },
      { op: 'unmap', of: 0 },
    ],
    checks: [
      dmaIsVectorHex(0, 1),
      custom('two read-only grant entries, two end-access at unmap, no hypercall', (run) => {
        assert.ok(run.results[0]!.costs.other.some((text) => text.includes('2 grant entries written (readonly)')));
        assert.ok(run.results[1]!.costs.other.some((text) => text.includes('2 gnttab_end_foreign_access_ref')));
      }),
      noOtherCosts(),
    ],
  },
  {
    id: 'V72',
    profile: 'arm64',
    overrides: { kmalloc_bounce: true },
    note: 'kmalloc_bounce models v6.5+; the 96-byte kmalloc object sits at an arbitrary linear-map address.',
    ops: [
      { op: 'map_single', phys: '0x80001040', size: 70, dir: 'from_device' },
      { op: 'unmap', of: 0 },
    ],
    checks: [
      custom('bounced into a swiotlb slot', (run) => {
        assert.match(run.vector.expect.dma_addr_or_rule, /swiotlb slot/);
        assert.equal(run.results[0]!.path, 'swiotlb');
        assert.equal(run.results[0]!.dma, run.session.params.swiotlb_start);
      }),
      bounceBytes(0, 1),
      custom('6.1 (no kmalloc_bounce) does not bounce', () => {
        const result = createSession('arm64').run(
          parseRequest({ op: 'map_single', phys: '0x80001040', size: 70, dir: 'from_device' }),
        );
        assert.equal(result.path, 'dma-direct');
      }),
    ],
  },
];
