// One row per selected platform for a call site: what the core says the platform's kernel does with the
// call. Hovers, inlay hints, code lenses, the checks that quote outcomes and `dmalens scan` all read
// these rows, so a call is simulated once per platform selection however many features ask.
import type { OpResult } from '@dmalens/core';
import type { CallSite } from '../analysis/callsite';
import type { DriverContext } from './driver-context';
import type { PlatformModel } from './platform-model';
import { EXAMPLE_PHYS_VALUE, requestsOn, simulationFor, type SiteSimulation } from './simulation';

export interface PlatformRow {
  platform: string;
  title: string;
  short: string;
  /** The result of the request that is the call itself; null when the simulation failed. */
  result: OpResult | null;
  error?: string;
  /** Set when the kernel never reaches the call on this platform, with why (virtio_ring.c's DMA-API branch). */
  notReached?: string;
}

export interface SiteRows {
  simulation: SiteSimulation;
  rows: PlatformRow[];
}

/** The rows of a site, or null when the call has nothing to simulate (a query, a kick, a feature test). */
export function siteRows(site: CallSite, context: DriverContext): SiteRows | null {
  const simulation = simulationFor(site, context);
  return simulation ? rowsFor(simulation, context) : null;
}

/**
 * The DMA calls of virtio_ring.c sit on its `use_dma_api` branch: on a platform where
 * vring_use_dma_api() is false the ring hands the device physical addresses and never makes the call.
 */
const NOT_REACHED =
  'not reached: vring_use_dma_api() is false on this platform (the device does not negotiate VIRTIO_F_ACCESS_PLATFORM and the platform does not require it), so the ring gives the device physical addresses';

export function rowsFor(simulation: SiteSimulation, context: DriverContext): SiteRows {
  const { model } = context;
  const rows = model.selected.map((profile): PlatformRow => {
    const base = { platform: profile.id, title: profile.title, short: profile.short };
    if (context.virtioRing && !ringUsesDmaApi(model, profile.id))
      return { ...base, result: null, notReached: NOT_REACHED };
    const run = model.run(profile.id, requestsOn(simulation, model, profile.id));
    return { ...base, result: run.results[simulation.focus] ?? null, ...(run.error ? { error: run.error } : {}) };
  });
  return { simulation, rows };
}

/** Whether a virtqueue add on the platform's default virtio device goes through the DMA API. */
function ringUsesDmaApi(model: PlatformModel, platformId: string): boolean {
  const add = model.run(platformId, [{ op: 'virtqueue_add', out: [{ phys: EXAMPLE_PHYS_VALUE, size: 1n }], in: [] }]);
  return add.results[0]?.path !== 'no-dma-api';
}

/**
 * What one pass of a loop around the call costs on each selected platform: the call, then the unmap
 * that pairs with it (map-in-loop). Results start at the call, so a mask request set before it does not
 * count.
 */
export function mapUnmapResults(
  simulation: SiteSimulation,
  model: PlatformModel,
): { short: string; results: OpResult[] }[] {
  return model.selected.map((profile) => {
    const requests = [...requestsOn(simulation, model, profile.id), { op: 'unmap' as const, of: simulation.focus }];
    return { short: profile.short, results: model.run(profile.id, requests).results.slice(simulation.focus) };
  });
}
