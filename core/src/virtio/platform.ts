// The platform facts the virtio stages depend on, read from the session's resolved parameters with the
// family defaults of spec §6 when a profile does not set them.
import type { Params } from '../params/spec';
import type { VirtioTransport } from '../types';

export interface VirtioPlatform {
  transport: VirtioTransport;
  /** virtio_check_mem_acc_cb installed (SEV, s390 PV, Xen; TDX on a CONFIG_AMD_MEM_ENCRYPT kernel in 6.1). */
  memAccCallback: boolean;
  /** Who installs the callback on this platform, for the probe-failure explanation; null when nobody does. */
  memAccInstaller: string | null;
  /** xen_domain(): forces the DMA API on (spec §6.2). */
  xenGuest: boolean;
  /** Feature names the device offers when no virtio_negotiate request ran (validated by parseOffered). */
  defaultOffered: string[];
  /** SMP_CACHE_BYTES (L1_CACHE_BYTES) of the architecture: the modern virtio-pci vring alignment. */
  smpCacheBytes: number;
  pageSize: bigint;
}

/**
 * SMP_CACHE_BYTES = L1_CACHE_BYTES per architecture in 6.1 (arch/<arch>/include/asm/cache.h), keyed by the
 * engine's arch_dma parameter. powerpc is taken as ppc64 (128); 32-bit e500/CHRP boards have 32-byte lines.
 */
const SMP_CACHE_BYTES: Record<string, number> = {
  generic: 64,
  x86: 64,
  arm64: 64,
  arm: 64,
  powerpc: 128,
  loongson64: 64,
  octeon: 128,
  s390: 256,
};

/** QEMU's default offer for a virtio-net/blk device without iommu_platform=on (spec §6.6). */
const QEMU_DEFAULT_OFFER = ['VERSION_1', 'INDIRECT_DESC', 'EVENT_IDX'];

export function virtioPlatform(params: Params): VirtioPlatform {
  const arch = String(params['arch_dma'] ?? 'generic');
  const configured = params['virtio_transport'];
  const transport: VirtioTransport =
    configured === undefined || configured === 'auto'
      ? arch === 's390'
        ? 'ccw'
        : 'pci-modern'
      : (configured as VirtioTransport);
  const memEncrypt = params['mem_encrypt'];
  const xenGuest = String(params['dma_ops'] ?? '').startsWith('xen_');
  const installer = memAccInstaller(memEncrypt, params['amd_mem_encrypt'] !== false, xenGuest);
  // xen_virtio_restricted_mem_acc restricts a device only when xen_grant_init_backend_domid finds a backend:
  // in a PV domU, dom0; never in dom0 itself.
  const restricted = installer !== null && !(xenGuest && params['xen_initial_domain'] === true);
  const offered = (params['virtio_features'] as string[] | undefined) ?? QEMU_DEFAULT_OFFER;
  const pageSize = params['page_size'];
  return {
    transport,
    memAccCallback: autoBool(params['virtio_mem_acc'], restricted),
    memAccInstaller: installer,
    xenGuest: autoBool(params['virtio_xen'], xenGuest),
    defaultOffered: offered,
    smpCacheBytes: SMP_CACHE_BYTES[arch] ?? 64,
    pageSize: typeof pageSize === 'bigint' ? pageSize : typeof pageSize === 'number' ? BigInt(pageSize) : 4096n,
  };
}

/**
 * The 6.1 code that calls virtio_set_mem_acc_cb(virtio_require_restricted_mem_acc) on this platform (spec §6.5).
 * x86 `sev_setup_arch` exists only with CONFIG_AMD_MEM_ENCRYPT (parameter amd_mem_encrypt, unset = its
 * default true) and tests CC_ATTR_GUEST_MEM_ENCRYPT, which TDX guests report as well as SEV guests.
 */
function memAccInstaller(memEncrypt: unknown, amdMemEncrypt: boolean, xenGuest: boolean): string | null {
  if (memEncrypt === 'sev' || memEncrypt === 'sev-snp') return 'arch/x86/mm/mem_encrypt_amd.c:sev_setup_arch';
  if (memEncrypt === 'tdx' && amdMemEncrypt)
    return 'arch/x86/mm/mem_encrypt_amd.c:sev_setup_arch (CONFIG_AMD_MEM_ENCRYPT=y; TDX reports CC_ATTR_GUEST_MEM_ENCRYPT)';
  if (memEncrypt === 's390-pv') return 'arch/s390/mm/init.c:pv_init';
  if (xenGuest)
    return 'arch/x86/xen/enlighten_pv.c:xen_pv_init_platform (xen_virtio_restricted_mem_acc, which found dom0 as the grant backend of this domU)';
  return null;
}

/** 'auto' (or unset) takes the platform-derived value; 'true'/'false' override it. */
function autoBool(value: unknown, derived: boolean): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return derived;
}
