// pseries virtual I/O devices (arch/powerpc/platforms/pseries/vio.c): ibmveth, ibmvscsi, ibmvfc... A VIO
// device is not a PCI function, so none of the PCI setup runs: it gets its own TCE window from
// ibm,my-dma-window (4 KiB TCEs, it_blocksize 16, the LPAR hypercall it_ops), 64-bit masks, and since
// dma_iommu_dma_supported only offers bypass to PCI devices, it never gets a dynamic DMA window: every
// map is a hypercall. With FW_FEATURE_CMO (shared-memory partitions) its ops are vio_dma_mapping_ops,
// which charge every mapping against the device's I/O entitlement first.
import type { DmaContext, DmaMapOps, EngineSession, SessionState } from '../engine/ops';
import { hex } from '../engine/bits';
import { defineParams } from '../params/spec';
import { IommuTable } from './tce-table';
import { ppcIommuState } from './iommu-state';
import { dmaIommuOps } from './dma-iommu';
import { windowEntries } from './util';

const SOURCE = 'arch/powerpc/platforms/pseries/vio.c';
/** IOMMU_PAGE_SHIFT_4K: vio_build_iommu_table always uses 4 KiB TCEs. */
const VIO_TCE_SHIFT = 12;
const VIO_TCE_SIZE = 1n << BigInt(VIO_TCE_SHIFT);

defineParams([
  {
    key: 'vio_window_size',
    kind: 'size',
    default: '256M',
    appliesTo: 'pseries (bus=vio)',
    ref: 'arch/powerpc/platforms/pseries/vio.c:vio_build_iommu_table (ibm,my-dma-window); qemu hw/net/spapr_llan.c (rtce_window_size)',
    doc: "Size of the VIO device's own DMA window from ibm,my-dma-window (QEMU's spapr-vlan and spapr-vscsi: 256 MiB at bus 0; PowerVM assigns its own).",
  },
  {
    key: 'vio_cmo',
    kind: 'bool',
    default: false,
    appliesTo: 'pseries (bus=vio)',
    ref: 'arch/powerpc/platforms/pseries/vio.c:vio_register_device_node (FW_FEATURE_CMO)',
    doc: 'The partition has Cooperative Memory Overcommitment (a PowerVM shared-memory partition; QEMU never offers it): VIO devices then use vio_dma_mapping_ops, which charge each mapping against the I/O entitlement before mapping.',
  },
  {
    key: 'vio_cmo_entitled',
    kind: 'size',
    default: 1562624,
    appliesTo: 'pseries (bus=vio, vio_cmo)',
    ref: 'arch/powerpc/include/asm/vio.h:VIO_CMO_MIN_ENT; arch/powerpc/platforms/pseries/vio.c:vio_cmo_bus_probe',
    doc: "The device's I/O entitlement in bytes (at least VIO_CMO_MIN_ENT = 1562624; the driver's get_desired_dma asks for more).",
  },
  {
    key: 'vio_cmo_excess',
    kind: 'size',
    default: 0,
    appliesTo: 'pseries (bus=vio, vio_cmo)',
    ref: 'arch/powerpc/platforms/pseries/vio.c:vio_cmo_alloc (vio_cmo.excess.free)',
    doc: 'Free bytes of the shared excess entitlement pool a device may borrow once the spare pool is full (an example of partition state).',
  },
]);

/** `vio_build_iommu_table`: the device's window, it_offset from the window base (0 on every VIO device). */
export function vioTable(session: EngineSession): IommuTable {
  const size = session.params.vio_window_size as bigint;
  return IommuTable.init({
    itOffset: 0n,
    itSize: windowEntries('vio_window_size', size, VIO_TCE_SHIFT),
    itPageShift: VIO_TCE_SHIFT,
    itBlocksize: 16,
  });
}

/** `vio_register_device_node`: dma ops, the window's table, 64-bit masks. */
export function vioDevSetup(ctx: DmaContext): void {
  const { session, trace } = ctx;
  const { dev, params } = session;
  const state = ppcIommuState(session);
  state.defaultTable ??= vioTable(session);
  state.table = state.defaultTable;
  dev.dmaOps = params.vio_cmo ? VIO_DMA_MAPPING_OPS : 'dma_iommu_ops';
  dev.dmaOffset = 0n;
  const table = state.table;
  trace.stage(
    'vio_register_device_node',
    null,
    null,
    `VIO device: ${params.vio_cmo ? 'FW_FEATURE_CMO, so vio_dma_mapping_ops' : 'dma_iommu_ops'} on its own window from ibm,my-dma-window (bus ${hex(0n)}..${hex((BigInt(table.itSize) << 12n) - 1n)}, ${table.itSize} TCEs of 4 KiB, LPAR hypercall it_ops). Not a PCI device: no pcibios_bus_add_device, no dynamic DMA window.`,
    `${SOURCE}:vio_register_device_node`,
    '§4.3',
  );
}

