// The per-file analysis of a batch scan: the same extraction (server-extract's analyzeFileText, which
// parses only the top-level definitions holding a catalogue name) and the same checks (server-lsp's
// runChecks) as the editor, with the options of the scan. One analyser per thread.
import { initParser } from '../parse/parser';
import { analyzeFileText } from '../analysis/file-analysis';
import { runChecks } from '../checks/run-checks';
import { createPlatformModel } from '../checks/platform-model';
import { DEFAULT_PLATFORMS, type SeveritySetting } from '../config/settings';
import type { PlatformOverrides } from '../protocol/protocol';
import type { AnalyzeFile } from './file-scan';
import { createAnnotator } from '../scan/site-annotations';

/** What a scan is analysed with; plain data because it crosses to worker threads and keys the cache. */
export interface ScanAnalysisOptions {
  platforms?: string[];
  overrides?: PlatformOverrides;
  /** Severity per rule id; `off` disables the rule. */
  severities?: Record<string, SeveritySetting>;
  /** Only these rule ids (the CLI's --rules). */
  rules?: string[];
  /** Also summarise each site per platform (scan/site-annotations.ts), as `dmalens scan` prints them. */
  annotate?: boolean;
}

export async function createAnalyzer(options: unknown): Promise<AnalyzeFile> {
  const scanOptions = (options ?? {}) as ScanAnalysisOptions;
  await initParser();
  // Problems with the selection are the caller's to report (it validated the same options); the model
  // leaves out what it cannot use.
  const { model } = createPlatformModel(scanOptions.platforms ?? [...DEFAULT_PLATFORMS], scanOptions.overrides ?? {});
  const checkOptions = {
    severities: scanOptions.severities ?? {},
    ...(scanOptions.rules ? { only: scanOptions.rules } : {}),
  };
  const annotate = scanOptions.annotate ? createAnnotator(model) : null;
  return (text, path) => {
    const { sites, lines } = analyzeFileText(text, path);
    const diagnostics = runChecks({ sites, text, model, path, ...(lines ? { lines } : {}) }, checkOptions);
    return annotate ? { sites, diagnostics, annotations: annotate(sites) } : { sites, diagnostics };
  };
}
