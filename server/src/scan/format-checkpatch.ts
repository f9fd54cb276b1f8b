// The terse output of the kernel's scripts/checkpatch.pl (`--terse --show-types`), which maintainers'
// scripts, editors and CI bots already read: `FILE:LINE: WARNING:TYPE: message`, then
// `total: N errors, N warnings, N checks, N lines checked`. checkpatch's levels are ERROR, WARNING and
// CHECK (its --strict notes); information and hints print as CHECK. Its counts are not pluralised, and
// neither are these, so that a script matching checkpatch's line matches this one.
import { printablePath } from './format-text';
import type { ReportTotals, ReportWriter } from './scan-report';

const LEVELS: Record<string, string> = { error: 'ERROR', warning: 'WARNING', information: 'CHECK', hint: 'CHECK' };

/** `linesChecked` gives the count for the last line (a patch's added lines); without it the count is left out. */
export function checkpatchWriter(totals: ReportTotals, linesChecked?: () => number): ReportWriter {
  return {
    file(report) {
      const path = printablePath(report.path);
      if (report.skipped) return `${path}: CHECK:SKIPPED: ${report.skipped}\n`;
      return report.diagnostics
        .map((finding) => {
          const type = finding.ruleId.toUpperCase().replace(/-/g, '_');
          return `${path}:${finding.range.start.line + 1}: ${LEVELS[finding.severity]}:${type}: ${finding.message}\n`;
        })
        .join('');
    },
    end() {
      const { error, warning, information, hint } = totals.bySeverity;
      const counts = `total: ${error} errors, ${warning} warnings, ${information! + hint!} checks`;
      return `${counts}${linesChecked ? `, ${linesChecked()} lines checked` : ''}\n`;
    },
  };
}
