// Parameters the virtio stages read. Registered in the shared catalogue so that `--set`, JSON requests,
// settings and the reference page know them.
import { defineParams } from '../params/spec';

defineParams([
  {
    key: 'virtio_transport',
    kind: 'enum',
    values: ['auto', 'pci-modern', 'pci-legacy', 'mmio', 'ccw'],
    default: 'auto',
    doc: 'The virtio transport (auto: ccw on s390, else modern virtio-pci) of the device: it fixes the vring alignment (SMP_CACHE_BYTES for modern PCI, 4096 for legacy PCI and ccw, PAGE_SIZE for mmio) and whether feature bits above 31 can be offered (not on legacy PCI).',
    ref: 'drivers/virtio/virtio_pci_modern.c:setup_vq, drivers/virtio/virtio_pci_legacy.c:vp_get_features, spec §6.1 §6.4',
    appliesTo: '*',
  },
  {
    key: 'virtio_features',
    kind: 'list',
    default: ['VERSION_1', 'INDIRECT_DESC', 'EVENT_IDX'],
    doc: 'Features the virtio device offers when no explicit virtio_negotiate request ran, e.g. VERSION_1,ACCESS_PLATFORM,INDIRECT_DESC. QEMU offers ACCESS_PLATFORM only with iommu_platform=on.',
    ref: 'drivers/virtio/virtio.c:virtio_dev_probe, qemu hw/virtio/virtio-bus.c:virtio_bus_device_plugged, spec §6.6',
    appliesTo: '*',
  },
  {
    key: 'virtio_mem_acc',
    kind: 'enum',
    values: ['auto', 'true', 'false'],
    default: 'auto',
    doc: 'Whether the platform installed virtio_check_mem_acc_cb (restricted memory access). auto: true for mem_encrypt sev/sev-snp/s390-pv, Xen guests, and TDX guests when amd_mem_encrypt is true (6.1 sev_setup_arch runs for them); false on TDX without CONFIG_AMD_MEM_ENCRYPT and on pseries SVM. When true, probing a device without VERSION_1 and ACCESS_PLATFORM fails with -ENODEV.',
    ref: 'drivers/virtio/virtio.c:virtio_features_ok, drivers/virtio/virtio_anchor.c, arch/x86/mm/mem_encrypt_amd.c:sev_setup_arch, spec §6.5',
    appliesTo: '*',
  },
  {
    key: 'virtio_xen',
    kind: 'enum',
    values: ['auto', 'true', 'false'],
    default: 'auto',
    doc: 'The guest runs on Xen (xen_domain()): vring_use_dma_api is then true even without ACCESS_PLATFORM. auto: true when dma_ops is a Xen ops.',
    ref: 'drivers/virtio/virtio_ring.c:vring_use_dma_api, spec §6.2',
    appliesTo: '*',
  },
]);
