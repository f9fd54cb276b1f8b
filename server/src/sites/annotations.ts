// The one-line summary `dmalens scan` prints after each mapping, allocation and virtqueue add (the words
// of the editor's inlay hints). Computed where the file is analysed (a scan worker), so a whole-tree scan
// spreads the simulations over the workers and caches them with the file's facts; each distinct
// simulation is summarised once per thread, since most sites of a tree ask the same few questions.
import type { CallSite } from '../analysis/callsite';
import type { DriverContext } from './driver-context';
import { rowsFor } from './rows';
import { simulationFor, simulationKey } from './simulation';
import { summaryText, wantsSummary } from './words';

/** Per site of a file, its summary, or null for sites that get none. */
export type SiteAnnotations = (string | null)[];

/**
 * One annotator serves one platform model (a scan thread's) and its per-file views: the memo key is the
 * simulation and the context's rows key, since files of different targets and devices share the model.
 */
export function createAnnotator(): (sites: readonly CallSite[], context: DriverContext) => SiteAnnotations {
  const summaries = new Map<string, string>();
  return (sites, context) =>
    sites.map((site) => {
      const simulation = wantsSummary(site.kind) ? simulationFor(site, context) : null;
      if (!simulation) return null;
      const key = `${context.rowsKey}|${simulationKey(simulation)}`;
      let summary = summaries.get(key);
      if (summary === undefined) {
        const rows = rowsFor(simulation, context);
        summary = rows.rows.length ? summaryText(rows) : '';
        summaries.set(key, summary);
      }
      return summary || null;
    });
}
