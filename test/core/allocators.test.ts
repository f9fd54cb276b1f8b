// Allocator rules with numbers derived from the spec text: IOVA top-down size alignment (§3.2), VT-d
// address masks (§3.3), swiotlb slots, strides and segments (§2.1, §2.2), zones (§1.7), dma_pool (§7.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSession, type OpResult, type Request } from '@dmalens/core';
import { IovaDomain } from '../../core/src/iommu/iova';
import { maxMappingSize } from '../../core/src/dma/max-mapping';
import { vtdAddressMask } from '../../core/src/iommu/flush';

const S = 0xbbf00000n;
const SLOT = 0x800n;

function run(profile: string, overrides: Record<string, unknown>, requests: Request[]): OpResult[] {
  const session = createSession(profile, overrides);
  return requests.map((request) => session.run(request));
}

function map(phys: bigint, size: bigint, dir: 'to_device' | 'from_device' | 'bidirectional' = 'to_device'): Request {
  return { op: 'map_single', phys, size, dir };
}

test('IOVA: the first allocation of n granules in a fresh 32-bit space is (0x100000 - 2^k) << 12 (§3.2)', () => {
  for (const [pages, expected] of [
    [1n, 0xfffff000n],
    [2n, 0xffffe000n],
    [3n, 0xffffc000n],
  ] as const) {
    const domain = new IovaDomain(1n, 0x100000n);
    const got = domain.allocFast(pages, 0xfffffn, true, 0);
    assert.equal(got!.pfn << 12n, expected, `${pages} page(s)`);
  }
});

test('IOVA: later allocations continue downward below the lowest cached node, leaving alignment gaps', () => {
  const domain = new IovaDomain(1n, 0x100000n);
  assert.equal(domain.allocFast(1n, 0xfffffn, true, 0)!.pfn, 0xfffffn);
  // Two pages must be 2-aligned below 0xFFFFF: 0xFFFFD is odd, so 0xFFFFC; 0xFFFFE stays a gap.
  assert.equal(domain.allocFast(2n, 0xfffffn, true, 0)!.pfn, 0xffffcn);
  assert.equal(domain.allocFast(1n, 0xfffffn, true, 0)!.pfn, 0xffffbn);
});

test('IOVA: page 0 is never allocated (start_pfn 1) and a full space fails', () => {
  const domain = new IovaDomain(1n, 0x100000n);
  for (let pfn = 7n; pfn >= 1n; pfn--) assert.equal(domain.allocFast(1n, 7n, true, 0)!.pfn, pfn);
  assert.equal(domain.allocFast(1n, 7n, true, 0), null);
});

test('IOVA: freed ranges come back LIFO from the rcache of the same order (§3.2)', () => {
  const domain = new IovaDomain(1n, 0x100000n);
  const a = domain.allocFast(2n, 0xfffffn, true, 0)!.pfn;
  const b = domain.allocFast(2n, 0xfffffn, true, 0)!.pfn;
  domain.freeFast(a, 2n, 0);
  domain.freeFast(b, 2n, 0);
  assert.equal(domain.allocFast(2n, 0xfffffn, true, 0)!.pfn, b);
  assert.equal(domain.allocFast(2n, 0xfffffn, true, 0)!.pfn, a);
});

test('dma-iommu: the VT-d MSI window 0xFEE00000-0xFEEFFFFF is never handed out (§3.1)', () => {
  const requests = Array.from({ length: 18 }, (_unused, i) => map(0x100000000n + BigInt(i) * 0x100000n, 0x100000n));
  const results = run('x86_64-vtd', {}, requests);
  // 1 MiB maps walk down from 0xFFF00000; the 18th would be 0xFEE00000.
  assert.equal(results[16]!.dma, 0xfef00000n);
  assert.equal(results[17]!.dma, 0xfed00000n);
});

