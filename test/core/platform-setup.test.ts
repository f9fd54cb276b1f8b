// Platform-setup conditions that decide which path a device gets, each written from the 6.1 function that
// decides it (issue 10's audit of the source).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSession } from '@dmalens/core';

const map = { op: 'map_single', phys: 0x1000_0000n, size: 0x1000n, dir: 'to_device' } as const;

// drivers/iommu/amd/iommu.c:amd_iommu_domain_alloc sets aperture_end = dma_max_address(): ~0ULL with the default
// v1 page table (48 bits with v2). VT-d's aperture is __DOMAIN_MAX_ADDR(gaw), 48 bits for a 4-level table.
test('the IOMMU kind decides the default aperture: AMD-Vi v1 64 bits, VT-d 48', () => {
  const mask = (1n << 64n) - 1n;
  const mapAbove4G = (overrides: Record<string, unknown>) => {
    const session = createSession('x86_64-vtd', { forcedac: true, ...overrides });
    session.run({ op: 'set_mask', mask });
    return session.run({ op: 'map_page', phys: 0x1000_0000n, size: 0x1000n, dir: 'to_device' }).dma!;
  };
  assert.equal(mapAbove4G({}), (1n << 48n) - 0x1000n, 'VT-d: top-down from 2^48');
  assert.equal(mapAbove4G({ iommu_kind: 'amd' }), mask - 0xfffn, 'AMD-Vi v1: top-down from 2^64');
  assert.equal(mapAbove4G({ iommu_kind: 'amd', aperture_bits: 48 }), (1n << 48n) - 0x1000n, 'v2 page table');
});

// arch/powerpc/sysdev/dart_iommu.c:dart_init returns -ENODEV with iommu=off, and when memblock_end_of_DRAM()
// is at most 1 GiB unless iommu=on: iommu_init_early_dart then installs nothing and PCI devices keep
// dma-direct.
test('DART: dart_init declines with 1 GiB of RAM or iommu=off; iommu=on or more RAM brings the DART', () => {
  const pathOf = (overrides: Record<string, unknown>) => {
    const result = createSession('dart-u3', overrides).run(map);
    return `${result.path} ${result.dma?.toString(16)}`;
  };
  assert.equal(pathOf({ ram: '1G' }), 'dma-direct 10000000');
  assert.equal(pathOf({ ram: '1G', dart_iommu: 'on' }).split(' ')[0], 'dart');
  assert.equal(pathOf({ ram: '2G' }).split(' ')[0], 'dart');
  assert.equal(pathOf({ ram: '2G', dart_iommu: 'off' }), 'dma-direct 10000000');
  const declined = createSession('dart-u3', { ram: '1G' }).setupResult.stages.find((stage) => stage.fn === 'dart_init');
  assert.match(declined!.note, /-ENODEV/);
});

// arch/arm/mm/init.c:mem_init calls swiotlb_init(max_pfn > arm_dma_pfn_limit) only under CONFIG_ARM_LPAE,
// so an LPAE kernel with RAM past 4 GiB bounces a buffer its device cannot reach; without LPAE there is no
// pool and dma_addr_t is 32 bits (include/linux/dma-direct.h:dma_capable refuses a RAM address that wrapped
// below phys_to_dma(min_low_pfn)).
test('ARM LPAE: RAM past 4 GiB brings the swiotlb pool, so a buffer above the mask bounces instead of failing', () => {
  const board = { arch_dma: 'arm', ram_base: '0x80000000', ram: '4G', dma_mask: 32, swiotlb_start: '0xbc000000' };
  const high = { op: 'map_single', phys: 0x1_2000_0000n, size: 0x1000n, dir: 'to_device' } as const;
  const lpae = createSession('rpi2-3', { ...board, dma_windows: [], bus_dma_limit: 0, arm_lpae: true }).run(high);
  assert.equal(lpae.path, 'swiotlb');
  assert.equal(lpae.dma, 0xbc00_0000n);
  const smallLpae = createSession('rpi2-3', { arm_lpae: true, dma_mask: 30 }).run(map);
  assert.equal(smallLpae.dma, null, 'RAM below 4 GiB: no pool, the map fails');
});

test('ARM without LPAE: dma_addr_t wraps at 4 GiB and dma_capable refuses the wrapped RAM address', () => {
  // 2 GiB of RAM shown at bus 0xC000_0000: phys 0x5000_0000 is bus 0x1_1000_0000, which wraps to 0x1000_0000.
  const board = { ram: '2G', dma_windows: '0x0:0xc0000000:0x80000000', bus_dma_limit: 0, dma_mask: 32 };
  const beyond = { op: 'map_single', phys: 0x5000_0000n, size: 0x1000n, dir: 'to_device' } as const;
  const wrapped = createSession('rpi2-3', board).run(beyond);
  assert.equal(wrapped.dma, null);
  assert.equal(wrapped.stages.find((stage) => stage.fn === 'phys_to_dma')?.out, 0x1000_0000n);
  const lpae = createSession('rpi2-3', { ...board, arm_lpae: true }).run(beyond);
  assert.equal(lpae.stages.find((stage) => stage.fn === 'phys_to_dma')?.out, 0x1_1000_0000n);
  assert.equal(lpae.dma, null, 'beyond the 32-bit mask, and no pool without RAM past 4 GiB');
  assert.equal(createSession('rpi2-3', board).run(map).dma, 0x1000_0000n + 0xc000_0000n);
  const keystone = createSession('keystone').run({ ...map, phys: 0x8_1000_0000n });
  assert.equal(keystone.dma, 0x9000_0000n, 'an LPAE board keeps 64-bit arithmetic until the window');
});

