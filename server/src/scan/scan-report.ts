// What one scan found, in the shape every output format starts from: files sorted by path, each with
// its call sites, findings and, for mapping calls, the one-line per-platform summary.
import type { CallSite } from '../analysis/callsite';
import type { Finding } from '../checks/rule';

export interface ReportFile {
  /** The path as given on the command line or found by the walk (relative when the argument was). */
  path: string;
  sites: CallSite[];
  diagnostics: Finding[];
  /** Per-site summary (`x86: direct · pseries: H_PUT_TCE ×1`) for sites that have one, by site index. */
  annotations: Map<number, string>;
  skipped?: string;
}

export interface ScanReport {
  platforms: { id: string; title: string; short: string }[];
  files: ReportFile[];
}

export function countBySeverity(report: ScanReport): Record<string, number> {
  const counts: Record<string, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const file of report.files) for (const finding of file.diagnostics) counts[finding.severity] = (counts[finding.severity] ?? 0) + 1;
  return counts;
}

export function countByRule(report: ScanReport): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const file of report.files) for (const finding of file.diagnostics) counts[finding.ruleId] = (counts[finding.ruleId] ?? 0) + 1;
  return counts;
}