test('dma-iommu: a device limited to 32 bits never gets the SAC retry above 4 GiB; forcedac skips the 32-bit attempt', () => {
  assert.equal(run('x86_64-vtd', { dma_mask: 32 }, [map(0x123456000n, 0x1000n)])[0]!.dma, 0xfffff000n);
  assert.equal(
    run('x86_64-vtd', { forcedac: true, aperture_bits: 39 }, [map(0x123456000n, 0x1000n)])[0]!.dma,
    0x7ffffff000n,
  );
});

test('VT-d strict: PSI address mask am = ilog2(roundup_pow_of_two(pages)) (§3.3)', () => {
  for (const [size, am] of [
    [0x1000n, 0],
    [0x3000n, 2],
    [0x5000n, 3],
  ] as const) {
    const [mapped, unmapped] = run('x86_64-vtd', { iommu_mode: 'strict' }, [
      map(0x123456000n, size),
      { op: 'unmap', of: 0 },
    ]);
    const flush = unmapped!.costs.iotlbFlushes.find((item) => item.kind === 'PSI');
    assert.equal(flush?.am, am, `${size} bytes`);
    assert.equal(flush?.addr, mapped!.dma);
  }
});

test('VT-d PSI: an unaligned first pfn widens am to the lowest bit its first and last pfn share (§3.3, iommu_flush_iotlb_psi)', () => {
  // pfn 3, 2 pages: 3 ^ 4 = 0b111, so bit 3 is the lowest shared bit above the 1-bit mask: am 3 covers pfns 0..7.
  assert.equal(vtdAddressMask(3n, 2n), 3);
  // pfn 5, 3 pages (mask 0b11): 5 ^ 7 = 0b010, lowest shared bit above the mask is bit 2: am 2 covers 4..7.
  assert.equal(vtdAddressMask(5n, 3n), 2);
  // An aligned pfn keeps ilog2(roundup_pow_of_two(pages)).
  assert.equal(vtdAddressMask(8n, 3n), 2);
  // No shared bit at all: BITS_PER_LONG.
  assert.equal(vtdAddressMask((1n << 64n) - 1n, 2n), 64);
});

test('VT-d caching mode with ATS: the map flush skips the device IOTLB, the unmap flush does not (iommu_flush_iotlb_psi)', () => {
  const [mapped, unmapped] = run('x86_64-vtd', { caching_mode: true, ats: true }, [
    map(0x123456000n, 0x1000n),
    { op: 'unmap', of: 0 },
  ]);
  assert.deepEqual(
    mapped!.costs.iotlbFlushes.map((item) => item.kind),
    ['PSI'],
  );
  assert.deepEqual(
    unmapped!.costs.iotlbFlushes.map((item) => item.kind),
    ['PSI', 'devTLB'],
  );
});

test('dma-iommu lazy: the flush queue holds 255 IOVAs, the 256th unmap flushes the domain at once', () => {
  const session = createSession('x86_64-vtd');
  const results: OpResult[] = [];
  for (let i = 0; i < 256; i++) {
    session.run(map(0x100000000n + BigInt(i) * 0x1000n, 0x1000n));
    results.push(session.run({ op: 'unmap', of: 2 * i }));
  }
  // The first unmap arms the flush timer; later ones ride on that pending flush until the ring is full.
  assert.deepEqual(
    results[0]!.costs.iotlbFlushes.map((item) => item.when),
    ['deferred'],
  );
  assert.deepEqual(results[254]!.costs.iotlbFlushes, []);
  assert.deepEqual(
    results[255]!.costs.iotlbFlushes.map((item) => item.when),
    ['unmap'],
  );
});

