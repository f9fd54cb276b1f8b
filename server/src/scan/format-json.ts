// The JSON report: stable field names, addresses and sizes as strings (bigint has no JSON form).
import { siteSummary } from '../lsp/site-summary';
import { countByRule, countBySeverity, type ScanReport } from './scan-report';

export function formatJson(report: ScanReport): string {
  const json = {
    tool: 'dmalens',
    platforms: report.platforms,
    files: report.files.map((file) => ({
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
    })),
    summary: {
      files: report.files.length,
      sites: report.files.reduce((sum, file) => sum + file.sites.length, 0),
      bySeverity: countBySeverity(report),
      byRule: countByRule(report),
    },
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
