// The JSON report: stable field names, addresses and sizes as strings (bigint has no JSON form). It is
// one pretty-printed JSON document, produced file by file: a whole kernel tree has ~16k sites, and one
// object tree plus one string for all of them costs ~80 MB of peak memory that the pieces do not.
import { siteSummary } from '../lsp/site-summary';
import { countByRule, countBySeverity, type ReportFile, type ScanReport } from './scan-report';

function fileEntry(file: ReportFile) {
  return {
    path: file.path,
    ...(file.skipped ? { skipped: file.skipped } : {}),
    sites: file.sites.map((site, index) => ({ ...siteSummary(file.path, site), summary: file.annotations.get(index) ?? null })),
    diagnostics: file.diagnostics.map((finding) => ({
      rule: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      range: finding.range,
      ...(finding.fix ? { fix: finding.fix } : {}),
    })),
  };
}

const FILES_SLOT = '"files": []';

/**
 * The report in pieces whose concatenation is exactly `JSON.stringify(report, null, 2)` plus a newline:
 * the outline (tool, platforms, summary) with the files written one at a time into its `files` slot.
 */
export function* formatJsonPieces(report: ScanReport): Generator<string> {
  const outline = JSON.stringify(
    {
      tool: 'dmalens',
      platforms: report.platforms,
      files: [],
      summary: {
        files: report.files.length,
        sites: report.files.reduce((sum, file) => sum + file.sites.length, 0),
        bySeverity: countBySeverity(report),
        byRule: countByRule(report),
      },
    },
    null,
    2,
  );
  // Strings are escaped inside JSON, so the first `"files": []` is the top-level key.
  const slot = outline.indexOf(FILES_SLOT);
  if (report.files.length === 0) {
    yield `${outline}\n`;
    return;
  }
  yield `${outline.slice(0, slot)}"files": [\n`;
  for (const [index, file] of report.files.entries()) {
    // Array elements of a top-level key sit two levels deep: four spaces before every line.
    const entry = JSON.stringify(fileEntry(file), null, 2).replace(/^/gm, '    ');
    yield `${entry}${index < report.files.length - 1 ? ',' : ''}\n`;
  }
  yield `  ]${outline.slice(slot + FILES_SLOT.length)}\n`;
}
