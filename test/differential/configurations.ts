// The guest configurations the differential suite boots, each with the simulation it is compared with: a
// built-in profile and the parameters that state this guest's machine (its RAM, the page size the
// hypervisor offers for DDW, caching mode), never parameters fitted to the answer. The one fact of a boot that
// no profile can know, where a powerpc guest's memblock put its swiotlb pool, is read from the guest and
// named so (POOL_FROM_GUEST).
import { GUEST_RAM, type GuestMachine } from './boot-guest';
import type { GuestArch } from './guest-kernels';
import type { GuestWorkload } from './guest-init';

export interface Configuration {
  id: string;
  title: string;
  arch: GuestArch;
  /** QEMU -device options, in order (the vIOMMU before the device it translates for). */
  devices: string[];
  /** A QEMU -netdev backend for a network device. */
  netdev?: string;
  /** The QEMU machine when not the architecture's usual one (q35 for amd64, pseries for ppc64el). */
  machine?: GuestMachine;
  cmdline: string[];
  workload: GuestWorkload;
  platform: string;
  params: Record<string, unknown>;
  /** The virtio features of the device that decide vring_use_dma_api; absent for a device that is not virtio. */
  offered?: string[];
}

const BLK = 'virtio-blk-pci,drive=disk0';
// QEMU's user networking answers DHCP, so the guest's udhcpc sends and receives real frames.
const USER_NETDEV = 'user,id=net0';
const NET = 'virtio-net-pci,netdev=net0';
const ACCESS_PLATFORM = 'iommu_platform=on,disable-legacy=on';
// QEMU 7.2's virtio-blk-pci is transitional unless disable-legacy=on, and the 6.1 driver takes the modern
// interface either way: VERSION_1 is negotiated in every configuration.
const PLAIN_FEATURES = ['VERSION_1'];
const PLATFORM_FEATURES = ['VERSION_1', 'ACCESS_PLATFORM'];

/** Reads with O_DIRECT: the request's pages are the user buffer's, as scattered as the guest made them. */
const READS: GuestWorkload = {
  drivers: ['virtio_blk'],
  ready: { test: '-b /dev/vda', what: '/dev/vda' },
  commands: [
    'dd if=/dev/vda of=/dev/null bs=65536 count=2 iflag=direct 2>/dev/null',
    'dd if=/dev/vda of=/dev/null bs=262144 count=1 skip=3 iflag=direct 2>/dev/null',
  ],
};

/** Brings the interface up and runs one DHCP exchange: receive buffers are posted, frames go both ways. */
const DHCP: GuestWorkload = {
  drivers: ['virtio_net'],
  ready: { test: '-e /sys/class/net/eth0', what: 'eth0' },
  commands: ['ip link set eth0 up', 'udhcpc -i eth0 -n -q -t 3 -T 2 -s /bin/true >/dev/null 2>&1'],
};

/**
 * A parameter the replay reads from the guest rather than from the profile: where the guest's memblock put the
 * swiotlb pool, when that depends on what the boot allocated before it. powerpc's mem_init allocates the pool
 * bottom-up, just above the kernel image, the initrd and the early allocations, and prints it nowhere (no
 * SWIOTLB_VERBOSE, no data symbols for a kprobe to read): a fresh pool hands out its first slot first, so the
 * guest's first bounce is the pool's start. An x86 guest with RAM above 4 GiB puts it top-down below what
 * QEMU's loader placed at the top of low RAM (the initrd); its kprobe reads the pool's start itself.
 */
export const POOL_FROM_GUEST = 'read from the guest';

/** The guest's machine as the simulation needs it: the RAM QEMU gives it, and the DDW page size it offers. */
const X86_GUEST = { ram: GUEST_RAM };
/** QEMU's intel-iommu gives domains a 39-bit address width by default (aw-bits=39). */
const VTD_GUEST = { ...X86_GUEST, aperture_bits: 39 };
const PSERIES_GUEST = { ram: GUEST_RAM, ddw_page_size: '16M' };

