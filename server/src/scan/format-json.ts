// The JSON report: stable field names, addresses and sizes as strings (bigint has no JSON form). It is
// one pretty-printed JSON document, written file by file as the scan finds them: a whole kernel tree has
// ~16k sites, and one object tree plus one string for all of them costs ~80 MB of peak memory.
import { siteSummary } from '../sites';
import { jsonStream } from './json-stream';
import type { ReportFile, ReportPlatform, ReportTotals, ReportWriter } from './scan-report';

function fileEntry(file: ReportFile) {
  return {
    path: file.path,
    ...(file.skipped ? { skipped: file.skipped } : {}),
    ...(file.targets ? { targets: file.targets } : {}),
    sites: file.sites.map((site, index) => ({
      ...siteSummary(file.path, site),
      summary: file.annotations?.[index] ?? null,
    })),
    diagnostics: file.diagnostics.map((finding) => ({
      rule: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      range: finding.range,
      fingerprint: finding.fingerprint,
      ...(finding.fix ? { fix: finding.fix } : {}),
    })),
  };
}

/**
 * The report as one JSON document: the outline (tool, platforms, then the summary after the files) with
 * the files written one at a time into its `files` array; the summary is final only at the end.
 */
export function jsonWriter(platforms: readonly ReportPlatform[], totals: ReportTotals): ReportWriter {
  const stream = jsonStream<ReturnType<typeof fileEntry>>((files) => ({
    tool: 'dmalens',
    platforms,
    files,
    summary: { files: totals.files, sites: totals.sites, bySeverity: totals.bySeverity, byRule: totals.byRule },
  }));
  return { file: (file) => stream.element(fileEntry(file)), end: () => stream.end() };
}
