// Which platforms a file can run on, decided from the Makefiles and Kconfig files of a miniature kernel
// tree written for these tests (test/fixtures/kernel-tree) that mirrors Linux 6.1's structure: the
// vendor `if` blocks, composite objects, subdirectory descent, arch-only symbols and `|| COMPILE_TEST`.
// The expected platforms come from the kernel's own dependencies, written out in each test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listProfiles } from '@dmalens/core';
import { describedProfileIds, memoryReader, ProjectModel, type TreeReader } from '../../server/src/project';
import { repoRoot } from './lsp-client';

const TREE = join(repoRoot, 'test/fixtures/kernel-tree');
const treeReader: TreeReader = {
  read: (path) => {
    try {
      return readFileSync(join(TREE, path), 'utf8');
    } catch {
      return null;
    }
  },
};
const profiles = listProfiles().map((profile) => ({ id: profile.id, arch: profile.arch }));
const model = new ProjectModel(treeReader, profiles);
const allIds = profiles.map((profile) => profile.id);

test('every built-in profile says what kernel it stands for', () => {
  assert.deepEqual(
    allIds.filter((id) => !describedProfileIds().includes(id)),
    [],
  );
});

test('ibmveth builds only for pseries: CONFIG_IBMVETH depends on PPC_PSERIES inside `if NET_VENDOR_IBM`', () => {
  const targets = model.targets('drivers/net/ethernet/ibm/ibmveth.c');
  // PPC_PSERIES is a powerpc platform symbol; only the two pseries profiles declare it.
  assert.deepEqual(targets.platforms, ['pseries', 'pseries-svm']);
  assert.equal(targets.basis, 'built');
  assert.equal(targets.why, 'CONFIG_IBMVETH depends on PPC_PSERIES (drivers/net/ethernet/ibm/Kconfig:16)');
});

test('bcm2835-dma builds only for the Raspberry Pi profiles: `|| COMPILE_TEST` does not widen it', () => {
  const targets = model.targets('drivers/dma/bcm2835-dma.c');
  // ARCH_BCM2835 exists on arm64 (Kconfig.platforms) and arm (mach-bcm); the four RPi profiles declare it.
  assert.deepEqual(targets.platforms, ['rpi4-soc', 'rpi4-pcie', 'rpi1', 'rpi2-3']);
  assert.equal(targets.why, 'CONFIG_DMA_BCM2835 depends on ARCH_BCM2835 || COMPILE_TEST (drivers/dma/Kconfig:20)');
});

test('bmac builds only for the 32-bit Book3S profile (PPC_PMAC && PPC32), as its stand-in', () => {
  const targets = model.targets('drivers/net/ethernet/apple/bmac.c');
  // The G5 DART profiles are PowerMacs too, but 64-bit; fsl-pci is 32-bit but an 85xx, not a Book3S. The
  // 32-bit profile is a CHRP board, not a PowerMac (whose pci_dram_offset is 0): the architecture's stand-in.
  assert.deepEqual(targets.platforms, ['ppc32-pci-dram-offset']);
  assert.equal(targets.basis, 'architecture');
  assert.match(
    targets.why,
    /^CONFIG_BMAC depends on PPC_PMAC && PPC32 \(drivers\/net\/ethernet\/apple\/Kconfig:10\); no built-in profile models that machine/,
  );
});

test('nvme/host/pci.c, part of the composite nvme.o, builds wherever PCI and the block layer can', () => {
  const targets = model.targets('drivers/nvme/host/pci.c');
  // Every architecture of the tree selects HAVE_PCI, so PCI is offered everywhere.
  assert.ok(targets.platforms.includes('x86_64'));
  assert.ok(targets.platforms.includes('pseries'));
  assert.deepEqual(targets.platforms, allIds);
  assert.match(
    targets.why,
    /CONFIG_BLK_DEV_NVME \(drivers\/nvme\/host\/Makefile:4\) has no platform-specific dependency/,
  );
});

