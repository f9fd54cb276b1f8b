// Compiler-style text: `file:line:col: warning: message [rule-id]` for findings, so editors and CI
// logs link them, then one `note:` line per annotated call site. Lines and columns are 1-based.
import { countByRule, countBySeverity, type ScanReport } from './scan-report';

export function formatText(report: ScanReport): string {
  const lines: string[] = [];
  for (const file of report.files) {
    if (file.skipped) {
      lines.push(`${file.path}: skipped: ${file.skipped}`);
      continue;
    }
    const entries: { line: number; column: number; text: string }[] = [];
    for (const finding of file.diagnostics) {
      const { line, character } = finding.range.start;
      entries.push({ line, column: character, text: `${file.path}:${line + 1}:${character + 1}: ${finding.severity}: ${finding.message} [${finding.ruleId}]` });
    }
    file.sites.forEach((site, index) => {
      const summary = file.annotations.get(index);
      if (!summary) return;
      const { line, character } = site.nameRange.start;
      const where = site.enclosingFunction ? ` in ${site.enclosingFunction}()` : '';
      entries.push({ line, column: character, text: `${file.path}:${line + 1}:${character + 1}: note: ${site.api}${where}: ${summary}` });
    });
    entries.sort((a, b) => a.line - b.line || a.column - b.column);
    lines.push(...entries.map((entry) => entry.text));
  }
  const sites = report.files.reduce((sum, file) => sum + file.sites.length, 0);
  const severities = countBySeverity(report);
  const rules = Object.entries(countByRule(report))
    .map(([rule, count]) => `${rule} ${count}`)
    .join(', ');
  lines.push(
    `${report.files.length} files with DMA sites, ${sites} call sites; ${severities.error} errors, ${severities.warning} warnings, ${severities.information + severities.hint} notes` +
      (rules ? ` (${rules})` : '') +
      `; platforms: ${report.platforms.map((platform) => platform.id).join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