/** The partition-wide CMO accounting of one device (`viodev->cmo.allocated`). */
class CmoState implements SessionState {
  constructor(public allocated = 0n) {}

  clone(): CmoState {
    return new CmoState(this.allocated);
  }

  fingerprint(): string {
    return this.allocated === 0n ? '' : hex(this.allocated);
  }
}

function cmo(session: EngineSession): CmoState {
  return session.state('powerpc.vio-cmo', () => new CmoState());
}

function roundup(size: bigint, to: bigint): bigint {
  return ((size + to - 1n) / to) * to;
}

/**
 * `vio_cmo_alloc`: the free part of the device's entitlement plus the excess pool must cover the
 * request, else -ENOMEM and the mapping fails before any TCE is touched.
 */
function cmoAlloc(ctx: DmaContext, size: bigint): boolean {
  const { params } = ctx.session;
  const state = cmo(ctx.session);
  const entitled = params.vio_cmo_entitled as bigint;
  const reserveFree = entitled > state.allocated ? entitled - state.allocated : 0n;
  const available = reserveFree + (params.vio_cmo_excess as bigint);
  const ok = available >= size;
  if (ok) state.allocated += size;
  ctx.trace.stage(
    'vio_cmo_alloc',
    null,
    null,
    ok
      ? `Charges ${hex(size)} bytes to the I/O entitlement (${hex(state.allocated)} of ${hex(entitled)} now in use).`
      : `Only ${hex(available)} bytes of entitlement are free for a ${hex(size)}-byte mapping: -ENOMEM, allocs_failed is counted and the map fails.`,
    `${SOURCE}:vio_cmo_alloc`,
    '§4.3',
  );
  if (!ok) ctx.trace.fail('DMA_MAPPING_ERROR: vio_cmo_alloc found no I/O entitlement for the mapping (-ENOMEM)');
  return ok;
}

function cmoDealloc(ctx: DmaContext, size: bigint): void {
  const state = cmo(ctx.session);
  state.allocated = state.allocated > size ? state.allocated - size : 0n;
  ctx.trace.stage(
    'vio_cmo_dealloc',
    null,
    null,
    `Returns ${hex(size)} bytes of I/O entitlement.`,
    `${SOURCE}:vio_cmo_dealloc`,
    '§4.3',
  );
}

const VIO_DMA_MAPPING_OPS = 'vio_dma_mapping_ops';

/** `vio_dma_mapping_ops`: the TCE mapping of dma_iommu_ops wrapped in CMO accounting. */
export const vioDmaMappingOps: DmaMapOps = {
  ...dmaIommuOps,
  name: VIO_DMA_MAPPING_OPS,
  source: SOURCE,
  mapPage(ctx, phys, size, dir, attrs) {
    const charge = roundup(size, VIO_TCE_SIZE);
    if (!cmoAlloc(ctx, charge)) return { dma: null, path: 'ppc-tce' };
    const outcome = dmaIommuOps.mapPage(ctx, phys, size, dir, attrs);
    if (outcome.dma === null) cmoDealloc(ctx, charge);
    return outcome;
  },
  unmapPage(ctx, record, dir, attrs) {
    dmaIommuOps.unmapPage(ctx, record, dir, attrs);
    cmoDealloc(ctx, roundup(record.size, VIO_TCE_SIZE));
  },
  mapSg(ctx, entries, dir, attrs) {
    const charge = entries.reduce((sum, entry) => sum + roundup(entry.size, VIO_TCE_SIZE), 0n);
    if (!cmoAlloc(ctx, charge)) return { out: null, segments: [], path: 'ppc-tce', errno: -12 };
    const outcome = dmaIommuOps.mapSg!(ctx, entries, dir, attrs);
    // Merged segments need fewer TCEs than the entries: the difference goes back at once.
    const used = (outcome.out ?? []).reduce((sum, segment) => sum + roundup(segment.size, VIO_TCE_SIZE), 0n);
    if (charge > used) cmoDealloc(ctx, charge - used);
    return outcome;
  },
  unmapSg(ctx, record, dir, attrs) {
    dmaIommuOps.unmapSg!(ctx, record, dir, attrs);
    const used = (record.sgOut ?? []).reduce((sum, segment) => sum + roundup(segment.size, VIO_TCE_SIZE), 0n);
    cmoDealloc(ctx, used);
  },
  alloc(ctx, size, blocking, attrs) {
    const charge = roundup(size, ctx.session.params.page_size as bigint);
    if (!cmoAlloc(ctx, charge)) return { dma: null, phys: null, size: charge, path: 'error' };
    const outcome = dmaIommuOps.alloc!(ctx, size, blocking, attrs);
    if (outcome.dma === null) cmoDealloc(ctx, charge);
    return outcome;
  },
  free(ctx, record) {
    dmaIommuOps.free!(ctx, record);
    cmoDealloc(ctx, roundup(record.size, ctx.session.params.page_size as bigint));
  },
};
