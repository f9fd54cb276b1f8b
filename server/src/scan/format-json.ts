// The JSON report: stable field names, addresses and sizes as strings (bigint has no JSON form). It is
// one pretty-printed JSON document, written file by file as the scan finds them: a whole kernel tree has
// ~16k sites, and one object tree plus one string for all of them costs ~80 MB of peak memory.
import { siteSummary } from '../sites';
import type { ReportFile, ReportPlatform, ReportTotals, ReportWriter } from './scan-report';

function fileEntry(file: ReportFile) {
  return {
    path: file.path,
    ...(file.skipped ? { skipped: file.skipped } : {}),
    sites: file.sites.map((site, index) => ({
      ...siteSummary(file.path, site),
      summary: file.annotations?.[index] ?? null,
    })),
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
const NESTING_OPEN = '[\n  [\n';
const NESTING_CLOSE = '\n  ]\n]';

/**
 * Pieces whose concatenation is exactly `JSON.stringify(report, null, 2)` plus a newline: the outline
 * (tool, platforms, then the summary after the files) with the files written one at a time into its
 * `files` slot. The part before the slot does not depend on the summary, so it can go out first.
 */
export function jsonWriter(platforms: readonly ReportPlatform[], totals: ReportTotals): ReportWriter {
  const outline = () =>
    JSON.stringify(
      {
        tool: 'dmalens',
        platforms,
        files: [],
        summary: { files: totals.files, sites: totals.sites, bySeverity: totals.bySeverity, byRule: totals.byRule },
      },
      null,
      2,
    );
  // Strings are escaped inside JSON, so the first `"files": []` is the top-level key.
  const head = (text: string) => text.slice(0, text.indexOf(FILES_SLOT));
  const tail = (text: string) => text.slice(text.indexOf(FILES_SLOT) + FILES_SLOT.length);
  let written = 0;
  return {
    file(file) {
      // Array elements of a top-level key sit two levels deep, four spaces in: nested two levels deep, the
      // entry is printed with that indentation, and the brackets around it are cut off again (cheaper than
      // indenting every line of a second copy; JSON for Linux is 17 MB).
      const entry = JSON.stringify([[fileEntry(file)]], null, 2).slice(NESTING_OPEN.length, -NESTING_CLOSE.length);
      return written++ === 0 ? `${head(outline())}"files": [\n${entry}` : `,\n${entry}`;
    },
    end() {
      const text = outline();
      return written === 0 ? `${text}\n` : `\n  ]${tail(text)}\n`;
    },
  };
}
