// Feature negotiation at probe time (spec §6.1, §6.2, §6.5): what the driver accepts from the offered
// features, whether the ring will use the DMA API, and the probe errors confidential guests produce.
import { RequestError } from '../engine/request';
import { TraceBuilder } from '../engine/trace';
import type { OpResult, VirtioTransport } from '../types';
import {
  LEGACY_FEATURE_BITS,
  VIRTIO_TRANSPORT_F_END,
  VIRTIO_TRANSPORT_F_START,
  featureByBit,
  featureMask,
  hasFeature,
  namesOf,
  parseFeature,
} from './features';
import { virtioPlatform, type VirtioPlatform } from './platform';
import type { Negotiated, VirtioContext } from './state';

const SIZE_MAX = (1n << 64n) - 1n;

export function parseOffered(names: readonly string[]): number[] {
  return names.map((name) => {
    const parsed = parseFeature(name);
    if (typeof parsed === 'string') throw new RequestError(parsed);
    return parsed.bit;
  });
}

/** Runs `virtio_dev_probe`'s feature steps; records the outcome in the session state unless probing failed. */
export function virtioNegotiate(
  ctx: VirtioContext,
  offeredBits: number[],
  transportOverride?: VirtioTransport,
  op = 'virtio_negotiate',
): OpResult {
  const platform = virtioPlatform(ctx.params);
  const transport = transportOverride ?? platform.transport;
  const trace = new TraceBuilder(op);
  const offered = readDeviceFeatures(trace, featureMask(offeredBits), transport);
  const accepted = finalizeFeatures(trace, offered, transport);
  trace.details['transport'] = transport;
  trace.details['offered'] = namesOf(offered);
  trace.details['accepted'] = namesOf(accepted);
  trace.details['dropped'] = namesOf(offered & ~accepted);
  const failure = probeChecks(trace, accepted, transport, platform);
  if (failure !== null) {
    trace.path = 'error';
    trace.rule = 'probe fails: the driver never binds';
    return trace.finish(null);
  }
  if (platform.xenGuest && platform.memAccCallback && ctx.params['dma_ops'] !== 'xen_grant_dma_ops') {
    ctx.useGrantDma();
    trace.stage(
      'xen_grant_setup_dma_ops',
      null,
      null,
      `xen_virtio_restricted_mem_acc found dom0 as this domU's backend (xen_grant_init_backend_domid): the parent device's dma_map_ops become xen_grant_dma_ops, so the device sees grant references, not machine addresses.`,
      'drivers/xen/grant-dma-ops.c:xen_virtio_restricted_mem_acc',
      '§6.5',
    );
  }
  const negotiated = selectDmaApi(trace, accepted, platform);
  hostAddressSpace(trace, offered);
  trace.details['useDmaApi'] = negotiated.useDmaApi;
  trace.details['weakBarriers'] = negotiated.weakBarriers;
  const maxDma = negotiated.useDmaApi ? ctx.maxMappingSize() : SIZE_MAX;
  trace.details['maxDmaSize'] = maxDma;
  trace.stage(
    'virtio_max_dma_size',
    null,
    maxDma,
    negotiated.useDmaApi
      ? 'With the DMA API the largest single mapping is dma_max_mapping_size() of the parent device (256 KiB under forced swiotlb); virtio-blk uses it as max_segment_size.'
      : 'Without the DMA API there is no mapping limit (SIZE_MAX).',
    'drivers/virtio/virtio_ring.c:virtio_max_dma_size',
    '§6.3',
  );
  ctx.state.negotiated = negotiated;
  trace.path = negotiated.useDmaApi ? ctx.dmaPath() : 'no-dma-api';
  trace.rule = negotiated.useDmaApi
    ? 'desc.addr = dma_map_page(parent, sg) through the platform path'
    : 'desc.addr = sg_phys(sg) (guest-physical, no translation)';
  return trace.finish(null);
}

function readDeviceFeatures(trace: TraceBuilder, offered: bigint, transport: VirtioTransport): bigint {
  if (transport !== 'pci-legacy') {
    trace.stage(
      'get_features',
      null,
      null,
      `The ${transport} transport reads all 64 offered feature bits: ${namesOf(offered).join(', ') || 'none'}.`,
      transportRef(transport),
      '§6.1',
    );
    return offered;
  }
  const visible = offered & ((1n << BigInt(LEGACY_FEATURE_BITS)) - 1n);
  const lost = namesOf(offered & ~visible);
  trace.stage(
    'vp_get_features',
    null,
    null,
    `Legacy virtio-pci has a 32-bit feature register${lost.length ? `, so ${lost.join(', ')} cannot be offered` : ''}.`,
    'drivers/virtio/virtio_pci_legacy.c:vp_get_features',
    '§6.1',
  );
  return visible;
}

function transportRef(transport: VirtioTransport): string {
  switch (transport) {
    case 'pci-modern':
      return 'drivers/virtio/virtio_pci_modern.c:vp_get_features';
    case 'pci-legacy':
      return 'drivers/virtio/virtio_pci_legacy.c:vp_get_features';
    case 'mmio':
      return 'drivers/virtio/virtio_mmio.c:vm_get_features';
    case 'ccw':
      return 'drivers/s390/virtio/virtio_ccw.c:virtio_ccw_get_features';
  }
}

/**
 * virtio_dev_probe keeps device-class bits the driver lists (assumed: every offered device-class bit), copies
 * the transport range, and finalize_features lets vring_transport_features clear what 6.1 does not implement.
 */
