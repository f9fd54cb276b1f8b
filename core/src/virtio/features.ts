// The virtio feature bits the ring and transports understand, with their 6.1 handling (spec §6.1,
// include/uapi/linux/virtio_config.h, include/uapi/linux/virtio_ring.h, drivers/virtio/virtio_ring.c:vring_transport_features).

/** How Linux 6.1 treats an offered transport feature bit. */
export type FeatureHandling =
  | 'kept' // vring_transport_features keeps it
  | 'cleared' // vring_transport_features clears it: the 6.1 driver does not implement it
  | 'pci-kept' // cleared by vring_transport_features, set again by virtio-pci modern's vp_transport_features
  | 'legacy'; // below VIRTIO_TRANSPORT_F_START: a legacy-only bit that only legacy driver feature tables list

export interface FeatureBit {
  name: string;
  /** The kernel macro, e.g. VIRTIO_F_ACCESS_PLATFORM. */
  macro: string;
  bit: number;
  handling: FeatureHandling;
  /** Other spellings users may type. */
  aliases: readonly string[];
  doc: string;
}

export const VIRTIO_TRANSPORT_F_START = 28;
/** Exclusive end of the transport range in 6.1 (later kernels: 42). */
export const VIRTIO_TRANSPORT_F_END = 41;
/** A legacy virtio-pci device exposes a 32-bit feature register (drivers/virtio/virtio_pci_legacy.c:vp_get_features). */
export const LEGACY_FEATURE_BITS = 32;

export const FEATURE_BITS: readonly FeatureBit[] = [
  {
    name: 'NOTIFY_ON_EMPTY',
    macro: 'VIRTIO_F_NOTIFY_ON_EMPTY',
    bit: 24,
    handling: 'legacy',
    aliases: [],
    doc: 'legacy: notify when the avail ring empties',
  },
  {
    name: 'ANY_LAYOUT',
    macro: 'VIRTIO_F_ANY_LAYOUT',
    bit: 27,
    handling: 'legacy',
    aliases: [],
    doc: 'legacy: no framing assumptions (implied by VERSION_1)',
  },
  {
    name: 'INDIRECT_DESC',
    macro: 'VIRTIO_RING_F_INDIRECT_DESC',
    bit: 28,
    handling: 'kept',
    aliases: ['RING_INDIRECT_DESC'],
    doc: 'indirect descriptor tables: one extra DMA map per multi-sg request',
  },
  {
    name: 'EVENT_IDX',
    macro: 'VIRTIO_RING_F_EVENT_IDX',
    bit: 29,
    handling: 'kept',
    aliases: ['RING_EVENT_IDX'],
    doc: 'used/avail event index notification suppression',
  },
  {
    name: 'VERSION_1',
    macro: 'VIRTIO_F_VERSION_1',
    bit: 32,
    handling: 'kept',
    aliases: [],
    doc: 'modern (virtio 1.0) device',
  },
  {
    name: 'ACCESS_PLATFORM',
    macro: 'VIRTIO_F_ACCESS_PLATFORM',
    bit: 33,
    handling: 'kept',
    aliases: ['IOMMU_PLATFORM'],
    doc: 'device accesses memory through the platform (IOMMU, bounce): the ring uses the DMA API',
  },
  {
    name: 'RING_PACKED',
    macro: 'VIRTIO_F_RING_PACKED',
    bit: 34,
    handling: 'kept',
    aliases: [],
    doc: 'packed virtqueue layout',
  },
  {
    name: 'IN_ORDER',
    macro: 'VIRTIO_F_IN_ORDER',
    bit: 35,
    handling: 'cleared',
    aliases: [],
    doc: 'buffers used in order (driver support only from ~v6.17)',
  },
  {
    name: 'ORDER_PLATFORM',
    macro: 'VIRTIO_F_ORDER_PLATFORM',
    bit: 36,
    handling: 'kept',
    aliases: [],
    doc: 'platform memory ordering: weak_barriers becomes false (dma_* barriers)',
  },
  {
    name: 'SR_IOV',
    macro: 'VIRTIO_F_SR_IOV',
    bit: 37,
    handling: 'pci-kept',
    aliases: [],
    doc: 'single-root I/O virtualisation (virtio-pci with an SR-IOV capability)',
  },
  {
    name: 'NOTIFICATION_DATA',
    macro: 'VIRTIO_F_NOTIFICATION_DATA',
    bit: 38,
    handling: 'cleared',
    aliases: [],
    doc: 'extra data in notifications (driver support from v6.4)',
  },
  {
    name: 'NOTIF_CONFIG_DATA',
    macro: 'VIRTIO_F_NOTIF_CONFIG_DATA',
    bit: 39,
    handling: 'cleared',
    aliases: [],
    doc: 'notification config data (not known to 6.1)',
  },
  {
    name: 'RING_RESET',
    macro: 'VIRTIO_F_RING_RESET',
    bit: 40,
    handling: 'pci-kept',
    aliases: [],
    doc: 'per-queue reset (virtio-pci modern keeps it)',
  },
  {
    name: 'ADMIN_VQ',
    macro: 'VIRTIO_F_ADMIN_VQ',
    bit: 41,
    handling: 'cleared',
    aliases: [],
    doc: 'admin virtqueue (later kernels; outside the 6.1 transport range, so a device-class bit the driver does not list)',
  },
];

const byName = new Map<string, FeatureBit>();
for (const feature of FEATURE_BITS) {
  for (const spelling of [
    feature.name,
    feature.macro,
    ...feature.aliases,
    ...feature.aliases.map((a) => `VIRTIO_F_${a}`),
  ]) {
    byName.set(spelling.toUpperCase(), feature);
  }
}

/** A parsed feature: a known transport bit, or a device-class bit given by number. */
export interface ParsedFeature {
  bit: number;
  name: string;
}

/**
 * Accepts a feature name in any of its spellings (`ACCESS_PLATFORM`, `VIRTIO_F_IOMMU_PLATFORM`, `access_platform`)
 * or a bit number 0..63 for device-class bits. Returns a message naming what is accepted otherwise.
 */
export function parseFeature(text: string): ParsedFeature | string {
  const trimmed = text.trim();
  const known = byName.get(trimmed.toUpperCase());
  if (known) return { bit: known.bit, name: known.name };
  if (/^\d+$/.test(trimmed) && Number(trimmed) < 64)
    return { bit: Number(trimmed), name: featureName(Number(trimmed)) };
  return `unknown virtio feature '${text}': use one of ${FEATURE_BITS.map((f) => f.name).join(', ')} or a bit number 0..63`;
}

export function featureName(bit: number): string {
  return FEATURE_BITS.find((f) => f.bit === bit)?.name ?? `bit ${bit}`;
}

export function featureByBit(bit: number): FeatureBit | undefined {
  return FEATURE_BITS.find((f) => f.bit === bit);
}

export function hasFeature(features: bigint, name: string): boolean {
  const feature = byName.get(name.toUpperCase());
  if (!feature) throw new Error(`internal: unknown feature ${name}`);
  return (features >> BigInt(feature.bit)) & 1n ? true : false;
}

export function featureMask(bits: readonly number[]): bigint {
  return bits.reduce((mask, bit) => mask | (1n << BigInt(bit)), 0n);
}

export function bitsOf(mask: bigint): number[] {
  const bits: number[] = [];
  for (let bit = 0; bit < 64; bit++) if ((mask >> BigInt(bit)) & 1n) bits.push(bit);
  return bits;
}

export function namesOf(mask: bigint): string[] {
  return bitsOf(mask).map(featureName);
}
