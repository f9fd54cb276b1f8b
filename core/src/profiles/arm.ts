// arm64 and 32-bit arm profiles (§1.5, §3, §5.1, §5.2), with dma-ranges windows from the 6.1 device trees.
import type { PlatformProfile } from './profile';

const ULONG_MAX = '0xffffffffffffffff';

export const armProfiles: PlatformProfile[] = [
  {
    id: 'arm64',
    title: 'arm64 SoC device, dma-direct (non-coherent)',
    arch: 'arm64',
    short: 'arm64',
    description:
      'A platform device on an arm64 SoC without an IOMMU and without dma-coherent: dma-direct, dma = phys, with dcache_clean_poc on every map and dcache_inval_poc on unmap unless DMA_TO_DEVICE (set coherent=true for a coherent interconnect). 4 GiB of RAM at 0x4000_0000 (example) reaches beyond the 32-bit DMA zone, so a swiotlb pool exists below 4 GiB (start 0xFBC00000 is an example).',
    sources: ['arch/arm64/mm/dma-mapping.c', 'arch/arm64/mm/init.c:zone_sizes_init', 'spec §1.5, §5.2'],
    params: { arch_dma: 'arm64', ram_base: '0x40000000', ram: '4G', coherent: false, cache_line: 64, zone_dma_bits: 32, swiotlb_start: '0xFBC00000', pci: false, seg_boundary: ULONG_MAX },
  },
  {
    id: 'arm64-smmu',
    title: 'arm64 with SMMUv3 (strict)',
    arch: 'arm64',
    short: 'SMMU',
    description:
      'A coherent PCI device behind an Arm SMMUv3 with the non-x86 default strict DMA domain: iommu_dma_ops, IOVAs top-down below 4 GiB first, TLBI + CMD_SYNC on every unmap. No MSI window is reserved in the IOVA space (the SMMU maps MSIs through a software window of its own).',
    sources: ['drivers/iommu/dma-iommu.c', 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c', 'drivers/iommu/iommu.c:iommu_subsys_init', 'spec §3'],
    params: { arch_dma: 'arm64', ram_base: '0x80000000', ram: '8G', zone_dma_bits: 32, swiotlb_start: '0xFBC00000', dma_ops: 'iommu_dma_ops', iommu_kind: 'smmu', iommu_mode: 'strict', aperture_bits: 48 },
  },
  {
    id: 'rpi4-soc',
    title: 'Raspberry Pi 4 legacy peripheral DMA (soc bus)',
    arch: 'arm64',
    short: 'RPi4 soc',
    description:
      'BCM2711 legacy peripherals (bcm2835-dma, emmc2): dma-ranges <0xc0000000 0x0 0x0 0x40000000> maps CPU 0..1 GiB to bus 0xC000_0000, so dma = phys + 0xC000_0000 below 1 GiB and anything above misses the window and bounces through the swiotlb pool (below 1 GiB; start 0x37400000 is an example). Non-coherent; ZONE_DMA is 30 bits.',
    sources: ['arch/arm/boot/dts/bcm2711.dtsi (soc dma-ranges)', 'drivers/of/address.c:of_dma_get_range', 'include/linux/dma-direct.h:translate_phys_to_dma', 'spec §5.1, §5.2'],
    params: { arch_dma: 'arm64', ram: '4G', dma_windows: '0x0:0xc0000000:0x40000000', bus_dma_limit: '0xffffffff', dma_mask: 32, coherent_mask: 32, coherent: false, cache_line: 64, zone_dma_bits: 30, swiotlb_start: '0x37400000', pci: false, seg_boundary: ULONG_MAX },
  },
  {
    id: 'rpi4-pcie',
    title: 'Raspberry Pi 4 PCIe (VL805 USB)',
    arch: 'arm64',
    short: 'RPi4 PCIe',
    description:
      'A device on the BCM2711 PCIe root complex: pcie0 dma-ranges map bus 0..3 GiB identically ("wrapper bug prevents access beyond 3GB"), so dma = phys below 3 GiB and buffers above bounce through the swiotlb pool below 1 GiB (start 0x37400000 is an example). The root complex is not cache-coherent.',
    sources: ['arch/arm/boot/dts/bcm2711.dtsi (pcie0 dma-ranges)', 'drivers/of/device.c:of_dma_configure_id', 'spec §5.1'],
    params: { arch_dma: 'arm64', ram: '8G', dma_windows: '0x0:0x0:0xc0000000', bus_dma_limit: '0xbfffffff', coherent: false, cache_line: 64, zone_dma_bits: 30, swiotlb_start: '0x37400000' },
  },
  {
    id: 'rpi1',
    title: 'Raspberry Pi 1 (BCM2835)',
    arch: 'arm',
    short: 'RPi1',
    description:
      'BCM2835 peripherals: dma-ranges <0x40000000 0x0 0x20000000> put the 512 MiB of RAM at bus 0x4000_0000 (the L2-cached alias): dma = phys + 0x4000_0000. of_dma_configure limits the masks to DMA_BIT_MASK(ilog2(0x5fffffff) + 1) = 31 bits. ARMv6 non-coherent with 32-byte lines; no swiotlb pool.',
    sources: ['arch/arm/boot/dts/bcm2835.dtsi', 'arch/arm/mm/dma-mapping.c', 'spec §5.1'],
    params: { arch_dma: 'arm', ram: '512M', dma_windows: '0x0:0x40000000:0x20000000', bus_dma_limit: '0x5fffffff', dma_mask: 31, coherent_mask: 31, coherent: false, cache_line: 32, pci: false, seg_boundary: ULONG_MAX },
  },
  {
    id: 'rpi2-3',
    title: 'Raspberry Pi 2/3 (BCM2836/2837)',
    arch: 'arm',
    short: 'RPi2/3',
    description:
      'BCM2836/BCM2837 peripherals: dma-ranges <0xc0000000 0x0 0x3f000000> put RAM at bus 0xC000_0000 (uncached alias): dma = phys + 0xC000_0000 for the 1008 MiB below the peripherals at 0x3F00_0000 (modelled as the RAM). Non-coherent with 64-byte lines; no swiotlb pool.',
    sources: ['arch/arm/boot/dts/bcm2836.dtsi', 'arch/arm/boot/dts/bcm2837.dtsi', 'spec §5.1'],
    params: { arch_dma: 'arm', ram: '1008M', dma_windows: '0x0:0xc0000000:0x3f000000', bus_dma_limit: '0xfeffffff', dma_mask: 32, coherent_mask: 32, coherent: false, cache_line: 64, pci: false, seg_boundary: ULONG_MAX },
  },
  {
    id: 'keystone',
    title: 'TI Keystone 2 (soc0)',
    arch: 'arm',
    short: 'Keystone',
    description:
      'TI Keystone 2: RAM lives at CPU 0x8_0000_0000 and dma-ranges <0x80000000 0x8 0x00000000 0x80000000> show its first 2 GiB at bus 0x8000_0000: dma = phys - 0x7_8000_0000 (a u64-wrapping offset). The interconnect is dma-coherent here.',
    sources: ['arch/arm/boot/dts/keystone.dtsi', 'arch/arm/mach-keystone/keystone.c', 'spec §5.1'],
    params: { arch_dma: 'arm', ram_base: '0x800000000', ram: '2G', dma_windows: '0x800000000:0x80000000:0x80000000', bus_dma_limit: '0xffffffff', dma_mask: 32, coherent_mask: 32, coherent: true, cache_line: 64, pci: false, seg_boundary: ULONG_MAX },
  },
  {
    id: 'rcar-h2-pcie',
    title: 'Renesas R-Car H2 PCIe',
    arch: 'arm',
    short: 'R-Car H2',
    description:
      'R-Car H2 (r8a7790) PCIe: two identity dma-ranges windows [0x4000_0000, 0xC000_0000) and [0x1_8000_0000, 0x2_0000_0000); the hole between them is inside bus_dma_limit, so only the translation miss catches it (DMA_MAPPING_ERROR, then the overflow WARN: no swiotlb pool). Only the first 2 GiB DRAM bank at 0x4000_0000 is modelled as RAM; buffers in the second bank can still be mapped by address.',
    sources: ['arch/arm/boot/dts/r8a7790.dtsi (pciec dma-ranges)', 'include/linux/dma-direct.h:translate_phys_to_dma', 'spec §5.1, §11.5'],
    params: { arch_dma: 'arm', ram_base: '0x40000000', ram: '2G', dma_windows: '0x40000000:0x40000000:0x80000000,0x180000000:0x180000000:0x80000000', bus_dma_limit: '0x1ffffffff', coherent: false, cache_line: 64 },
  },
  {
    id: 'stm32mp151-mlahb',
    title: 'STM32MP151 MLAHB (Cortex-M4 remoteproc)',
    arch: 'arm',
    short: 'STM32 mlahb',
    description:
      'STM32MP151 mlahb bus: three dma-ranges windows, RETRAM at bus 0 and two identity SRAM windows; DDR (0xC000_0000) is in no window, so it is unreachable (DMA_MAPPING_ERROR and the overflow WARN; there is no swiotlb pool). of_dma_configure limits the masks to DMA_BIT_MASK(ilog2(0x3005ffff) + 1) = 30 bits.',
    sources: ['arch/arm/boot/dts/stm32mp151.dtsi (mlahb dma-ranges)', 'spec §5.1'],
    params: { arch_dma: 'arm', ram_base: '0xc0000000', ram: '512M', dma_windows: '0x38000000:0x0:0x10000,0x10000000:0x10000000:0x60000,0x30000000:0x30000000:0x60000', bus_dma_limit: '0x3005ffff', dma_mask: 30, coherent_mask: 30, coherent: false, cache_line: 64, pci: false, seg_boundary: ULONG_MAX, swiotlb_active: 'off' },
  },
];