function finalizeFeatures(trace: TraceBuilder, offered: bigint, transport: VirtioTransport): bigint {
  const modern = hasFeature(offered, 'VERSION_1');
  let accepted = 0n;
  const cleared: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if (!((offered >> BigInt(bit)) & 1n)) continue;
    const known = featureByBit(bit);
    const inTransportRange = bit >= VIRTIO_TRANSPORT_F_START && bit < VIRTIO_TRANSPORT_F_END;
    let keep: boolean;
    if (!known) keep = !inTransportRange;
    else if (known.handling === 'kept') keep = true;
    else if (known.handling === 'pci-kept') keep = transport === 'pci-modern';
    else if (known.handling === 'legacy') keep = !modern;
    else keep = false;
    if (keep) accepted |= 1n << BigInt(bit);
    else cleared.push(known?.name ?? `bit ${bit}`);
  }
  trace.stage(
    'vring_transport_features',
    offered,
    accepted,
    cleared.length
      ? `Linux 6.1 does not implement ${cleared.join(', ')}, so the driver does not accept ${cleared.length === 1 ? 'it' : 'them'}.`
      : "Every offered feature is accepted (device-class bits are assumed to be in the driver's feature table).",
    'drivers/virtio/virtio_ring.c:vring_transport_features',
    '§6.1',
  );
  return accepted;
}

/** Returns the failure message or null; records it as the trace's error. */
function probeChecks(
  trace: TraceBuilder,
  accepted: bigint,
  transport: VirtioTransport,
  platform: VirtioPlatform,
): string | null {
  const version1 = hasFeature(accepted, 'VERSION_1');
  if (transport === 'pci-modern' && !version1) {
    return fail(
      trace,
      'device uses modern interface but does not have VIRTIO_F_VERSION_1',
      '-EINVAL',
      'vp_finalize_features',
      'drivers/virtio/virtio_pci_modern.c:vp_finalize_features',
      'A modern virtio-pci device must offer VERSION_1; probing stops with dev_err.',
    );
  }
  if (platform.memAccCallback) {
    if (!version1) {
      return fail(
        trace,
        'device must provide VIRTIO_F_VERSION_1',
        '-ENODEV',
        'virtio_features_ok',
        'drivers/virtio/virtio.c:virtio_features_ok',
        `${installedBy(platform)} installed virtio_check_mem_acc_cb (restricted memory access), which requires VERSION_1.`,
      );
    }
    if (!hasFeature(accepted, 'ACCESS_PLATFORM')) {
      return fail(
        trace,
        'device must provide VIRTIO_F_ACCESS_PLATFORM',
        '-ENODEV',
        'virtio_features_ok',
        'drivers/virtio/virtio.c:virtio_features_ok',
        `${installedBy(platform)} installed virtio_check_mem_acc_cb: the host cannot read private guest memory, so the device must go through the DMA API.`,
      );
    }
  }
  trace.stage(
    'virtio_features_ok',
    null,
    null,
    version1
      ? `${platform.memAccCallback ? 'Restricted memory access satisfied; ' : ''}FEATURES_OK is set and the device keeps it.`
      : 'A legacy device (no VERSION_1) skips FEATURES_OK.',
    'drivers/virtio/virtio.c:virtio_features_ok',
    '§6.5',
  );
  return null;
}

/** Names the code that installed the callback, or says it was forced by the virtio_mem_acc parameter. */
function installedBy(platform: VirtioPlatform): string {
  return platform.memAccInstaller ?? 'The virtio_mem_acc parameter says the platform';
}

function fail(trace: TraceBuilder, message: string, errno: string, fn: string, ref: string, note: string): string {
  trace.stage(fn, null, null, `${note} Probe returns ${errno}.`, ref, '§6.5');
  trace.details['errno'] = errno;
  trace.fail(message);
  return message;
}

function selectDmaApi(trace: TraceBuilder, accepted: bigint, platform: VirtioPlatform): Negotiated {
  const accessPlatform = hasFeature(accepted, 'ACCESS_PLATFORM');
  const useDmaApi = accessPlatform || platform.xenGuest;
  const why = accessPlatform
    ? 'ACCESS_PLATFORM was negotiated (no DMA quirk): buffers go through the DMA API of the parent device.'
    : platform.xenGuest
      ? 'No ACCESS_PLATFORM, but every Xen guest uses the DMA API (xen_domain()).'
      : 'No ACCESS_PLATFORM (virtio_has_dma_quirk): descriptors carry guest-physical addresses and bypass any IOMMU.';
  trace.stage('vring_use_dma_api', null, null, why, 'drivers/virtio/virtio_ring.c:vring_use_dma_api', '§6.2');
  const orderPlatform = hasFeature(accepted, 'ORDER_PLATFORM');
  trace.stage(
    '__vring_new_virtqueue',
    null,
    null,
    orderPlatform
      ? 'ORDER_PLATFORM forces weak_barriers = false: the ring uses dma_* barriers.'
      : 'weak_barriers stays as the transport passed it (true): the ring uses virt_* barriers.',
    'drivers/virtio/virtio_ring.c:__vring_new_virtqueue',
    '§6.1',
  );
  return { features: accepted, useDmaApi, weakBarriers: !orderPlatform };
}

/** QEMU picks the device's address space at plug time from the offered (not negotiated) feature (spec §6.6). */
function hostAddressSpace(trace: TraceBuilder, offered: bigint): void {
  const text = hasFeature(offered, 'ACCESS_PLATFORM')
    ? 'QEMU: iommu_platform=on, dma_as = pci_get_address_space() (the vIOMMU/TCE space if the bus has one, else system memory).'
    : 'QEMU: dma_as = address_space_memory; the device reads guest-physical addresses directly.';
  trace.note(text, 'probe');
}
