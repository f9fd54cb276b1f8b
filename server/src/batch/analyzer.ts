// The per-file analysis of a batch scan: the same extraction (analyzeFileText, which parses only the
// top-level definitions holding a catalogue name) and the same checks (runChecks) as the editor, with the
// options of the scan. One analyser per thread.
import { initParser } from '../parse/parser';
import { analyzeFileText } from '../analysis/file-analysis';
import { runChecks } from '../checks/run-checks';
import { DEFAULT_PLATFORMS } from '../config/settings';
import { createAnnotator, createPlatformModel, driverContext } from '../sites';
import type { AnalyzeFile } from './file-scan';
import type { ScanAnalysisOptions } from './worker-protocol';

export type { ScanAnalysisOptions };

export async function createAnalyzer(options: ScanAnalysisOptions = {}): Promise<AnalyzeFile> {
  await initParser();
  // Problems with the selection are the caller's to report (it validated the same options); the model
  // leaves out what it cannot use.
  const { model } = createPlatformModel(options.platforms ?? [...DEFAULT_PLATFORMS], options.overrides ?? {});
  const checkOptions = {
    severities: options.severities ?? {},
    ...(options.rules ? { only: options.rules } : {}),
  };
  const annotate = options.annotate ? createAnnotator() : null;
  return (text, path) => {
    const { sites, lines } = analyzeFileText(text, path);
    const driver = driverContext(model, sites);
    const diagnostics = runChecks({ sites, text, driver, path, ...(lines ? { lines } : {}) }, checkOptions);
    return annotate ? { sites, diagnostics, annotations: annotate(sites, driver) } : { sites, diagnostics };
  };
}
