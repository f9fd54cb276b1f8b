// MIPS, s390 and Xen profiles (§5.3, §5.5, §5.6).
import type { PlatformProfile } from './profile';

const ULONG_MAX = '0xffffffffffffffff';
const RESTRICTED_VIRTIO = ['VERSION_1', 'ACCESS_PLATFORM', 'INDIRECT_DESC', 'EVENT_IDX'];

export const otherProfiles: PlatformProfile[] = [
  {
    id: 'loongson64',
    title: 'Loongson64 (3A/3B)',
    arch: 'mips64',
    short: 'Loongson',
    description:
      'Loongson64: the arch phys_to_dma moves the node id from phys bits 44-45 to bit node_id_offset (44 = virtual machine, identity; 37 on RS780E; LS7A from a bridge register). The swiotlb pool always exists (start 0x0BC00000 is an example).',
    sources: ['arch/mips/loongson64/dma.c', 'arch/mips/loongson64/init.c', 'spec §5.3'],
    params: { arch_dma: 'loongson64', ram: '8G', loongson_node_id_offset: 44, swiotlb_start: '0x0bc00000' },
  },
  {
    id: 'octeon-pcie',
    title: 'Cavium Octeon PCIe (gen1)',
    arch: 'mips64',
    short: 'Octeon PCIe',
    description:
      'Cavium Octeon with first-generation PCIe: PCI devices see DRAM at 0x4_1000_0000 (where the second 256 MiB of DRAM appears) at bus 0x1000_0000, and the BAR1 hole at 0xF000_0000 at 1<<41 (octeon_gen1_phys_to_dma); dma_to_phys folds 0x1xxx_xxxx back to 0x4_1xxx_xxxx. Only the first 256 MiB of DRAM (at 0) is modelled as RAM; buffers elsewhere can still be mapped by address. plat_swiotlb_setup always creates a pool: one 128-slot segment here (64 MiB once memory reaches past the BAR1 hole), placed by memblock_alloc_low below 4 GiB (an estimate near the top of RAM).',
    sources: ['arch/mips/cavium-octeon/dma-octeon.c', 'spec §5.3'],
    params: { arch_dma: 'octeon', octeon_bar_type: 'pcie', ram: '256M', swiotlb_end: '0x100000000' },
  },
  {
    id: 'octeon-pcie2',
    title: 'Cavium Octeon II PCIe (gen2)',
    arch: 'mips64',
    short: 'Octeon PCIe2',
    description:
      'Cavium Octeon II PCIe: only the BAR1 hole rule (0xF000_0000 + x -> (1<<41) + x); everything else is identity. plat_swiotlb_setup always creates a pool: one 128-slot segment here (64 MiB once memory reaches past the BAR1 hole or 4 GiB), placed by memblock_alloc_low below 4 GiB (an estimate near the top of RAM).',
    sources: ['arch/mips/cavium-octeon/dma-octeon.c', 'spec §5.3'],
    params: { arch_dma: 'octeon', octeon_bar_type: 'pcie2', ram: '256M', swiotlb_end: '0x100000000' },
  },
  {
    id: 's390-pv',
    title: 's390 protected-virtualization guest (virtio-ccw)',
    arch: 's390x',
    short: 's390 PV',
    description:
      'An s390 KVM guest with protected virtualization, DMA through the virtio-ccw device: 64-bit streaming mask, 31-bit coherent mask (rings below 2 GiB from ZONE_DMA), a SWIOTLB_FORCE pool below 2 GiB (start 0x77F00000 is an example), and one uv_set_shared Ultravisor call per 4 KiB page of each coherent allocation.',
    sources: [
      'arch/s390/mm/init.c:pv_init',
      'arch/s390/mm/init.c:set_memory_decrypted',
      'drivers/s390/cio/css.c',
      'spec §5.5',
    ],
    params: {
      arch_dma: 's390',
      mem_encrypt: 's390-pv',
      ram: '4G',
      coherent_mask: 31,
      zone_dma_bits: 31,
      swiotlb_start: '0x77f00000',
      bus: 'ccw',
      seg_boundary: ULONG_MAX,
      virtio_features: RESTRICTED_VIRTIO,
    },
  },
  {
    id: 'xen-pv',
    title: 'Xen PV guest (xen-swiotlb)',
    arch: 'x86_64',
    short: 'Xen PV',
    description:
      'An x86 Xen PV domain with xen_swiotlb_dma_ops: dma = machine address from the p2m (xen_p2m lists pfn=mfn; unlisted pfns are shown as identity), used directly when addressable and machine-contiguous, else bounced through the swiotlb pool that xen_swiotlb_fixup made machine-contiguous below 4 GiB.',
    sources: ['drivers/xen/swiotlb-xen.c', 'arch/x86/xen/pci-swiotlb-xen.c', 'spec §5.6'],
    params: {
      arch_dma: 'x86',
      mmio_hole_start: '0xC0000000',
      mmio_hole_size: '1G',
      dma_ops: 'xen_swiotlb_dma_ops',
      swiotlb_active: 'on',
    },
  },
  {
    id: 'xen-grant',
    title: 'Xen guest virtio with grant DMA',
    arch: 'x86_64',
    short: 'Xen grant',
    description:
      "A Xen guest's virtio device using xen_grant_dma_ops: the device sees grant references, dma = (1 << 63) | (grant << 12) + offset; one grant entry per 4 KiB page (read-only for DMA_TO_DEVICE). The first free grant reference (16) is an example of boot state.",
    sources: ['drivers/xen/grant-dma-ops.c', 'drivers/xen/grant-table.c', 'spec §5.6'],
    params: {
      arch_dma: 'x86',
      mmio_hole_start: '0xC0000000',
      mmio_hole_size: '1G',
      dma_ops: 'xen_grant_dma_ops',
      grant_first_ref: 16,
      backend_domid: 0,
      virtio_features: RESTRICTED_VIRTIO,
    },
  },
];