// arch/mips/cavium-octeon/dma-octeon.c:plat_swiotlb_setup always calls swiotlb_init(true, ...): the pool
// exists on every Octeon, 64 MiB when memory reaches past the BAR1 hole, else swiotlb_adjust_size(PAGE_SIZE),
// one 128-slot segment. A buffer the device cannot reach therefore bounces instead of failing.
test('Octeon: the pool always exists, one segment on a small machine and 64 MiB past the BAR1 hole', () => {
  const small = createSession('octeon-pcie2', { dma_mask: 32 });
  const setup = small.setupResult.stages.find((stage) => stage.fn === 'swiotlb_init_remap');
  assert.match(setup!.note, /128 slots/);
  assert.ok(setup!.out! < 0x1000_0000n, 'placed inside the 256 MiB of RAM');
  const bounced = small.run({ op: 'map_single', phys: 0x1_2000_0000n, size: 0x100n, dir: 'to_device' });
  assert.equal(bounced.path, 'swiotlb');
  const large = createSession('octeon-pcie2', { ram: '4G' }).setupResult.stages.find(
    (stage) => stage.fn === 'swiotlb_init_remap',
  );
  assert.match(large!.note, /32768 slots/);
});

// drivers/xen/grant-dma-ops.c:xen_virtio_restricted_mem_acc (installed on every x86 PV domain by
// xen_pv_init_platform) restricts a virtio device only when xen_grant_init_backend_domid finds a backend: in a
// PV domU that is dom0, and xen_grant_setup_dma_ops switches the device to grant DMA; dom0 gets no backend and
// keeps xen-swiotlb, unrestricted.
test('Xen PV: a domU virtio device needs ACCESS_PLATFORM and maps through grants; dom0 keeps xen-swiotlb', () => {
  const offered = ['VERSION_1', 'ACCESS_PLATFORM'];
  const domU = createSession('xen-pv');
  const negotiated = domU.run({ op: 'virtio_negotiate', offered });
  assert.ok(negotiated.stages.some((stage) => stage.fn === 'xen_grant_setup_dma_ops'));
  const ring = domU.run({ op: 'vring_alloc', num: 64 });
  assert.equal(ring.path, 'xen-grant');
  assert.equal(ring.dma! >> 63n, 1n, 'a grant reference address');
  const plain = createSession('xen-pv').run({ op: 'virtio_negotiate', offered: ['VERSION_1'] });
  assert.equal(plain.path, 'error', 'a domU device without ACCESS_PLATFORM fails to probe');
  const dom0 = createSession('xen-pv', { xen_initial_domain: true });
  const dom0Negotiated = dom0.run({ op: 'virtio_negotiate', offered: ['VERSION_1'] });
  assert.notEqual(dom0Negotiated.path, 'error');
  assert.equal(dom0.run({ op: 'vring_alloc', num: 64 }).path, 'xen-swiotlb');
});

// arch/powerpc/platforms/cell/iommu.c: cell_iommu_init_one passes SPIDER_DMA_OFFSET as the IOPTE offset of a
// Spider bridge's window, so the dynamic window sits at bus base + 2 GiB, and
// arch/powerpc/kernel/dma-iommu.c:dma_iommu_dma_supported refuses a mask that cannot reach it_offset;
// CELL_IOMMU_STRICT_PROTECTION (defined in 6.1) gives each IOPTE only the direction's permission.
test('Cell with the IOMMU on: Spider windows start at bus 2 GiB, small masks are refused, IOPTEs follow the direction', () => {
  const spider = createSession('cell', { cell_iommu: 'on', cell_axon: false });
  const mapped = spider.run({ op: 'map_single', phys: 0x1000_0000n, size: 0x100n, dir: 'to_device' });
  assert.ok(mapped.dma! >= 0x8000_0000n, `Spider bus address ${mapped.dma?.toString(16)}`);
  const refused = spider.run({ op: 'set_mask', mask: 0x7fff_ffffn });
  assert.match(refused.error ?? '', /refused by dma_supported/);
  assert.ok(refused.stages.some((stage) => /it_offset 0x80000 is beyond mask/.test(stage.note)));
  const axon = createSession('cell', { cell_iommu: 'on', cell_axon: true, dma_mask: 32 });
  const axonMapped = axon.run({ op: 'map_single', phys: 0x1000_0000n, size: 0x100n, dir: 'to_device' });
  assert.ok(axonMapped.dma! < 0x8000_0000n);
  const permission = (dir: 'to_device' | 'from_device' | 'bidirectional') => {
    const result = createSession('cell', { cell_iommu: 'on' }).run({
      op: 'map_single',
      phys: 0x1000_0000n,
      size: 0x100n,
      dir,
    });
    return result.stages.find((stage) => stage.fn === 'tce_build_cell')!.out! >> 62n;
  };
  assert.equal(permission('to_device'), 0b01n, 'PP_R only');
  assert.equal(permission('from_device'), 0b10n, 'PP_W only');
  assert.equal(permission('bidirectional'), 0b11n);
});
