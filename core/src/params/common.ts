// Parameters read by the generic DMA pipeline (§0, §1, §2, §3) and by the non-powerpc arch families.
// Defaults describe a plain x86-64 PCI device on an 8 GiB machine; profiles override them.
import { defineParams } from './spec';

defineParams([
  // Machine.
  { key: 'ram', kind: 'size', default: '8G', min: 16 << 20, appliesTo: '*', ref: 'kernel/dma/direct.c:dma_direct_get_required_mask (max_pfn)', doc: 'Amount of RAM. max_pfn = (ram_base + ram) / page_size; decides x86 swiotlb activation (RAM above 4 GiB) and the SEV pool size.' },
  { key: 'ram_base', kind: 'address', default: 0, appliesTo: '*', ref: 'arch/arm64/mm/init.c:max_zone_phys', doc: 'Physical address where RAM starts (0 on x86 and RPi; 0x8_0000_0000 on Keystone).' },
  { key: 'mmio_hole_start', kind: 'address', default: 0, appliesTo: 'x86', ref: 'arch/x86/kernel/e820.c (the 32-bit PCI hole)', doc: 'Start of an MMIO hole in the physical map: RAM that would fall there is placed after it (x86 profiles: 0xC0000000, an example layout).' },
  { key: 'mmio_hole_size', kind: 'size', default: 0, appliesTo: 'x86', ref: 'arch/x86/kernel/e820.c', doc: 'Size of the MMIO hole (0 = none; x86 profiles: 1G, so 8 GiB of RAM ends at 9 GiB).' },
  { key: 'page_size', kind: 'size', default: 4096, min: 4096, max: 262144, powerOfTwo: true, appliesTo: '*', ref: 'spec §0 (PAGE_SIZE)', doc: 'Kernel PAGE_SIZE, a power of two: 4 KiB on x86/arm64 here, 64 KiB on ppc64 server distros.' },
  { key: 'cpu', kind: 'int', default: 0, min: 0, max: 4095, appliesTo: '*', ref: 'kernel/dma/swiotlb.c:swiotlb_find_slots (raw_smp_processor_id)', doc: 'CPU that issues the request; selects the swiotlb area, the IOVA rcache and the TCE pool.' },
  { key: 'arch_dma', kind: 'enum', values: ['generic', 'x86', 'arm64', 'arm', 'loongson64', 'octeon', 's390', 'powerpc'], default: 'generic', appliesTo: '*', ref: 'include/linux/dma-map-ops.h, arch/*/include/asm/dma-direct.h', doc: 'Which arch hooks apply: phys_to_dma overrides, cache maintenance, memory encryption, dma_set_mask hooks.' },
  // Device.
  { key: 'dma_mask', kind: 'mask', default: 64, appliesTo: '*', ref: 'kernel/dma/mapping.c:dma_set_mask', doc: 'Streaming DMA mask (*dev->dma_mask) as the driver set it; compared by dma_capable.' },
  { key: 'coherent_mask', kind: 'mask', default: 64, appliesTo: '*', ref: 'kernel/dma/mapping.c:dma_set_coherent_mask', doc: 'coherent_dma_mask; limits dma_alloc_coherent (zone choice, dma_coherent_ok).' },
  { key: 'bus_dma_limit', kind: 'address', default: 0, appliesTo: '*', ref: 'drivers/of/device.c:of_dma_configure_id', doc: 'Largest bus address the interconnect carries (0 = none); DT: end of the dma-ranges span.' },
  { key: 'dma_windows', kind: 'windows', default: [], appliesTo: 'arm, arm64, dma_range_map users', ref: 'drivers/of/address.c:of_dma_get_range; include/linux/dma-direct.h:translate_phys_to_dma', doc: 'dev->dma_range_map from dma-ranges: windows searched in order, first match wins; empty = no map (dma = phys).' },
  { key: 'dma_offset', kind: 'address', default: 0, appliesTo: 'powerpc', ref: 'arch/powerpc/include/asm/dma-direct.h', doc: 'powerpc archdata.dma_offset: dma = phys + dma_offset on the direct path (ignores dma_windows).' },
  { key: 'coherent', kind: 'bool', default: true, appliesTo: '*', ref: 'include/linux/dma-map-ops.h:dev_is_dma_coherent', doc: 'Whether the device snoops CPU caches; false adds arch cache maintenance (§1.5).' },
  { key: 'cache_line', kind: 'int', default: 64, min: 16, max: 512, powerOfTwo: true, appliesTo: 'arm, arm64', ref: 'spec §1.5 (CTR_EL0.DminLine)', doc: 'D-cache line size (a power of two) used to count cleaned/invalidated lines.' },
  { key: 'pci', kind: 'bool', default: true, appliesTo: '*', ref: 'drivers/iommu/dma-iommu.c:iommu_dma_alloc_iova (dev_is_pci)', doc: 'Device is a PCI function: enables the 32-bit-first IOVA attempt and PCI dma_parms defaults.' },
  { key: 'untrusted', kind: 'bool', default: false, appliesTo: 'dma-iommu', ref: 'drivers/iommu/dma-iommu.c:dev_use_swiotlb', doc: 'External-facing PCI device (Thunderbolt): strict domain and swiotlb bounce of sub-granule buffers.' },
  { key: 'min_align_mask', kind: 'address', default: 0, appliesTo: '*', ref: 'kernel/dma/swiotlb.c:swiotlb_align_offset', doc: 'dma_parms min_align_mask (NVMe: 0xFFF); swiotlb keeps orig & mask & 0x7FF as the in-slot offset.' },
  { key: 'seg_boundary', kind: 'address', default: '0xffffffff', appliesTo: '*', ref: 'drivers/pci/probe.c:pci_device_add', doc: 'dma_parms segment_boundary_mask (PCI default 0xffffffff, otherwise ULONG_MAX).' },
  { key: 'max_seg_size', kind: 'size', default: 65536, appliesTo: '*', ref: 'include/linux/dma-mapping.h:dma_get_max_seg_size', doc: 'dma_parms max_segment_size (default 64 KiB); limits IOMMU sg merging.' },
  { key: 'zone_dma_bits', kind: 'int', default: 24, min: 1, max: 64, appliesTo: '*', ref: 'kernel/dma/direct.c (zone_dma_bits)', doc: 'Width of ZONE_DMA: 24 default, 30 on RPi4, 31 on s390.' },
  { key: 'dma_ops', kind: 'enum', values: ['none', 'iommu_dma_ops', 'dma_iommu_ops', 'xen_swiotlb_dma_ops', 'xen_grant_dma_ops'], default: 'none', appliesTo: '*', ref: 'include/linux/dma-map-ops.h:get_dma_ops', doc: 'The device\'s dma_map_ops; none = dma-direct.' },
  // swiotlb (§2).
  { key: 'swiotlb_start', kind: 'address', default: '0xBBF00000', appliesTo: '*', ref: 'kernel/dma/swiotlb.c:swiotlb_init_remap (memblock_alloc_low)', doc: 'Physical start S of the default swiotlb pool. The default is the spec\'s 8 GiB x86 example, not a kernel constant: the real value depends on memblock.' },
  { key: 'swiotlb_slots', kind: 'int', default: -1, min: -1, max: 1 << 24, appliesTo: '*', ref: 'include/linux/swiotlb.h:IO_TLB_DEFAULT_SIZE', doc: 'nslabs of the pool (2 KiB slots). -1 = the arch default: 32768 (64 MiB), SEV clamp(6% of RAM, 64 MiB, 1 GiB). 0 = no pool.' },
  { key: 'swiotlb_force', kind: 'bool', default: false, appliesTo: '*', ref: 'kernel/dma/swiotlb.c:is_swiotlb_force_bounce', doc: 'swiotlb=force: every dma-direct map bounces. Confidential guests (SEV/TDX, s390 PV) force it regardless.' },
  { key: 'swiotlb_active', kind: 'enum', values: ['auto', 'on', 'off'], default: 'auto', appliesTo: '*', ref: 'arch/x86/kernel/pci-dma.c:pci_swiotlb_detect; arch/arm64/mm/init.c:mem_init', doc: 'Whether the pool exists: auto applies the arch rule (x86: RAM above 4 GiB or memory encryption; arm64: RAM beyond the DMA zone); off models swiotlb=noforce.' },
  { key: 'nareas', kind: 'int', default: 1, min: 1, max: 1024, appliesTo: '*', ref: 'kernel/dma/swiotlb.c:swiotlb_adjust_nareas, limit_nareas', doc: 'swiotlb areas (roundup_pow_of_two(possible CPUs), limited so each area keeps >= 128 slots).' },
  // dma-iommu (§3).
  { key: 'iommu_kind', kind: 'enum', values: ['vtd', 'amd', 'smmu'], default: 'vtd', appliesTo: 'dma-iommu', ref: 'drivers/iommu/intel/iommu.c, amd/iommu.c, arm/arm-smmu-v3', doc: 'Which IOMMU driver: decides reserved regions (MSI window on VT-d/AMD) and the IOTLB invalidation model.' },
  { key: 'iommu_mode', kind: 'enum', values: ['lazy', 'strict', 'passthrough'], default: 'lazy', appliesTo: 'dma-iommu', ref: 'drivers/iommu/iommu.c:iommu_subsys_init', doc: 'Default domain: lazy (DMA_FQ, x86 default), strict (DMA), passthrough (IDENTITY: dma-direct).' },
  { key: 'forcedac', kind: 'bool', default: false, appliesTo: 'dma-iommu', ref: 'drivers/iommu/dma-iommu.c:iommu_dma_forcedac', doc: 'iommu.forcedac=1: skip the 32-bit-first IOVA attempt for PCI devices.' },
  { key: 'caching_mode', kind: 'bool', default: false, appliesTo: 'dma-iommu (VT-d)', ref: 'drivers/iommu/intel/iommu.c:__mapping_notify_one', doc: 'VT-d caching mode (emulated vIOMMU): PSI flush on every map and strict unmaps.' },
  { key: 'aperture_bits', kind: 'int', default: 48, min: 32, max: 64, appliesTo: 'dma-iommu', ref: 'drivers/iommu/intel/iommu.c (domain->geometry.aperture_end = 2^gaw - 1)', doc: 'IOMMU input address width (VT-d gaw 48; QEMU intel-iommu aw-bits 39).' },
  { key: 'iommu_granule', kind: 'size', default: 4096, min: 4096, max: 65536, powerOfTwo: true, appliesTo: 'dma-iommu', ref: 'drivers/iommu/dma-iommu.c:iommu_dma_init_domain', doc: 'IOVA granule = smallest page size of the domain (4 KiB, 16 KiB or 64 KiB).' },
  { key: 'ats', kind: 'bool', default: false, appliesTo: 'dma-iommu (VT-d)', ref: 'drivers/iommu/intel/iommu.c:iommu_flush_dev_iotlb', doc: 'Device has ATS enabled: each IOTLB invalidation adds a device-IOTLB invalidation.' },
  // Memory encryption (§1.7, §5.4, §5.5).
  { key: 'mem_encrypt', kind: 'enum', values: ['none', 'sme', 'sev', 'sev-snp', 'tdx', 's390-pv', 'svm'], default: 'none', appliesTo: 'x86, s390, powerpc', ref: 'arch/x86/mm/mem_encrypt.c:force_dma_unencrypted', doc: 'Memory encryption: SME host, SEV/SEV-SNP/TDX guest, s390 protected virtualization, pseries secure VM.' },
  { key: 'sme_c_bit', kind: 'int', default: 47, min: 30, max: 63, appliesTo: 'x86 SME/SEV', ref: 'arch/x86/mm/mem_encrypt_identity.c:sme_enable', doc: 'Position of the C-bit (sme_me_mask = 1 << bit): 47 on EPYC 7001/7002, 51 on 7003/9004.' },
  { key: 'kvm_migration_control', kind: 'bool', default: true, appliesTo: 'x86 SEV', ref: 'arch/x86/mm/mem_encrypt_amd.c:enc_dec_hypercall', doc: 'KVM_FEATURE_MIGRATION_CONTROL: set_memory_decrypted issues KVM_HC_MAP_GPA_RANGE per 4 KiB page.' },
  { key: 'tdx_gpa_width', kind: 'int', default: 52, min: 36, max: 52, appliesTo: 'x86 TDX', ref: 'arch/x86/coco/tdx/tdx.c:tdx_parse_tdinfo', doc: 'TD guest physical address width; the shared bit (cc_mask) is bit gpa_width - 1, in page tables only.' },
  // MIPS (§5.3).
  { key: 'loongson_node_id_offset', kind: 'int', default: 44, min: 36, max: 47, appliesTo: 'loongson64', ref: 'arch/mips/loongson64/init.c (node_id_offset)', doc: 'Bit where the node id goes in DMA addresses: LS7A bridge value + 36, RS780E 37, virtual 44 (identity).' },
  { key: 'octeon_bar_type', kind: 'enum', values: ['pcie', 'pcie2', 'big_bar', 'small_bar'], default: 'pcie', appliesTo: 'octeon', ref: 'arch/mips/cavium-octeon/dma-octeon.c (octeon_dma_bar_type)', doc: 'Which Octeon PCI(e) host: gen1 PCIe, gen2 PCIe, PCI big BAR or small BAR.' },
  { key: 'octeon_bar1_pci_phys', kind: 'address', default: 0, appliesTo: 'octeon small BAR', ref: 'arch/mips/cavium-octeon/dma-octeon.c:octeon_small_phys_to_dma', doc: 'Physical base of the 128 MiB small-BAR window (octeon_bar1_pci_phys).' },
  // Xen (§5.6).
  { key: 'xen_p2m', kind: 'map', default: {}, appliesTo: 'xen-pv', ref: 'drivers/xen/swiotlb-xen.c:xen_phys_to_bus (pfn_to_bfn)', doc: 'PV p2m entries pfn=mfn (hex page frame numbers); pfns not listed map to themselves.' },
  { key: 'grant_first_ref', kind: 'int', default: 16, min: 8, max: 1 << 30, appliesTo: 'xen-grant', ref: 'drivers/xen/grant-table.c:gnttab_alloc_grant_reference_seq', doc: 'First free grant reference (the kernel reserves refs 0..7); an example value, firmware state decides the real one.' },
  { key: 'backend_domid', kind: 'int', default: 0, min: 0, max: 32767, appliesTo: 'xen-grant', ref: 'drivers/xen/grant-dma-ops.c (backend_domid)', doc: 'Domain of the virtio backend that gets foreign access to the granted pages.' },
  // Version switches (§9).
  { key: 'kmalloc_bounce', kind: 'bool', default: false, appliesTo: 'arm64', ref: 'include/linux/dma-map-ops.h:dma_kmalloc_needs_bounce (v6.5)', doc: 'Model the v6.5+ rule: small kmalloc buffers mapped for a non-coherent device bounce through swiotlb. Streaming buffers are then taken to be kmalloc objects.' },
  { key: 'arch_dma_minalign', kind: 'int', default: 128, min: 8, max: 4096, powerOfTwo: true, appliesTo: 'arm64', ref: 'arch/arm64/include/asm/cache.h:ARCH_DMA_MINALIGN', doc: 'ARCH_DMA_MINALIGN; with kmalloc_bounce, buffers below 2x this size may bounce.' },
]);
