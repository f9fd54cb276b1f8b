// The `bus` parameter: which setup path the kernel gives a device depends on its bus. Each expectation
// is read from the 6.1 function named in the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSession, ParamError } from '@dmalens/core';
import { MASK64, mapSingle, setMask } from './powerpc-helpers';

test('ppc32 pcibios_bus_add_device: PCI_DRAM_OFFSET is copied into archdata.dma_offset for PCI devices only', () => {
  // pcibios_bus_add_device runs from pci_bus_add_device: archdata.dma_offset = PCI_DRAM_OFFSET (0x8000_0000 here).
  const pci = createSession('ppc32-pci-dram-offset').run(mapSingle(0x1234000n, 0x100n));
  assert.equal(pci.dma, 0x81234000n);
  // A device the device tree configured never passes through it: dma_offset stays 0, dma = phys.
  const platform = createSession('ppc32-pci-dram-offset', { bus: 'platform' });
  assert.equal(platform.dev.dmaOffset, 0n);
  const result = platform.run(mapSingle(0x1234000n, 0x100n));
  assert.equal(result.dma, 0x1234000n);
  assert.ok(platform.setupResult.stages.some((stage) => stage.fn === 'platform_dma_configure'));
});

test("fsl_pci: the window limit (pci_dma_dev_setup_swiotlb) and fsl_pci_dma_set_mask's offset are PCI-only", () => {
  // setup_pci_atmu: 8 GiB of RAM, outbound windows from 2 GiB, so a PCI device gets bus_dma_limit 0x7fff_ffff
  // and a 64-bit mask moves it to pci64_dma_offset = 2^ceil(log2(8 GiB)) = 0x2_0000_0000.
  const pci = createSession('fsl-pci', { dma_mask: 32 });
  assert.equal(pci.dev.busDmaLimit, 0x7fffffffn);
  assert.equal(pci.run(mapSingle(0x90000000n, 0x100n)).path, 'swiotlb');
  pci.run(setMask(MASK64));
  assert.equal(pci.run(mapSingle(0x90000000n, 0x100n)).dma, 0x290000000n);
  // An eTSEC-style platform device: dma_dev_setup is a PCI controller hook and fsl_pci_dma_set_mask
  // returns early for !dev_is_pci, so there is no limit and no offset.
  const platform = createSession('fsl-pci', { dma_mask: 32, bus: 'platform' });
  assert.equal(platform.dev.busDmaLimit, 0n);
  assert.equal(platform.run(mapSingle(0x90000000n, 0x100n)).dma, 0x90000000n);
  platform.run(setMask(MASK64));
  assert.equal(platform.run(mapSingle(0x90000000n, 0x100n)).dma, 0x90000000n);
});

test('pseries vio_register_device_node: a VIO device maps through its own window, a hypercall per map, never DDW', () => {
  const session = createSession('pseries', { bus: 'vio' });
  // vio_register_device_node sets both masks to DMA_BIT_MASK(64), yet dma_iommu_dma_supported offers
  // bypass only when dev_is_pci: no dynamic window, so no setup hypercalls at all.
  assert.equal(session.dev.dmaMask, MASK64);
  assert.deepEqual(session.setupResult.costs.hypercalls, []);
  assert.ok(session.setupResult.stages.some((stage) => stage.fn === 'vio_register_device_node'));
  assert.equal(session.dev.dmaOps, 'dma_iommu_ops');
  // vio_build_iommu_table: it_offset 0 and entry 0 reserved by iommu_init_table, so the first 4 KiB TCE
  // is entry 1: dma = 0x1000 | (phys & 0xfff). One TCE: one H_PUT_TCE.
  const map = session.run(mapSingle(0x12345678n, 0x100n));
  assert.equal(map.path, 'ppc-tce');
  assert.equal(map.dma, 0x1678n);
  assert.deepEqual(
    map.costs.hypercalls.map((call) => [call.name, call.count]),
    [['H_PUT_TCE', 1]],
  );
  // A 64-bit dma_set_mask does not change that (the PCI device of the same profile would get DDW).
  const widen = session.run(setMask(MASK64));
  assert.deepEqual(widen.costs.hypercalls, []);
  assert.equal(session.run(mapSingle(0x22345000n, 0x1000n)).path, 'ppc-tce');
  const pciWiden = createSession('pseries', { dma_mask: 32 }).run(setMask(MASK64));
  assert.ok(pciWiden.costs.hypercalls.length > 0);
});

test('pseries vio_dma_mapping_ops: with CMO every map is charged to the entitlement first (vio_cmo_alloc)', () => {
  // VIO_CMO_MIN_ENT = 1562624 bytes of entitlement and no excess: a 1 MiB map fits, a second does not.
  const session = createSession('pseries', { bus: 'vio', vio_cmo: true });
  assert.equal(session.dev.dmaOps, 'vio_dma_mapping_ops');
  const first = session.run({ op: 'map_single', phys: 0x1000000n, size: 0x100000n, dir: 'to_device' });
  assert.equal(first.error, null);
  const second = session.run({ op: 'map_single', phys: 0x2000000n, size: 0x100000n, dir: 'to_device' });
  assert.equal(second.dma, null);
  assert.match(second.error ?? '', /vio_cmo_alloc/);
  // The failure happens before any TCE is written: no hypercall.
  assert.deepEqual(second.costs.hypercalls, []);
  // vio_cmo_dealloc on unmap gives the entitlement back.
  session.run({ op: 'unmap', of: 0 });
  assert.equal(session.run({ op: 'map_single', phys: 0x2000000n, size: 0x100000n, dir: 'to_device' }).error, null);
});

test('bus values that do not exist on the platform are refused with the reason', () => {
  assert.throws(() => createSession('x86_64', { bus: 'vio' }), ParamError);
  assert.throws(() => createSession('powernv', { bus: 'vio' }), /only on pseries/);
  assert.throws(() => createSession('pseries', { bus: 'ccw' }), /arch_dma=s390/);
  assert.throws(() => createSession('x86_64', { bus: 'usb' }), /expected one of pci, platform, vio, ccw/);
});

test('dma-iommu iommu_dma_alloc_iova: only PCI devices get the 32-bit-first attempt (dev_is_pci)', () => {
  // A 64-bit mask on a 48-bit aperture: the PCI device's first IOVA is just below 4 GiB, a platform
  // device's just below 2^48.
  const pci = createSession('x86_64-vtd').run(mapSingle(0x12345000n, 0x1000n));
  assert.equal(pci.dma, 0xfffff000n);
  const platform = createSession('x86_64-vtd', { bus: 'platform' }).run(mapSingle(0x12345000n, 0x1000n));
  assert.equal(platform.dma, 0xfffffffff000n);
});

test('Octeon phys_to_dma: the PCI BAR translation applies to dev_is_pci devices only', () => {
  // octeon_gen1_phys_to_dma: 0x4_1000_0000..0x4_1fff_ffff -> 0x1000_0000 on the PCI bus.
  assert.equal(createSession('octeon-pcie').run(mapSingle(0x410000000n, 0x100n)).dma, 0x10000000n);
  const platform = createSession('octeon-pcie', { bus: 'platform', dma_mask: 64 });
  assert.equal(platform.run(mapSingle(0x410000000n, 0x100n)).dma, 0x410000000n);
});
