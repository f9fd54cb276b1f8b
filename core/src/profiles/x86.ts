// x86-64 profiles (§1.6, §3, §5.4). Values marked "example" are typical machine state, not kernel constants.
import type { PlatformProfile } from './profile';

/**
 * An example physical layout: RAM below 3 GiB, the 32-bit PCI hole, the rest of RAM from 4 GiB. The swiotlb
 * pool ends at 0xBFF00000 (memblock_alloc_low searches top-down), which puts the 64 MiB pool at the spec's
 * 0xBBF00000 and keeps the larger SEV/TDX pools out of the hole.
 */
const X86_LAYOUT = { mmio_hole_start: '0xC0000000', mmio_hole_size: '1G', swiotlb_end: '0xBFF00000' } as const;

const CONFIDENTIAL_VIRTIO = ['VERSION_1', 'ACCESS_PLATFORM', 'INDIRECT_DESC', 'EVENT_IDX'];

export const x86Profiles: PlatformProfile[] = [
  {
    id: 'x86_64',
    title: 'x86-64, no IOMMU',
    arch: 'x86_64',
    short: 'x86',
    description:
      "A PCI device on an x86-64 machine (bare metal or KVM guest) without an IOMMU: dma-direct, dma = phys. RAM sits below 3 GiB and from 4 GiB upward around the 32-bit PCI hole (an example e820 layout: 8 GiB of RAM ends at 9 GiB). With RAM above 4 GiB the default 64 MiB swiotlb pool exists and buffers beyond a short mask bounce through it. memblock_alloc_low places the pool top-down below swiotlb_end 0xBFF00000, so the 64 MiB pool starts at the spec's 8 GiB example 0xBBF00000; the real placement depends on memblock.",
    sources: [
      'kernel/dma/direct.h:dma_direct_map_page',
      'arch/x86/kernel/pci-dma.c:pci_swiotlb_detect',
      'kernel/dma/swiotlb.c',
      'spec §1, §2, §5.4',
    ],
    params: { ...X86_LAYOUT, arch_dma: 'x86', ram: '8G' },
  },
  {
    id: 'x86_64-vtd',
    title: 'x86-64 with Intel VT-d (lazy)',
    arch: 'x86_64',
    short: 'VT-d',
    description:
      "A PCI device behind Intel VT-d with the x86 default translated lazy domain (DMA_FQ): iommu_dma_ops allocates IOVAs top-down below 4 GiB first, unmaps queue a deferred domain-wide flush. Set iommu_mode=strict for PSI invalidations, passthrough for iommu=pt, caching_mode=true for QEMU's emulated VT-d, aperture_bits=39 for QEMU's default aw-bits. PCI host-bridge windows and RMRRs are not reserved in the model; the MSI window is.",
    sources: ['drivers/iommu/dma-iommu.c', 'drivers/iommu/iova.c', 'drivers/iommu/intel/iommu.c', 'spec §3, §5.4'],
    params: {
      ...X86_LAYOUT,
      arch_dma: 'x86',
      dma_ops: 'iommu_dma_ops',
      iommu_kind: 'vtd',
      iommu_mode: 'lazy',
    },
  },
  {
    id: 'x86_64-sme-host',
    title: 'x86-64 AMD SME host',
    arch: 'x86_64',
    short: 'SME',
    description:
      'An AMD host with Secure Memory Encryption: phys_to_dma ORs the C-bit (bit 47 here, sme_c_bit; 51 on EPYC 7003/9004) into DMA addresses, so devices with masks below the C-bit bounce through the decrypted swiotlb pool, whose addresses carry no C-bit.',
    sources: [
      'include/linux/dma-direct.h:phys_to_dma',
      'arch/x86/mm/mem_encrypt_identity.c:sme_enable',
      'arch/x86/mm/mem_encrypt.c:force_dma_unencrypted',
      'spec §1.2, §5.4',
    ],
    params: { ...X86_LAYOUT, arch_dma: 'x86', mem_encrypt: 'sme', sme_c_bit: 47 },
  },
  {
    id: 'x86_64-sev-guest',
    title: 'x86-64 AMD SEV guest',
    arch: 'x86_64',
    short: 'SEV',
    description:
      'A KVM guest with AMD SEV: the swiotlb pool is SWIOTLB_FORCE and sized clamp(6% of RAM, 64 MiB, 1 GiB), so every streaming map bounces and the device sees pool addresses without the C-bit; coherent allocations are decrypted in place (KVM_HC_MAP_GPA_RANGE per 4 KiB page with KVM_FEATURE_MIGRATION_CONTROL). virtio devices must offer ACCESS_PLATFORM. Use mem_encrypt=sev-snp for the extra page-state-change VMGEXIT.',
    sources: [
      'arch/x86/mm/mem_encrypt_amd.c:sev_setup_arch',
      'arch/x86/mm/mem_encrypt_amd.c:enc_dec_hypercall',
      'kernel/dma/direct.c:dma_direct_alloc',
      'spec §1.7, §5.4, §6.5',
    ],
    params: { ...X86_LAYOUT, arch_dma: 'x86', mem_encrypt: 'sev', sme_c_bit: 47, virtio_features: CONFIDENTIAL_VIRTIO },
  },
  {
    id: 'x86_64-tdx-guest',
    title: 'x86-64 Intel TDX guest (6.1)',
    arch: 'x86_64',
    short: 'TDX',
    description:
      'An Intel TDX guest on 6.1 with a distro kernel (CONFIG_AMD_MEM_ENCRYPT=y): SWIOTLB_FORCE bounces every streaming map (the shared bit lives only in page tables, so DMA addresses carry none); coherent allocations cost one TDVMCALL MAP_GPA. sev_setup_arch also runs for TDX, because it tests CC_ATTR_GUEST_MEM_ENCRYPT: the pool is sized clamp(6% of RAM, 64 MiB, 1 GiB) and a virtio device without ACCESS_PLATFORM fails to probe with -ENODEV. Set amd_mem_encrypt=false for a kernel built without AMD memory encryption: 64 MiB pool, no virtio check (what spec §5.4 describes; see docs/kernel-findings.md).',
    sources: [
      'arch/x86/coco/tdx/tdx.c:tdx_enc_status_changed',
      'arch/x86/kernel/pci-dma.c:pci_swiotlb_detect',
      'arch/x86/mm/mem_encrypt_amd.c:sev_setup_arch',
      'arch/x86/coco/core.c:intel_cc_platform_has',
      'spec §5.4, §6.5',
    ],
    params: {
      ...X86_LAYOUT,
      arch_dma: 'x86',
      mem_encrypt: 'tdx',
      tdx_gpa_width: 52,
      amd_mem_encrypt: true,
      virtio_features: CONFIDENTIAL_VIRTIO,
    },
  },
];