export const CONFIGURATIONS: Configuration[] = [
  {
    id: 'x86-swiotlb-plain',
    title: 'x86 q35, no IOMMU, swiotlb=force, plain virtio',
    arch: 'amd64',
    devices: [BLK],
    cmdline: ['swiotlb=force'],
    workload: READS,
    platform: 'x86_64',
    params: { ...X86_GUEST, swiotlb_force: true },
    offered: PLAIN_FEATURES,
  },
  {
    id: 'x86-swiotlb-access-platform',
    title: 'x86 q35, no IOMMU, swiotlb=force, iommu_platform=on',
    arch: 'amd64',
    devices: [`${BLK},${ACCESS_PLATFORM}`],
    cmdline: ['swiotlb=force'],
    workload: READS,
    platform: 'x86_64',
    params: { ...X86_GUEST, swiotlb_force: true },
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'x86-vtd-plain',
    title: 'x86 q35, intel-iommu, plain virtio (the 2018 LKML case)',
    arch: 'amd64',
    devices: ['intel-iommu', BLK],
    cmdline: ['intel_iommu=on'],
    workload: READS,
    platform: 'x86_64-vtd',
    params: VTD_GUEST,
    offered: PLAIN_FEATURES,
  },
  {
    id: 'x86-vtd-lazy',
    title: 'x86 q35, intel-iommu, iommu_platform=on, lazy invalidation',
    arch: 'amd64',
    devices: ['intel-iommu', `${BLK},${ACCESS_PLATFORM}`],
    cmdline: ['intel_iommu=on'],
    workload: READS,
    platform: 'x86_64-vtd',
    params: VTD_GUEST,
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'x86-vtd-strict',
    title: 'x86 q35, intel-iommu caching-mode=on (strict), iommu_platform=on',
    arch: 'amd64',
    devices: ['intel-iommu,caching-mode=on', `${BLK},${ACCESS_PLATFORM}`],
    cmdline: ['intel_iommu=on'],
    workload: READS,
    platform: 'x86_64-vtd',
    params: { ...VTD_GUEST, caching_mode: true },
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'x86-vtd-strict-cmdline',
    title: 'x86 q35, intel-iommu, iommu_platform=on, iommu.strict=1',
    arch: 'amd64',
    devices: ['intel-iommu', `${BLK},${ACCESS_PLATFORM}`],
    cmdline: ['intel_iommu=on', 'iommu.strict=1'],
    workload: READS,
    platform: 'x86_64-vtd',
    params: { ...VTD_GUEST, iommu_mode: 'strict' },
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'x86-vtd-net',
    title: 'x86 q35, intel-iommu, virtio-net with iommu_platform=on (DHCP), lazy invalidation',
    arch: 'amd64',
    devices: ['intel-iommu', `${NET},${ACCESS_PLATFORM}`],
    netdev: USER_NETDEV,
    cmdline: ['intel_iommu=on'],
    workload: DHCP,
    platform: 'x86_64-vtd',
    params: VTD_GUEST,
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'pseries-plain',
    title: 'pseries, plain virtio',
    arch: 'ppc64el',
    devices: [BLK],
    cmdline: [],
    workload: READS,
    platform: 'pseries',
    params: PSERIES_GUEST,
    offered: PLAIN_FEATURES,
  },
  {
    id: 'pseries-ddw',
    title: 'pseries, iommu_platform=on (64-bit DDW direct window)',
    arch: 'ppc64el',
    devices: [`${BLK},${ACCESS_PLATFORM}`],
    cmdline: [],
    workload: READS,
    platform: 'pseries',
    params: PSERIES_GUEST,
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'pseries-no-ddw',
    title: 'pseries, iommu_platform=on, disable_ddw (32-bit TCE window)',
    arch: 'ppc64el',
    devices: [`${BLK},${ACCESS_PLATFORM}`],
    cmdline: ['disable_ddw'],
    workload: READS,
    platform: 'pseries',
    params: { ...PSERIES_GUEST, ddw: 'off' },
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'pseries-net-ddw',
    title: 'pseries, virtio-net with iommu_platform=on (DHCP), 64-bit DDW direct window',
    arch: 'ppc64el',
    devices: [`${NET},${ACCESS_PLATFORM}`],
    netdev: USER_NETDEV,
    cmdline: [],
    workload: DHCP,
    platform: 'pseries',
    params: PSERIES_GUEST,
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'pseries-net-no-ddw',
    title: 'pseries, virtio-net with iommu_platform=on (DHCP), disable_ddw (32-bit TCE window)',
    arch: 'ppc64el',
    devices: [`${NET},${ACCESS_PLATFORM}`],
    netdev: USER_NETDEV,
    cmdline: ['disable_ddw'],
    workload: DHCP,
    platform: 'pseries',
    params: { ...PSERIES_GUEST, ddw: 'off' },
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'x86-swiotlb-net',
    title: 'x86 q35, no IOMMU, swiotlb=force, virtio-net with iommu_platform=on (DHCP)',
    arch: 'amd64',
    devices: [`${NET},${ACCESS_PLATFORM}`],
    netdev: USER_NETDEV,
    cmdline: ['swiotlb=force'],
    workload: DHCP,
    platform: 'x86_64',
    params: { ...X86_GUEST, swiotlb_force: true },
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'pseries-swiotlb-ddw',
    title: 'pseries, swiotlb=force, iommu_platform=on (64-bit DDW direct window)',
    arch: 'ppc64el',
    devices: [`${BLK},${ACCESS_PLATFORM}`],
    cmdline: ['swiotlb=force'],
    workload: READS,
    platform: 'pseries',
    params: { ...PSERIES_GUEST, swiotlb_force: true, swiotlb_start: POOL_FROM_GUEST },
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'powernv-bypass',
    title: 'powernv (POWER9, PHB4), iommu_platform=on (64-bit TCE bypass)',
    arch: 'ppc64el',
    machine: 'powernv9',
    // The first host bridge's root port: powernv has no PCI bus of its own.
    devices: [`${BLK},${ACCESS_PLATFORM},bus=pcie.0`],
    cmdline: [],
    workload: READS,
    platform: 'powernv',
    params: { ram: GUEST_RAM },
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'powernv-swiotlb-bypass',
    title: 'powernv (POWER9, PHB4), swiotlb=force, iommu_platform=on (64-bit TCE bypass)',
    arch: 'ppc64el',
    machine: 'powernv9',
    devices: [`${BLK},${ACCESS_PLATFORM},bus=pcie.0`],
    cmdline: ['swiotlb=force'],
    workload: READS,
    platform: 'powernv',
    params: { ram: GUEST_RAM, swiotlb_force: true, swiotlb_start: POOL_FROM_GUEST },
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'powernv-nobypass',
    title: 'powernv (POWER9, PHB4), iommu_platform=on, iommu=nobypass (32-bit TCE window)',
    arch: 'ppc64el',
    machine: 'powernv9',
    devices: [`${BLK},${ACCESS_PLATFORM},bus=pcie.0`],
    cmdline: ['iommu=nobypass'],
    workload: READS,
    platform: 'powernv',
    params: { ram: GUEST_RAM, tce_bypass: false },
    offered: PLATFORM_FEATURES,
  },
  {
    id: 'x86-8g-e1000',
    title: 'x86 q35 with 8 GiB, no IOMMU, an e1000 NIC (32-bit DMA mask) running DHCP',
    arch: 'amd64',
    devices: ['e1000,netdev=net0'],
    netdev: USER_NETDEV,
    cmdline: [],
    workload: { ...DHCP, drivers: ['e1000'] },
    platform: 'x86_64',
    // QEMU's q35 with more than 2.75 GiB keeps 2 GiB of RAM below its 2 GiB PCI hole and the rest from 4 GiB.
    params: {
      ram: '8G',
      mmio_hole_start: '0x80000000',
      mmio_hole_size: '2G',
      swiotlb_start: POOL_FROM_GUEST,
    },
  },
];
