// Compiler-style text: `file:line:col: warning: message [rule-id]` for findings, so editors and CI
// logs link them, then one `note:` line per annotated call site. Lines and columns are 1-based.
import type { ReportFile, ReportPlatform, ReportTotals, ReportWriter } from './scan-report';

function fileLines(file: ReportFile): string {
  if (file.skipped) return `${file.path}: skipped: ${file.skipped}\n`;
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
    entries.push({
      line,
      column: character,
      text: `${file.path}:${line + 1}:${character + 1}: note: ${site.api}${where}: ${summary}`,
    });
  });
  entries.sort((a, b) => a.line - b.line || a.column - b.column);
  return entries.map((entry) => `${entry.text}\n`).join('');
}

/** `auto` when each file was shown on its own build targets. */
export function textWriter(platforms: readonly ReportPlatform[] | 'auto', totals: ReportTotals): ReportWriter {
  return {
    file: fileLines,
    end() {
      const { bySeverity } = totals;
      const rules = Object.entries(totals.byRule)
        .map(([rule, count]) => `${rule} ${count}`)
        .join(', ');
      return (
        `${totals.files} files with DMA sites, ${totals.sites} call sites; ${bySeverity.error} errors, ${bySeverity.warning} warnings, ${bySeverity.information! + bySeverity.hint!} notes` +
        (rules ? ` (${rules})` : '') +
        `; platforms: ${platforms === 'auto' ? "auto (each file's build targets)" : platforms.map((platform) => platform.id).join(', ')}\n`
      );
    },
  };
}