test('dma-iommu map_sg: one IOVA range; granule-aligned neighbours merge into one segment (§3.2)', () => {
  const [result] = run('x86_64-vtd', {}, [
    {
      op: 'map_sg',
      entries: [
        { phys: 0x123450000n, size: 0x1000n },
        { phys: 0x200000000n, size: 0x1000n },
        { phys: 0x300000100n, size: 0x100n },
      ],
      dir: 'to_device',
    },
  ]);
  const segments = result!.details!.segments as { dma: bigint; len: bigint }[];
  // Three entries need 3 granules, rounded up to a 4-granule allocation at 0xFFFFC000.
  assert.deepEqual(segments, [
    { dma: 0xffffc000n, len: 0x2000n },
    { dma: 0xffffe100n, len: 0x100n },
  ]);
});

test('untrusted device: a sub-granule buffer bounces into a granule-aligned slot (§3.4)', () => {
  const [result] = run('x86_64-vtd', { untrusted: true }, [map(0x123456234n, 0x100n)]);
  assert.equal(result!.path, 'dma-iommu-bounce');
  assert.equal(result!.dma, 0xfffff000n);
  assert.equal(result!.costs.bounceBytes.map, 0x100);
});

test('swiotlb: sub-page maps take one slot each; the next map on the same CPU follows (next-fit)', () => {
  const results = run('x86_64', { dma_mask: 32 }, [map(0x123456789n, 0x200n), map(0x123457000n, 0x200n)]);
  assert.equal(results[0]!.dma, S);
  assert.equal(results[1]!.dma, S + SLOT);
});

test('swiotlb: min_align_mask 0xFFF keeps orig & 0x7FF and steps by 4 slots for page-sized maps (§10 derivation)', () => {
  const session = createSession('x86_64', { dma_mask: 32, min_align_mask: '0xfff' });
  const first = session.run(map(0x123456789n, 0x2000n));
  // offset 0x789; nslots = ceil(0x2789 / 0x800) = 5; slot 0 matches orig bit 11 (0).
  assert.equal(first.dma, S + 0x789n);
  assert.match(session.fingerprint(), /swiotlb:0\+5/);
  // orig bit 11 set: the slot must be odd, so slot 1 of a fresh pool.
  const second = createSession('x86_64', { dma_mask: 32, min_align_mask: '0xfff' }).run(map(0x123456a00n, 0x200n));
  assert.equal(second.dma, S + SLOT + 0x200n);
});

test('swiotlb: no allocation crosses a 128-slot segment', () => {
  const results = run('x86_64', { dma_mask: 32 }, [map(0x140000000n, 100n * SLOT), map(0x150000000n, 50n * SLOT)]);
  assert.equal(results[0]!.dma, S);
  assert.equal(results[1]!.dma, S + 128n * SLOT);
});

test('swiotlb: 256 KiB is the largest mapping; one byte more is "buffer is full"', () => {
  const [ok, full] = run('x86_64', { swiotlb_force: true }, [map(0x140000000n, 0x40000n), map(0x150000000n, 0x40001n)]);
  assert.equal(ok!.dma, S);
  assert.equal(full!.error, 'swiotlb buffer is full (sz: 262145 bytes), total 32768 (slots), used 128 (slots)');
});

test('swiotlb: areas are per CPU: the first map on CPU 1 starts in area 1 (§2.2)', () => {
  const session = createSession('x86_64', { dma_mask: 32, nareas: 4 });
  const result = session.run({ op: 'map_single', phys: 0x123456000n, size: 0x200n, dir: 'to_device', cpu: 1 });
  assert.equal(result.dma, S + (32768n / 4n) * SLOT);
});

test('swiotlb: sync copies per direction (§2.3)', () => {
  const session = createSession('x86_64', { dma_mask: 32 });
  session.run(map(0x123456000n, 0x300n, 'from_device'));
  assert.equal(session.run({ op: 'sync_for_cpu', of: 0 }).costs.bounceBytes.sync, 0x300);
  assert.equal(session.run({ op: 'sync_for_device', of: 0 }).costs.bounceBytes.sync, 0);
  session.run(map(0x123457000n, 0x300n, 'to_device'));
  assert.equal(session.run({ op: 'sync_for_cpu', of: 3 }).costs.bounceBytes.sync, 0);
  assert.equal(session.run({ op: 'sync_for_device', of: 3 }).costs.bounceBytes.sync, 0x300);
});