test('a part listed on a continued `tulip-objs :=` line takes the composite object`s condition', () => {
  const targets = model.targets('drivers/net/ethernet/dec/tulip/tulip_core.c');
  assert.deepEqual(targets.platforms, allIds);
  assert.equal(targets.basis, 'built');
});

test('a header takes the conditions of its directory', () => {
  const targets = model.targets('drivers/net/ethernet/ibm/ibmveth.h');
  // The directory is entered for CONFIG_NET_VENDOR_IBM, which needs PPC_PSERIES (or hardware no profile has).
  assert.deepEqual(targets.platforms, ['pseries', 'pseries-svm']);
});

test('a file under arch/powerpc builds only for powerpc profiles', () => {
  const targets = model.targets('arch/powerpc/kernel/iommu.c');
  assert.deepEqual(
    targets.platforms,
    profiles.filter((profile) => profile.arch === 'ppc64' || profile.arch === 'ppc32').map((profile) => profile.id),
  );
  assert.match(targets.why, /built only for powerpc/);
});

test('a file no Makefile builds has unknown targets', () => {
  const targets = model.targets('include/linux/usb.h');
  assert.equal(targets.basis, 'unknown');
  assert.deepEqual(targets.platforms, []);
});

test("a file's module siblings are the other members of its composite object", () => {
  assert.deepEqual(model.moduleSiblings('drivers/dma/demo-qe-tds.c'), ['drivers/dma/demo-qe-main.c']);
  assert.deepEqual(model.moduleSiblings('drivers/dma/bcm2835-dma.c'), []);
});

test('a driver whose Kconfig no modelled architecture satisfies is unmodelled, not unknown', () => {
  const targets = model.targets('drivers/dma/demo-sh-dma.c');
  assert.equal(targets.basis, 'unmodelled');
  assert.deepEqual(targets.platforms, []);
  assert.match(targets.why, /CONFIG_DMA_DEMO_SH depends on SUPERH .*no modelled architecture builds it/);
});

test('a driver whose machine no profile models falls back to the architectures that can build it', () => {
  const reader = memoryReader({
    Kconfig: 'source "arch/$(SRCARCH)/Kconfig"\nsource "drivers/Kconfig"\n',
    Kbuild: 'obj-y += drivers/\n',
    'arch/x86/Kconfig': 'config X86\n\tdef_bool y\n',
    'drivers/Kconfig':
      'config HYPERV\n\tbool "Microsoft Hyper-V guest support"\n\tdepends on X86\n\nconfig HYPERV_NET\n\ttristate "Microsoft Hyper-V virtual network driver"\n\tdepends on HYPERV\n',
    'drivers/Makefile': 'obj-$(CONFIG_HYPERV_NET) += netvsc.o\n',
  });
  const targets = new ProjectModel(reader, profiles).targets('drivers/netvsc.c');
  // No profile is a Hyper-V guest (HYPERV is a machine choice), but every x86 profile's kernel can build it.
  assert.equal(targets.basis, 'architecture');
  assert.deepEqual(
    targets.platforms,
    profiles.filter((profile) => profile.arch === 'x86_64').map((profile) => profile.id),
  );
  assert.match(targets.why, /CONFIG_HYPERV_NET depends on HYPERV \(drivers\/Kconfig:7\); no built-in profile models/);
});

test('the fixture tree parses without a problem', () => {
  const makefiles = [
    'Kbuild',
    'drivers/Makefile',
    'drivers/net/Makefile',
    'drivers/net/ethernet/Makefile',
    'drivers/nvme/host/Makefile',
    'drivers/net/ethernet/dec/tulip/Makefile',
  ];
  const result = model.check(makefiles);
  assert.deepEqual(result.problems, []);
  assert.ok(result.kconfigFiles > 20, `${result.kconfigFiles} Kconfig files`);
});
