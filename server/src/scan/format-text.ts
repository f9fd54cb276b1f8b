// Compiler-style text: `file:line:col: warning: message [rule-id]` for findings, so editors and CI
// logs link them, and with --notes one `note:` line per annotated call site and one line per skipped file.
// Lines and columns are 1-based.
// The last line counts what was printed, each kind by its own name.
import { plural } from '@dmalens/core';
import type { ReportFile, ReportPlatform, ReportTotals, ReportWriter } from './scan-report';

/**
 * A path as one printable token: control characters (a newline would forge a diagnostic line in a CI log)
 * and bidirectional overrides (U+202E reverses what a reader sees) are written as \\uXXXX escapes.
 */
export function printablePath(path: string): string {
  return path.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what this escapes
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\\]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function fileLines(report: ReportFile, countNote: () => void, listSkipped: boolean): string {
  const file = { ...report, path: printablePath(report.path) };
  if (file.skipped) return listSkipped ? `${file.path}: skipped: ${file.skipped}\n` : '';
  const entries: { line: number; column: number; text: string }[] = [];
  for (const finding of file.diagnostics) {
    const { line, character } = finding.range.start;
    entries.push({
      line,
      column: character,
      text: `${file.path}:${line + 1}:${character + 1}: ${finding.severity}: ${finding.message} [${finding.ruleId}]`,
    });
  }
  file.sites.forEach((site, index) => {
    const summary = file.annotations?.[index];
    if (!summary) return;
    const { line, character } = site.nameRange.start;
    const where = site.enclosingFunction ? ` in ${site.enclosingFunction}()` : '';
    countNote();
    entries.push({
      line,
      column: character,
      text: `${file.path}:${line + 1}:${character + 1}: note: ${site.api}${where}: ${summary}`,
    });
  });
  entries.sort((a, b) => a.line - b.line || a.column - b.column);
  return entries.map((entry) => `${entry.text}\n`).join('');
}

/**
 * `auto` when each file was shown on its own build targets. Skipped files (over the size limit, binary)
 * are a count in the summary unless `listSkipped` (--notes, or a change whose files were named by it).
 */
export function textWriter(
  platforms: readonly ReportPlatform[] | 'auto',
  totals: ReportTotals,
  listSkipped: boolean,
): ReportWriter {
  let notes = 0;
  const countNote = () => notes++;
  return {
    file: (report) => fileLines(report, countNote, listSkipped),
    end() {
      const { bySeverity } = totals;
      const rules = Object.entries(totals.byRule)
        .map(([rule, count]) => `${rule} ${count}`)
        .join(', ');
      const findings = [
        plural(bySeverity.error!, 'error'),
        plural(bySeverity.warning!, 'warning'),
        `${bySeverity.information} information`,
        plural(bySeverity.hint!, 'hint'),
      ];
      return (
        `${totals.files} files with DMA sites, ${totals.sites} call sites; ${findings.join(', ')}` +
        (rules ? ` (${rules})` : '') +
        (notes ? `; ${plural(notes, 'site note')}` : '') +
        (totals.skipped
          ? `; ${plural(totals.skipped, 'file')} skipped${listSkipped ? '' : ' (--notes lists them)'}`
          : '') +
        `; platforms: ${platforms === 'auto' ? "auto (each file's build targets)" : platforms.map((platform) => platform.id).join(', ')}\n`
      );
    },
  };
}