test('SEV: the pool is clamp(6% of RAM, 64 MiB, 1 GiB) (§2.1), in whole 128-slot segments (swiotlb_adjust_size)', () => {
  const segments = (bytes: bigint) => (((bytes + 2047n) / 2048n + 127n) / 128n) * 128n;
  for (const [ram, slots] of [
    ['8G', segments(((8n << 30n) * 6n) / 100n)],
    ['512M', segments(64n << 20n)],
    ['64G', segments(1n << 30n)],
  ] as const) {
    const result = createSession('x86_64-sev-guest', { ram }).run(map(0x10000000n, 0x40001n));
    assert.match(result.error ?? '', new RegExp(`total ${slots} \\(slots\\)`), `ram ${ram}`);
  }
});

test('coherent allocations: the zone follows the coherent mask through dma_range_map (§1.7)', () => {
  const [rpi] = run('rpi4-soc', {}, [{ op: 'alloc_coherent', size: 0x2000n }]);
  const phys = rpi!.details!.cpu_addr_phys as bigint;
  assert.ok(phys < 1n << 30n, 'ZONE_DMA (30 bits) on RPi4');
  assert.equal(rpi!.dma, phys + 0xc0000000n);
  const [narrow] = run('x86_64', { coherent_mask: 32 }, [{ op: 'alloc_coherent', size: 0x3000n }]);
  assert.ok(narrow!.dma! + 0x3000n <= 0xc0000000n, 'ZONE_DMA32 for a 32-bit coherent mask, below the PCI hole');
  assert.equal(narrow!.dma! % 0x4000n, 0n, 'buddy order alignment');
});

test('SME host: a 32-bit coherent mask gets unencrypted pages without the C-bit; a 64-bit one keeps it', () => {
  const [narrow] = run('x86_64-sme-host', { coherent_mask: 32 }, [{ op: 'alloc_coherent', size: 0x1000n }]);
  assert.equal((narrow!.dma! >> 47n) & 1n, 0n);
  const [wide] = run('x86_64-sme-host', {}, [{ op: 'alloc_coherent', size: 0x1000n }]);
  assert.equal((wide!.dma! >> 47n) & 1n, 1n);
});

test('TDX: one TDVMCALL MAP_GPA per coherent allocation; s390 PV one UV call per page (§1.7)', () => {
  const [tdx] = run('x86_64-tdx-guest', {}, [{ op: 'alloc_coherent', size: 0x4000n }]);
  assert.deepEqual(
    tdx!.costs.hypercalls.map((call) => [call.name, call.count]),
    [['TDVMCALL_MAP_GPA', 1]],
  );
  const [pv] = run('s390-pv', {}, [{ op: 'alloc_coherent', size: 0x4000n }]);
  assert.equal(pv!.costs.hypercalls[0]!.count, 4);
});

test('dma_pool: blocks follow each other and never straddle the boundary (§7.2)', () => {
  const session = createSession('x86_64');
  session.run({ op: 'dma_pool_create', size: 0x30n, align: 0x10n, boundary: 0x80n });
  const blocks = [1, 2, 3, 4].map(() => session.run({ op: 'dma_pool_alloc', of: 0 }).dma!);
  const base = blocks[0]!;
  // 0x30-byte blocks: 0x00, 0x30, then 0x60 would cross 0x80, so the third starts at 0x80.
  assert.deepEqual(
    blocks.map((dma) => dma - base),
    [0n, 0x30n, 0x80n, 0xb0n],
  );
});

