// `dmalens scan --diff`: the reports of the C files a change touches, each file analysed whole in both
// versions with the scan's own analyser and options (patch/change-findings.ts decides what the change is
// answerable for). A change is a handful of files, so they are analysed here, without worker threads.
import { resolve } from 'node:path';
import { pathInside } from './path-inside';
import { createAnalyzer, type ScanAnalysisOptions } from '../batch/analyzer';
import { changeReport } from '../patch/change-findings';
import type { PatchChange } from '../patch/patch-source';
import type { ReportFile } from '../scan/scan-report';
import { DEFAULT_MAX_FILE_BYTES } from '../batch/scan-tree';
import { patchedText } from '../patch/apply-hunks';

export interface ChangeScanOptions {
  analysis: ScanAnalysisOptions;
  /** Only files under these paths. */
  paths: readonly string[];
  maxFileSize?: number;
}

export async function changeReports(
  change: PatchChange,
  options: ChangeScanOptions,
  displayPath: (path: string) => string,
): Promise<ReportFile[]> {
  const analyze = await createAnalyzer(options.analysis);
  const roots = options.paths.map((path) => resolve(path));
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_BYTES;
  const reports: ReportFile[] = [];
  for (const file of change.files) {
    if (!roots.some((root) => pathInside(root, file.path) !== null)) continue;
    const shown = displayPath(file.path);
    if (!('newLines' in file)) {
      reports.push({ path: shown, sites: [], diagnostics: [], skipped: file.problem });
      continue;
    }
    const text = patchedText(file.newLines);
    const size = Buffer.byteLength(text);
    if (size > maxFileSize) {
      const skipped = `not analysed: ${size} bytes is over the size limit of ${maxFileSize} bytes`;
      reports.push({ path: shown, sites: [], diagnostics: [], skipped });
      continue;
    }
    reports.push(changeReport(file, text, analyze, shown));
  }
  return reports;
}
