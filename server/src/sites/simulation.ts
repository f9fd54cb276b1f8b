// Turns a call site's facts into the core requests that simulate it. The physical address is never
// known from source, so it is always the documented example; size and direction are the call's own
// when the source fixes them, else labelled examples.
import type { Direction, Request } from '@dmalens/core';
import type { CallSite } from '../analysis/callsite';
import { EXAMPLE_PHYS, EXAMPLE_SIZE } from '../protocol/protocol';
import { debugEntryType, isSyncForCpu, isSyncForDevice } from './api-facts';
import { maskValue, type FileMask } from './file-mask';
import { jsonKey, type PlatformModel } from './platform-model';

export interface SiteSimulation {
  /** Platform-independent requests; use `requestsOn` to run them (map_resource needs a per-platform MMIO address). */
  requests: Request[];
  /** Index of the request whose result describes the call itself. */
  focus: number;
  /** Request fields that are examples rather than facts from the source. */
  exampleFields: string[];
}

export const EXAMPLE_PHYS_VALUE = BigInt(EXAMPLE_PHYS);

/** Tells simulations apart: equal keys give equal rows on every platform of a model. */
export function simulationKey(simulation: SiteSimulation): string {
  return jsonKey(simulation);
}

/**
 * The requests as a platform runs them: `dma_map_resource` is for MMIO, and 6.1 refuses RAM there, so
 * its example address is the platform's MMIO example instead of the RAM example.
 */
export function requestsOn(simulation: SiteSimulation, model: PlatformModel, platformId: string): Request[] {
  const mmio = simulation.requests.some((request) => request.op === 'map_resource')
    ? model.mmioExample(platformId)
    : null;
  if (mmio === null) return simulation.requests;
  return simulation.requests.map((request) => (request.op === 'map_resource' ? { ...request, phys: mmio } : request));
}
export const EXAMPLE_SIZE_VALUE = BigInt(EXAMPLE_SIZE);

/** The size and direction the simulation uses for a site, with which of them are examples. */
export function siteSizeAndDirection(site: CallSite): { size: bigint; dir: Direction; exampleFields: string[] } {
  const exampleFields = ['phys'];
  let size = site.size?.value ?? null;
  if (size === null || size <= 0n) {
    size = EXAMPLE_SIZE_VALUE;
    exampleFields.push('size');
  }
  let dir: Direction;
  if (site.direction === 'unknown' || site.direction === 'none') {
    dir = 'bidirectional';
    exampleFields.push('dir');
  } else {
    dir = site.direction;
  }
  return { size, dir, exampleFields };
}

/**
 * The requests for a site, preceded by the file's `dma_set_mask` when the source fixes one
 * (file-mask.ts), so the simulated device has the driver's mask.
 */
export function simulationForSite(site: CallSite, mask: FileMask | null = null): SiteSimulation | null {
  const simulation = requestsForSite(site);
  if (!simulation || !mask) return simulation;
  const shift = (request: Request): Request => ('of' in request ? { ...request, of: request.of + 1 } : request);
  return {
    requests: [{ op: 'set_mask', mask: maskValue(mask.bits), which: 'both' }, ...simulation.requests.map(shift)],
    focus: simulation.focus + 1,
    exampleFields: simulation.exampleFields,
  };
}

function requestsForSite(site: CallSite): SiteSimulation | null {
  const { size, dir, exampleFields } = siteSizeAndDirection(site);
  const phys = EXAMPLE_PHYS_VALUE;
  const map = (): Request =>
    site.kind === 'map' && /resource/.test(site.api)
      ? { op: 'map_resource', phys, size, dir }
      : { op: 'map_single', phys, size, dir };
  const entryType = debugEntryType(site.api);
  if (site.kind === 'map') {
    if (entryType === 'scather-gather')
      return { requests: [{ op: 'map_sg', entries: [{ phys, size }], dir }], focus: 0, exampleFields };
    return { requests: [map()], focus: 0, exampleFields };
  }
  if (site.kind === 'unmap') return { requests: [map(), { op: 'unmap', of: 0 }], focus: 1, exampleFields };
  if (site.kind === 'sync') {
    const op = isSyncForCpu(site.api) ? 'sync_for_cpu' : isSyncForDevice(site.api) ? 'sync_for_device' : null;
    if (!op) return null;
    return {
      requests: [
        { op: 'map_single', phys, size, dir },
        { op, of: 0 },
      ],
      focus: 1,
      exampleFields,
    };
  }
  if (site.kind === 'alloc') {
    return {
      requests: [{ op: 'alloc_coherent', size }],
      focus: 0,
      exampleFields: exampleFields.filter((field) => field === 'size'),
    };
  }
  if (site.kind === 'free')
    return {
      requests: [
        { op: 'alloc_coherent', size },
        { op: 'free_coherent', of: 0 },
      ],
      focus: 1,
      exampleFields: exampleFields.filter((field) => field === 'size'),
    };
  if (site.kind === 'virtio-add') {
    const out = /inbuf/.test(site.api) ? [] : [{ phys, size }];
    const inbound = /inbuf/.test(site.api) ? [{ phys, size }] : [];
    return { requests: [{ op: 'virtqueue_add', out, in: inbound }], focus: 0, exampleFields: ['phys', 'size'] };
  }
  return null;
}