test('dma_pool 6.1: a block that would end exactly on the boundary is skipped (pool_initialise_page uses >=)', () => {
  // 64-byte blocks, default boundary = allocation = 4096: the chain 0, 64, ..., 3968 jumps to 4096 because
  // 4032 + 64 >= 4096, so 63 blocks per page and the 64th alloc opens a second page.
  const session = createSession('x86_64');
  session.run({ op: 'dma_pool_create', size: 64n });
  const blocks = Array.from({ length: 64 }, () => session.run({ op: 'dma_pool_alloc', of: 0 }).dma!);
  assert.equal(blocks[62]! - blocks[0]!, 3968n);
  assert.notEqual(blocks[63]! - blocks[0]!, 4032n);
  assert.equal(blocks[63]! % 4096n, 0n);
  // 512-byte blocks with boundary 2048: 1536 + 512 >= 2048 jumps, so offsets 0, 512, 1024, then 2048, 2560, 3072.
  const bounded = createSession('x86_64');
  bounded.run({ op: 'dma_pool_create', size: 512n, boundary: 2048n });
  const offsets = Array.from({ length: 6 }, () => bounded.run({ op: 'dma_pool_alloc', of: 0 }).dma!);
  assert.deepEqual(
    offsets.map((dma) => dma - offsets[0]!),
    [0n, 512n, 1024n, 2048n, 2560n, 3072n],
  );
});

test('dma_pool_create: size 0 returns NULL', () => {
  const session = createSession('x86_64');
  assert.match(session.run({ op: 'dma_pool_create', size: 0n }).error ?? '', /size 0/);
});

test('dma_set_mask: dma_direct_supported refuses masks below the lowest zone (§1.7)', () => {
  const session = createSession('x86_64');
  assert.equal(session.run({ op: 'set_mask', mask: 0xffffffn }).error, null);
  assert.match(session.run({ op: 'set_mask', mask: 0xfffffn }).error ?? '', /^-EIO/);
});

test('arm64 non-coherent: map cleans even for FROM_DEVICE, unmap invalidates (§1.5)', () => {
  // (ALIGN(0x80000050 + 0x80, 64) - ALIGN_DOWN(0x80000050, 64)) / 64 = (0x80000100 - 0x80000040) / 64 = 3 lines.
  const [mapped, unmapped] = run('arm64', {}, [map(0x80000050n, 0x80n, 'from_device'), { op: 'unmap', of: 0 }]);
  assert.deepEqual(mapped!.costs.cacheLines, { clean: 3, invalidate: 0 });
  // arch/arm64/mm/cache.S:dcache_inval_poc cleans and invalidates (dc civac) the partly covered first and last
  // lines, and only invalidates (dc ivac) the one between them.
  assert.deepEqual(unmapped!.costs.cacheLines, { clean: 2, invalidate: 3 });
});

test('cache edges: a line-aligned buffer is only invalidated; ARMv7 cleans a partial edge line too (v7_dma_inv_range)', () => {
  const [, aligned] = run('arm64', {}, [map(0x80000040n, 0x80n, 'from_device'), { op: 'unmap', of: 0 }]);
  assert.deepEqual(aligned!.costs.cacheLines, { clean: 0, invalidate: 2 });
  const [inside] = run('rpi2-3', {}, [map(0x01000010n, 0x20n, 'from_device')]);
  assert.deepEqual(inside!.costs.cacheLines, { clean: 1, invalidate: 1 }, 'both edges in one line');
  const [tail] = run('rpi2-3', {}, [map(0x01000000n, 0x90n, 'from_device')]);
  assert.deepEqual(tail!.costs.cacheLines, { clean: 1, invalidate: 3 });
});

test('arm32 invalidates on map for FROM_DEVICE and cleans for TO_DEVICE (§1.5, §11.10)', () => {
  const [from] = run('rpi2-3', {}, [map(0x01000000n, 0x100n, 'from_device')]);
  assert.deepEqual(from!.costs.cacheLines, { clean: 0, invalidate: 4 });
  const [to] = run('rpi2-3', {}, [map(0x01000000n, 0x100n, 'to_device')]);
  assert.deepEqual(to!.costs.cacheLines, { clean: 4, invalidate: 0 });
});

