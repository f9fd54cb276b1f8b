// One row per selected platform for a call site: what the core says the platform's kernel does with the
// call. Hovers, inlay hints, code lenses, the checks that quote outcomes and `dmalens scan` all read
// these rows, so a call is simulated once per platform selection however many features ask.
import type { OpResult } from '@dmalens/core';
import type { CallSite } from '../analysis/callsite';
import type { DriverContext } from './driver-context';
import type { PlatformModel } from './platform-model';
import { requestsOn, simulationFor, type SiteSimulation } from './simulation';

export interface PlatformRow {
  platform: string;
  title: string;
  short: string;
  /** The result of the request that is the call itself; null when the simulation failed. */
  result: OpResult | null;
  error?: string;
}

export interface SiteRows {
  simulation: SiteSimulation;
  rows: PlatformRow[];
}

/** The rows of a site, or null when the call has nothing to simulate (a query, a kick, a feature test). */
export function siteRows(site: CallSite, context: DriverContext): SiteRows | null {
  const simulation = simulationFor(site, context);
  return simulation ? rowsFor(simulation, context.model) : null;
}

export function rowsFor(simulation: SiteSimulation, model: PlatformModel): SiteRows {
  const rows = model.selected.map((profile): PlatformRow => {
    const run = model.run(profile.id, requestsOn(simulation, model, profile.id));
    return {
      platform: profile.id,
      title: profile.title,
      short: profile.short,
      result: run.results[simulation.focus] ?? null,
      ...(run.error ? { error: run.error } : {}),
    };
  });
  return { simulation, rows };
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
