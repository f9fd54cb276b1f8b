// What one scan found, in the shape every output format starts from: each file with its call sites,
// findings and, for mapping calls, the one-line per-platform summary. Files arrive in walk order while
// the scan runs (scan-tree's `inWalkOrder`), and a writer turns each into text at once, so that a report
// of a whole kernel tree is never held in memory.
import type { CallSite } from '../analysis/callsite';
import type { Finding } from '../checks/rule';

export interface ReportFile {
  /** The path as given on the command line or found by the walk (relative when the argument was). */
  path: string;
  sites: CallSite[];
  diagnostics: Finding[];
  /** Per site, its summary (`x86: direct · pseries: H_PUT_TCE ×1`), null for sites without one; absent when none was asked for. */
  annotations?: readonly (string | null)[];
  /** The platforms the file was simulated and checked on, and why those (its build targets, or the setting). */
  targets?: { platforms: readonly string[]; why: string };
  skipped?: string;
}

export interface ReportPlatform {
  id: string;
  title: string;
  short: string;
}

/** Turns a report into text as it arrives: a piece per file, and the end once the scan is over. */
export interface ReportWriter {
  file(file: ReportFile): string;
  end(): string;
}

/** The counts every format ends with. */
export class ReportTotals {
  files = 0;
  /** Files not analysed (over the size limit, binary, unreadable), each with its reason in the report. */
  skipped = 0;
  sites = 0;
  readonly bySeverity: Record<string, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  readonly byRule: Record<string, number> = {};

  add(file: ReportFile): void {
    // A skipped file is reported with its reason but is not a file with DMA sites.
    if (file.skipped) this.skipped++;
    else this.files++;
    this.sites += file.sites.length;
    for (const finding of file.diagnostics) {
      this.bySeverity[finding.severity] = (this.bySeverity[finding.severity] ?? 0) + 1;
      this.byRule[finding.ruleId] = (this.byRule[finding.ruleId] ?? 0) + 1;
    }
  }
}