test("swiotlb_max_mapping_size: 262144, or 258048 with NVMe's min_align_mask 0xFFF (§2.2)", () => {
  assert.equal(maxMappingSize(createSession('x86_64', { swiotlb_force: true })), 262144n);
  assert.equal(maxMappingSize(createSession('x86_64', { swiotlb_force: true, min_align_mask: '0xfff' })), 258048n);
  // A 64-bit device that reaches all RAM is not addressing-limited: no swiotlb cap.
  assert.equal(maxMappingSize(createSession('x86_64')), (1n << 64n) - 1n);
  assert.equal(maxMappingSize(createSession('x86_64', { dma_mask: 32 })), 262144n);
});

test('swiotlb: nslabs is rounded to whole segments, and to a power of two with several areas (swiotlb_adjust_nareas)', () => {
  const total = (overrides: Record<string, unknown>) =>
    createSession('x86_64', { swiotlb_force: true, ...overrides }).run(map(0x10000000n, 0x40001n)).error;
  assert.match(total({ swiotlb_slots: 1000 }) ?? '', /total 1024 \(slots\)/);
  assert.match(total({ swiotlb_slots: 1100, nareas: 2 }) ?? '', /total 2048 \(slots\)/);
});

test('dma-direct map_sg: a failing entry unmaps the earlier ones and the call returns -EIO (§1.4)', () => {
  const session = createSession('x86_64', { dma_mask: 32 });
  const before = session.fingerprint();
  const result = session.run({
    op: 'map_sg',
    entries: [
      { phys: 0x123456000n, size: 0x1000n },
      { phys: 0x140000000n, size: 0x40001n },
    ],
    dir: 'to_device',
  });
  assert.equal(result.dma, null);
  assert.equal(result.details!.errno, -5);
  assert.match(result.error ?? '', /^swiotlb buffer is full/);
  assert.equal(session.fingerprint(), before, "the first entry's bounce slot was released");
});

test('dma_map_resource: MMIO is not translated on dma-direct, gets an IOVA behind an IOMMU, and RAM is refused (§1.1)', () => {
  const [direct] = run('rpi2-3', {}, [{ op: 'map_resource', phys: 0x3f007000n, size: 0x100n, dir: 'to_device' }]);
  assert.equal(direct!.dma, 0x3f007000n, 'no dma-ranges translation for resources');
  const [iommu] = run('x86_64-vtd', {}, [{ op: 'map_resource', phys: 0xfed00100n, size: 0x100n, dir: 'to_device' }]);
  assert.equal(iommu!.dma, 0xfffff100n);
  const [ram] = run('x86_64', {}, [{ op: 'map_resource', phys: 0x10000000n, size: 0x100n, dir: 'to_device' }]);
  assert.equal(ram!.dma, null);
  assert.match(ram!.error ?? '', /pfn_valid/);
});

test('x86: RAM under the PCI hole is remapped above 4 GiB, so 3.5 GiB of RAM already activates swiotlb (§1.6)', () => {
  const [bounced] = run('x86_64', { ram: '3584M', dma_mask: 32 }, [map(0x100000000n, 0x100n)]);
  assert.equal(bounced!.path, 'swiotlb');
  const [direct] = run('x86_64', { ram: '3G', dma_mask: 32 }, [map(0x80000000n, 0x100n)]);
  assert.equal(direct!.path, 'dma-direct');
});

test('swiotlb: a zero-length bounce is the kernel BUG_ON(!nslots), and leaves the pool untouched', () => {
  const session = createSession('x86_64', { swiotlb_force: true });
  const result = session.run(map(0x123456000n, 0n));
  assert.match(result.error ?? '', /BUG_ON\(!nslots\)/);
  assert.equal(session.fingerprint(), '');
});

