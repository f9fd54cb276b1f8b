// The guest's /init: a busybox shell script that loads the virtio modules, arms the trace sources before
// the virtio PCI driver probes, runs the configuration's I/O, and prints the trace on the console between
// markers before powering off. Kernel functions are probed by their arguments' registers (6.1 powerpc
// kprobes have no $argN), and struct page pointers are logged raw: the host turns them into physical
// addresses with the architecture's vmemmap base.
import type { GuestArch } from './guest-kernels';

const ARGUMENT_REGISTERS: Record<GuestArch, string[]> = {
  amd64: ['%di', '%si', '%dx', '%cx', '%r8', '%r9'],
  ppc64el: ['%r3', '%r4', '%r5', '%r6', '%r7', '%r8'],
};

export const MARKERS = {
  begin: 'DMALENS-BEGIN-TRACE',
  end: 'DMALENS-END-TRACE',
  probeFailed: 'DMALENS-PROBE-FAILED',
  ioFailed: 'DMALENS-IO-FAILED',
} as const;

/**
 * The modules the guest loads, by name: those before tracing starts, then the transport whose probe is
 * traced, then the workload's drivers. kernel-modules.ts adds their dependencies and orders them (6.1.192's
 * virtio needs virtio_ring, 6.1.176's did not).
 */
export const MODULES = {
  beforeTracing: ['virtio', 'virtio_ring', 'virtio_pci_modern_dev', 'virtio_pci_legacy_dev'],
  traced: ['virtio_pci'],
} as const;

export interface ModuleOrder {
  beforeTracing: string[];
  traced: string[];
}

/** kprobe_events lines: `$n` stands for the n-th argument's register (0-based). */
const PROBES = [
  // The device's name is the first field of struct device (its kobject's name).
  'p:dmalens/dma_map dma_map_page_attrs dev=+0(+0($0)):string page=$1:x64 off=$2:x64 size=$3:x64 dir=$4:s32',
  'r:dmalens/dma_map_ret dma_map_page_attrs dma=$retval:x64',
  'p:dmalens/dma_unmap dma_unmap_page_attrs dev=+0(+0($0)):string dma=$1:x64 size=$2:x64 dir=$3:s32',
  'p:dmalens/dma_alloc dma_alloc_attrs dev=+0(+0($0)):string size=$1:x64',
  'r:dmalens/dma_alloc_ret dma_alloc_attrs virt=$retval:x64',
  'p:dmalens/dma_free dma_free_attrs dev=+0(+0($0)):string size=$1:x64 dma=$3:x64',
  'r:dmalens/swiotlb_slot swiotlb_tbl_map_single slot=$retval:x64',
  'p:dmalens/set_mask dma_set_mask dev=+0(+0($0)):string mask=$1:x64',
  'p:dmalens/set_coherent_mask dma_set_coherent_mask dev=+0(+0($0)):string mask=$1:x64',
  'p:dmalens/queue_address virtio_pci_modern_dev:vp_modern_queue_address index=$1:u16 desc=$2:x64 driver=$3:x64 device=$4:x64',
];

/**
 * Fetches that differ per architecture: amd64 has kallsyms for data, so its layout bases (KASLR aside) and
 * the swiotlb pool's start (the first field of io_tlb_default_mem) are read; ppc64el's are constants.
 */
const EXTRA_FETCHES: Record<GuestArch, Record<string, string>> = {
  amd64: {
    'dmalens/dma_map': ' vmemmap=@vmemmap_base:x64',
    'dmalens/dma_alloc_ret': ' pob=@page_offset_base:x64',
    'dmalens/swiotlb_slot': ' pool=@io_tlb_default_mem:x64',
  },
  ppc64el: {},
};

/** Probes of code only one architecture has: dma-iommu's flush-queue timer exists only on amd64 here. */
const ARCH_PROBES: Record<GuestArch, string[]> = {
  amd64: ['p:dmalens/fq_timeout fq_flush_timeout'],
  ppc64el: [],
};

export function probeLines(arch: GuestArch): string[] {
  const registers = ARGUMENT_REGISTERS[arch];
  return [...PROBES, ...ARCH_PROBES[arch]].map((line) => {
    const name = line.split(' ')[0]!.slice(2);
    return line.replace(/\$(\d)/g, (_, index: string) => registers[Number(index)]!) + (EXTRA_FETCHES[arch][name] ?? '');
  });
}

/** powerpc TCE hypercalls (H_PUT_TCE, H_STUFF_TCE, H_PUT_TCE_INDIRECT). */
export const TCE_HCALLS = { H_PUT_TCE: 0x20, H_STUFF_TCE: 0x138, H_PUT_TCE_INDIRECT: 0x13c } as const;

/** The OPAL firmware call a bare-metal POWER9 makes to invalidate TCEs (arch/powerpc/include/asm/opal-api.h). */
export const OPAL_PCI_TCE_KILL = 126;

export interface GuestWorkload {
  /** The virtio drivers to load after the transport (virtio_blk, virtio_net). */
  drivers: string[];
  /** A shell `test` expression that holds once the driver has probed, and what it waits for, in words. */
  ready: { test: string; what: string };
  /** Shell commands run once the device has probed; each must succeed. */
  commands: string[];
}

/** `modules` are file names under /modules, each list in load order. */
export function initScript(workload: GuestWorkload, modules: ModuleOrder): string {
  const tceFilter = Object.values(TCE_HCALLS)
    .map((opcode) => `opcode == 0x${opcode.toString(16)}`)
    .join(' || ');
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tracefs tracefs /sys/kernel/tracing
T=/sys/kernel/tracing
${modules.beforeTracing.map((name) => `insmod /modules/${name}`).join('\n')}
while read -r line; do
  echo "$line" >> $T/kprobe_events || echo "${MARKERS.probeFailed} $line"
done < /probes
echo 1 > $T/events/dmalens/enable
if [ -d $T/events/iommu ]; then
  echo 1 > $T/events/iommu/map/enable
  echo 1 > $T/events/iommu/unmap/enable
fi
[ -d $T/events/intel_iommu ] && echo 1 > $T/events/intel_iommu/qi_submit/enable
if [ -d $T/events/powerpc/hcall_entry ]; then
  echo '${tceFilter}' > $T/events/powerpc/hcall_entry/filter
  echo 1 > $T/events/powerpc/hcall_entry/enable
fi
if [ -d $T/events/powerpc/opal_entry ]; then
  echo 'opcode == ${OPAL_PCI_TCE_KILL}' > $T/events/powerpc/opal_entry/filter
  echo 1 > $T/events/powerpc/opal_entry/enable
fi
echo 16384 > $T/buffer_size_kb
echo 1 > $T/tracing_on
${modules.traced.map((name) => `insmod /modules/${name}`).join('\n')}
# The device appears when its driver has probed, which takes seconds on a loaded machine under TCG.
i=0
while ! [ ${workload.ready.test} ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
[ ${workload.ready.test} ] || echo "${MARKERS.ioFailed} ${workload.ready.what} did not appear within 120 s"

${workload.commands.map((command) => `${command} || echo "${MARKERS.ioFailed} ${command.replace(/"/g, "'")}"`).join('\n')}
echo 0 > $T/tracing_on
echo '${MARKERS.begin}'
cat $T/trace
echo '${MARKERS.end}'
# The host stops QEMU once it has read the end marker: powering off here could cut the console's last
# buffered output on a slow machine. The power-off is only a fallback.
sleep 600
poweroff -f
`;
}
