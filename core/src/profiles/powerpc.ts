// Built-in powerpc platform profiles (data only; the behaviour is in core/src/powerpc, spec §4).
import type { PlatformProfile } from './profile';

/**
 * mem_init turns memblock bottom-up before swiotlb_init, so a powerpc pool (swiotlb=force, a secure VM)
 * starts at the lowest free RAM: above the kernel image, its initrd and the early bottom-up allocations.
 * The example assumes a 38 MiB distro kernel and a 40 MiB initrd; each boot has its own value, and
 * powerpc prints it nowhere (its swiotlb_init passes no SWIOTLB_VERBOSE).
 */
const PPC64_POOL_EXAMPLE = '0x5000000';

const PPC64_COMMON = { arch_dma: 'powerpc', page_size: '64K', swiotlb_start: PPC64_POOL_EXAMPLE } as const;

export const powerpcProfiles: PlatformProfile[] = [
  {
    id: 'pseries',
    title: 'pseries LPAR (KVM/QEMU or PowerVM)',
    arch: 'ppc64',
    short: 'pseries',
    description:
      'A PCI device in a pseries logical partition with 64 KiB kernel pages. Masks below 64 bits map through the default 32-bit TCE window (QEMU: bus 0..1 GiB, 4 KiB TCEs, it_blocksize 16), every TCE update is a hypercall (H_PUT_TCE, H_PUT_TCE_INDIRECT, H_STUFF_TCE). A 64-bit mask gets a dynamic DMA window at 2^59 that covers all RAM, so maps go direct at phys + 2^59 with no hypercall (ddw=table models a window too small for RAM). No swiotlb pool unless booted with swiotlb=force (swiotlb_force=true): then maps through the direct window bounce, through a pool memblock places bottom-up, low in RAM (swiotlb_start is an example). LIOBNs are shown as L.',
    sources: [
      'arch/powerpc/kernel/dma-iommu.c',
      'arch/powerpc/kernel/iommu.c',
      'arch/powerpc/platforms/pseries/iommu.c',
      'qemu hw/ppc/spapr_pci.c, hw/ppc/spapr_iommu.c',
      'spec §4.1-§4.3, vectors V24-V32',
    ],
    params: { ...PPC64_COMMON, ppc_platform: 'pseries', dma_ops: 'dma_iommu_ops' },
  },
  {
    id: 'pseries-svm',
    title: 'pseries secure VM (PEF/Ultravisor)',
    arch: 'ppc64',
    short: 'SVM',
    description:
      'A pseries LPAR running as a secure VM: the swiotlb pool is forced (SWIOTLB_FORCE | SWIOTLB_ANY; mem_init allocates it bottom-up, so it sits low in RAM above the kernel and initrd, swiotlb_start being an example) so direct maps bounce, coherent allocations are shared with uv_share_page, and FW_FEATURE_PUT_TCE_IND is dropped so TCE maps cost one H_PUT_TCE per TCE. As read, 6.1 sets these swiotlb flags in init_svm (an early initcall) after mem_init has already run swiotlb_init, so the forced pool here matches a kernel booted with swiotlb=force; set swiotlb_force=false to see the 6.1 code path as read (see docs/kernel-findings.md).',
    sources: [
      'arch/powerpc/platforms/pseries/svm.c',
      'arch/powerpc/mm/mem.c:mem_init',
      'arch/powerpc/platforms/pseries/iommu.c',
      'spec §1.7, §4.3',
    ],
    params: {
      ...PPC64_COMMON,
      ppc_platform: 'pseries',
      dma_ops: 'dma_iommu_ops',
      mem_encrypt: 'svm',
      swiotlb_active: 'on',
      swiotlb_force: true,
    },
  },
  {
    id: 'powernv',
    title: 'powernv bare metal (OPAL, IODA2 PHB4)',
    arch: 'ppc64',
    short: 'powernv',
    description:
      'A PCI device on a POWER9 host (PHB4) with 64 KiB pages. Masks that cover 2^59 + RAM bypass through TVE#1 at dma = phys + 0x0800_0000_0000_0000; smaller masks use the 32-bit window on TVE#0 with 64 KiB TCEs written by the kernel, each build and free followed by one opal_pci_tce_kill call (phb=phb3: one MMIO write per TCE). No hypercalls; no swiotlb pool unless booted with swiotlb=force, and then bypass maps bounce through a pool placed low in RAM (swiotlb_start is an example).',
    sources: [
      'arch/powerpc/platforms/powernv/pci-ioda.c',
      'arch/powerpc/platforms/powernv/pci-ioda-tce.c',
      'spec §4.4, vectors V33-V34',
    ],
    params: { ...PPC64_COMMON, ppc_platform: 'powernv', dma_ops: 'dma_iommu_ops' },
  },
  {
    id: 'cell',
    title: 'IBM Cell QS20 blade (Spider, IOMMU off)',
    arch: 'ppc64',
    short: 'Cell',
    description:
      'A Cell blade as in Linux 6.1 (removed upstream around v6.14). With 1 GiB of RAM and the Spider bridge the IOMMU stays off and dma = phys + 0x8000_0000 (SPIDER_DMA_OFFSET + window base 0). cell_axon=true with more RAM models QS21/QS22: 64-bit devices use the fixed mapping at phys + fbase + dev_addr, others the dynamic 4 KiB IOPTE window.',
    sources: ['arch/powerpc/platforms/cell/iommu.c', 'spec §4.5, vectors V36-V37'],
    params: { ...PPC64_COMMON, ppc_platform: 'cell', ram: '1G', tce_window_size: '2G' },
  },
  {
    id: 'dart-u3',
    title: 'PowerMac G5 with U3 DART',
    arch: 'ppc64',
    short: 'U3 DART',
    description:
      'A PCI device behind the U3 northbridge DART: every mapping goes through the 2 GiB DART table at bus 0 (4 KiB entries, it_blocksize 1, first and last entry reserved); a build flushes the table lines (dart_cache_sync) and the whole DART TLB at dart_flush. No bypass on U3.',
    sources: ['arch/powerpc/sysdev/dart_iommu.c', 'spec §4.6'],
    params: {
      ...PPC64_COMMON,
      ppc_platform: 'dart',
      dma_ops: 'dma_iommu_ops',
      dart: 'u3',
      dart_on_u4_pcie: false,
      ram: '4G',
    },
  },
  {
    id: 'dart-u4',
    title: 'PowerMac G5 / JS2x with U4 DART',
    arch: 'ppc64',
    short: 'U4 DART',
    description:
      'A PCIe device on the U4 northbridge: masks of 40 bits or more bypass the DART at dma = phys + 0x80_0000_0000 (DART_U4_BYPASS_BASE); smaller masks map through the 2 GiB DART table with one TLB invalidation per page.',
    sources: ['arch/powerpc/sysdev/dart_iommu.c', 'spec §4.6, vector V38'],
    params: {
      ...PPC64_COMMON,
      ppc_platform: 'dart',
      dma_ops: 'dma_iommu_ops',
      dart: 'u4',
      dart_on_u4_pcie: true,
      ram: '4G',
    },
  },
  {
    id: 'fsl-pci',
    title: 'Freescale/NXP 85xx/QorIQ PCIe, 8 GiB RAM',
    arch: 'ppc32',
    short: 'fsl_pci',
    description:
      'A PCIe device on a Freescale host bridge with 8 GiB of RAM and outbound windows from 2 GiB: inbound window 1 maps RAM below 2 GiB at PCI 0 (bus_dma_limit 0x7fff_ffff, swiotlb above it); masks reaching 2 * pci64_dma_offset - 1 switch to window 2, dma = phys + 2^ceil(log2 RAM) = phys + 0x2_0000_0000. The swiotlb pool start is an example (bottom-up memblock), not a kernel constant.',
    sources: ['arch/powerpc/sysdev/fsl_pci.c:setup_pci_atmu, fsl_pci_dma_set_mask', 'spec §4.7, vector V40'],
    params: {
      arch_dma: 'powerpc',
      ppc_platform: 'fsl',
      page_size: 4096,
      ram: '8G',
      swiotlb_active: 'on',
      swiotlb_start: '0x02000000',
      cache_line: 32,
    },
  },
  {
    id: 'ppc32-pci-dram-offset',
    title: 'ppc32 CHRP with PCI_DRAM_OFFSET 0x8000_0000',
    arch: 'ppc32',
    short: 'ppc32',
    description:
      'A 32-bit powerpc board whose PCI bus sees RAM at an offset: pcibios_bus_add_device copies PCI_DRAM_OFFSET (here the historical CHRP/PReP 0x8000_0000) into archdata.dma_offset, so dma = phys + 0x8000_0000 through dma-direct. Set coherent=false to see the non-coherent ppc32 __dma_sync cache maintenance (32-byte lines).',
    sources: [
      'arch/powerpc/include/asm/io.h (PCI_DRAM_OFFSET)',
      'arch/powerpc/kernel/pci-common.c:pcibios_bus_add_device',
      'arch/powerpc/platforms/chrp/pci.c',
      'arch/powerpc/mm/dma-noncoherent.c',
      'spec §1.5, §4.8, vector V42',
    ],
    params: {
      arch_dma: 'powerpc',
      ppc_platform: 'ppc32',
      page_size: 4096,
      ram: '512M',
      dma_mask: 32,
      coherent_mask: 32,
      pci_dram_offset: '0x80000000',
      swiotlb_active: 'off',
      cache_line: 32,
    },
  },
];
