// Simulations a hover or a check asks for beyond the call itself: what a driver's DMA mask costs
// compared with 64 bits, what the DMA API would give the device where source hands it a raw physical
// address, and whether a virtio ring uses the DMA API with and without VIRTIO_F_ACCESS_PLATFORM.
import { dmaBitMask, type OpResult, type PlatformProfile, type Request } from '@dmalens/core';
import type { CallSite } from '../analysis/callsite';
import type { DriverContext } from './driver-context';
import type { PlatformModel } from './platform-model';
import { EXAMPLE_PHYS_VALUE, EXAMPLE_SIZE_VALUE, simulationFor } from './simulation';

/** A buffer above 4 GiB, as in the spec's x86 vectors V02/V07 (§10), so that 32-bit masks matter. */
export const HIGH_PHYS = 0x1_2345_6000n;
const PROBE_SIZE = 0x1000n;

function maskProbe(mask: bigint): Request[] {
  return [
    { op: 'set_mask', mask, which: 'both' },
    { op: 'map_single', phys: HIGH_PHYS, size: PROBE_SIZE, dir: 'to_device' },
  ];
}

export interface MaskComparison {
  profile: PlatformProfile;
  /** The probe map (4 KiB above 4 GiB) after setting the call's mask, and after a 64-bit mask. */
  withMask: OpResult;
  withWideMask: OpResult;
}

/** What the probe map does on each selected platform with `DMA_BIT_MASK(bits)` and with a 64-bit mask (spec §1.6, §4.1, §4.3, §4.4). */
export function compareMasks(model: PlatformModel, bits: number): MaskComparison[] {
  const narrow = dmaBitMask(bits);
  const wide = dmaBitMask(64);
  return model.selected.flatMap((profile) => {
    const withMask = model.run(profile.id, maskProbe(narrow)).results[1];
    const withWideMask = model.run(profile.id, maskProbe(wide)).results[1];
    return withMask && withWideMask ? [{ profile, withMask, withWideMask }] : [];
  });
}

export interface RawPhysOutcome {
  profile: PlatformProfile;
  /** The DMA API's map of the example buffer on this platform. */
  result: OpResult;
  /** True when that map gives the device the physical address itself, so a raw address happens to work. */
  sameAsPhys: boolean;
}

/** What a DMA map of the example buffer gives on each selected platform. */
export function rawPhysOutcomes(model: PlatformModel): RawPhysOutcome[] {
  return model.selected.flatMap((profile) => {
    const result = model.run(profile.id, [
      { op: 'map_single', phys: EXAMPLE_PHYS_VALUE, size: EXAMPLE_SIZE_VALUE, dir: 'bidirectional' },
    ]).results[0];
    return result
      ? [{ profile, result, sameAsPhys: result.path === 'dma-direct' && result.dma === EXAMPLE_PHYS_VALUE }]
      : [];
  });
}

export interface VirtioOutcome {
  profile: PlatformProfile;
  /** Negotiation and the add, when the device offers VIRTIO_F_ACCESS_PLATFORM and when it does not. */
  withAccessPlatform: { negotiation?: OpResult; add?: OpResult };
  withoutAccessPlatform: { negotiation?: OpResult; add?: OpResult };
}

/** vring_use_dma_api() per selected platform with and without VIRTIO_F_ACCESS_PLATFORM (spec §6.2, §6.5). */
export function virtioOutcomes(site: CallSite, context: DriverContext): VirtioOutcome[] {
  const add = simulationFor(site, { ...context, mask: null })?.requests.find(
    (request) => request.op === 'virtqueue_add',
  );
  if (!add) return [];
  const run = (profile: PlatformProfile, offered: string[]) => {
    const [negotiation, added] = context.model.run(profile.id, [{ op: 'virtio_negotiate', offered }, add]).results;
    return { negotiation, add: added };
  };
  return context.model.selected.map((profile) => ({
    profile,
    withAccessPlatform: run(profile, ['VERSION_1', 'ACCESS_PLATFORM']),
    withoutAccessPlatform: run(profile, ['VERSION_1']),
  }));
}