test('AMD-Vi reserves the HyperTransport window: a 40-bit forcedac device allocates below 0xFD_0000_0000 (§3.1)', () => {
  const [result] = run('x86_64-vtd', { iommu_kind: 'amd', forcedac: true, dma_mask: 40 }, [map(0x123456000n, 0x1000n)]);
  assert.equal(result!.dma, 0xfcfffff000n);
});

test('swiotlb_bounce bounds checks: a sync past the mapping is truncated with the kernel warning (§2.3)', () => {
  const session = createSession('x86_64', { dma_mask: 32 });
  session.run(map(0x123456000n, 0x200n, 'from_device'));
  const sync = session.run({ op: 'sync_for_cpu', of: 0, size: 0x300n });
  assert.equal(sync.costs.bounceBytes.sync, 0x200);
  assert.ok(
    sync.costs.other.includes('dev_WARN_ONCE "Buffer overflow detected. Allocation size: 512. Mapping size: 768."'),
  );
  const ranged = session.run({ op: 'sync_for_cpu', of: 0, offset: 0x100n, size: 0x80n });
  assert.equal(ranged.costs.bounceBytes.sync, 0x80);
});

test('xen-swiotlb coherent: 2^order pages, exchanged when the first machine frame is not aligned to the block (range_requires_alignment)', () => {
  const [probe] = run('xen-pv', {}, [{ op: 'alloc_coherent', size: 0x2000n }]);
  const pfn = probe!.dma! >> 12n;
  const exchanges = (p2m: Record<string, string>): number => {
    const [result] = run('xen-pv', { xen_p2m: p2m }, [{ op: 'alloc_coherent', size: 0x2000n }]);
    return result!.costs.hypercalls.filter((call) => call.name.includes('XENMEM_exchange')).length;
  };
  // Contiguous machine frames starting on an 8 KiB boundary: used as they are.
  assert.equal(exchanges({ [`0x${pfn.toString(16)}`]: '0x100', [`0x${(pfn + 1n).toString(16)}`]: '0x101' }), 0);
  // Contiguous but starting on an odd frame: the 8 KiB block is not naturally aligned in machine space.
  assert.equal(exchanges({ [`0x${pfn.toString(16)}`]: '0x101', [`0x${(pfn + 1n).toString(16)}`]: '0x102' }), 1);
  // Discontiguous frames: range_straddles_page_boundary.
  assert.equal(exchanges({ [`0x${pfn.toString(16)}`]: '0x100', [`0x${(pfn + 1n).toString(16)}`]: '0x200' }), 1);
});

test('SME host: a bounce prints "Memory encryption is active" too (cc_platform_has(CC_ATTR_MEM_ENCRYPT) = sme_me_mask)', () => {
  // A 32-bit device cannot reach the C-bit (bit 47) address, so the map bounces through swiotlb.
  const [bounced] = run('x86_64-sme-host', { dma_mask: 32 }, [map(0x10000000n, 0x100n)]);
  assert.equal(bounced!.path, 'swiotlb');
  assert.ok(bounced!.costs.other.some((note) => note.includes('Memory encryption is active')));
});

test('arm64 max_zone_phys: DRAM starting above 4 GiB makes the DMA zone cover all RAM, so no bounce pool exists (swiotlb_init)', () => {
  const high = { ram_base: '0x880000000', ram: '8G', dma_mask: 32 };
  const [noPool] = run('arm64', high, [map(0x900000000n, 0x100n)]);
  assert.equal(noPool!.dma, null);
  assert.match(noPool!.error ?? '', /^DMA addr 0x0000000900000000\+256 overflow/);
  assert.equal(noPool!.costs.bounceBytes.map, 0);
  // DRAM at 1 GiB, 4 GiB of it: the zone ends at 4 GiB, RAM goes beyond, so the pool exists and the map bounces.
  const [bounced] = run('arm64', { ram_base: '0x40000000', ram: '4G', dma_mask: 32 }, [map(0x120000000n, 0x100n)]);
  assert.equal(bounced!.path, 'swiotlb');
});
