// The one-line summary `dmalens scan` prints after each mapping, allocation and virtqueue add (the words
// of the editor's inlay hints). Computed where the file is analysed (a scan worker), so a whole-tree scan
// spreads the simulations over the workers and caches them with the file's facts; each distinct
// simulation is summarised once per thread, since most sites of a tree ask the same few questions.
import type { CallSite } from '../analysis/callsite';
import { fileStreamingMask } from '../checks/file-mask';
import type { PlatformModel } from '../checks/platform-model';
import { simulationForSite, simulationKey } from '../checks/site-requests';
import { summaryText, wantsAnnotation } from '../lsp/inlay-text';
import { rowsForSimulation } from '../lsp/site-rows';

/** Per site of a file, its summary, or null for sites that get none. */
export type SiteAnnotations = (string | null)[];

export function createAnnotator(model: PlatformModel): (sites: readonly CallSite[]) => SiteAnnotations {
  const summaries = new Map<string, string>();
  return (sites) => {
    const mask = fileStreamingMask(sites);
    return sites.map((site) => {
      const simulation = wantsAnnotation(site.kind) ? simulationForSite(site, mask) : null;
      if (!simulation) return null;
      const key = simulationKey(simulation);
      let summary = summaries.get(key);
      if (summary === undefined) {
        const rows = rowsForSimulation(model, simulation);
        summary = rows.rows.length ? summaryText(rows) : '';
        summaries.set(key, summary);
      }
      return summary || null;
    });
  };
}
