// `dmalens scan --baseline FILE`: the findings of an earlier JSON report (`--format json`) are known and
// left out, so that CI reports only what a change brings. Findings are matched by file path and
// fingerprint (checks/run-checks.ts), which edits elsewhere in the file do not change. Paths are those the
// report printed: run both scans from the same directory.
import { readFileSync } from 'node:fs';
import type { ReportFile } from './scan-report';

export class Baseline {
  private constructor(private readonly known: ReadonlySet<string>) {}

  /** Reads a JSON report; a file that is not one is an error naming what is wrong. */
  static read(path: string): Baseline {
    let report: unknown;
    try {
      report = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const files = (report as { files?: unknown } | null)?.files;
    if (!Array.isArray(files))
      throw new Error(`${path}: not a report of \`dmalens scan --format json\` (no files list)`);
    const known = new Set<string>();
    for (const file of files as { path?: unknown; diagnostics?: unknown }[]) {
      if (typeof file?.path !== 'string' || !Array.isArray(file.diagnostics)) continue;
      for (const finding of file.diagnostics as { fingerprint?: unknown }[])
        if (typeof finding?.fingerprint === 'string') known.add(key(file.path, finding.fingerprint));
    }
    return new Baseline(known);
  }

  /** The file with the findings the baseline already has left out. */
  filter(file: ReportFile): ReportFile {
    const fresh = file.diagnostics.filter((finding) => !this.known.has(key(file.path, finding.fingerprint)));
    return fresh.length === file.diagnostics.length ? file : { ...file, diagnostics: fresh };
  }
}

function key(path: string, fingerprint: string): string {
  return `${path}\u0000${fingerprint}`;
}
