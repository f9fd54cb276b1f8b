// One row per selected platform for a call site: what the core says the platform's kernel does with
// the call. Hovers, inlay hints, code lenses and the client's requests all read these rows, so a call
// is simulated once per platform selection however many features ask.
import type { OpResult } from '@dmalens/core';
import type { CallSite } from '../analysis/callsite';
import type { PlatformModel } from '../checks/platform-model';
import { requestsOn, simulationForSite, type SiteSimulation } from '../checks/site-requests';
import type { FileMask } from '../checks/file-mask';

export interface PlatformRow {
  platform: string;
  title: string;
  short: string;
  /** The result of the request that stands for the call; null when the simulation failed. */
  result: OpResult | null;
  error?: string;
}

export interface SiteRows {
  simulation: SiteSimulation;
  rows: PlatformRow[];
}

export function rowsForSite(model: PlatformModel, site: CallSite, mask: FileMask | null = null): SiteRows | null {
  const simulation = simulationForSite(site, mask);
  return simulation ? rowsForSimulation(model, simulation) : null;
}

export function rowsForSimulation(model: PlatformModel, simulation: SiteSimulation): SiteRows {
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
