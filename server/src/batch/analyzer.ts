// The per-file analysis of a batch scan: the same extraction (analyzeFileText, which parses only the
// top-level definitions holding a catalogue name) and the same checks (runChecks) as the editor, with the
// options of the scan. One analyser per thread.
import { initParser } from '../parse/parser';
import { analyzeFileText } from '../analysis/file-analysis';
import { runChecks } from '../checks/run-checks';
import { resolve } from 'node:path';
import { platformSelection } from '../config/settings';
import { KernelTrees } from '../kernel-tree';
import { createAnnotator, createPlatformModel, driverContext } from '../sites';
import type { AnalyzeFile, AnalyzedFile } from './file-scan';
import type { ScanAnalysisOptions } from './worker-protocol';

export type { ScanAnalysisOptions };

export async function createAnalyzer(options: ScanAnalysisOptions = {}): Promise<AnalyzeFile> {
  await initParser();
  // Problems with the selection are the caller's to report (it validated the same options); the model
  // leaves out what it cannot use.
  const selection = platformSelection(options.platforms ?? 'auto');
  const { model } = createPlatformModel(selection.ids, options.overrides ?? {}, options.customPlatforms ?? []);
  // One project model per kernel tree and thread: the Kconfig files are read once, on the first file. The
  // build files read are reported with the next result, for the scan cache to check on the next scan.
  const buildInputs = new Map<string, string>();
  const kernelTrees = new KernelTrees((file, stamp) => buildInputs.set(file, stamp));
  const checkOptions = {
    severities: options.severities ?? {},
    ...(options.rules ? { only: options.rules } : {}),
  };
  const annotate = options.annotate ? createAnnotator() : null;
  return (text, path) => {
    const { sites, lines } = analyzeFileText(text, path);
    const file = resolve(path);
    const targets = sites.length > 0 ? kernelTrees.targetsOf(file) : null;
    // Sizes are not read through the tree's headers here: each file's include walk costs tens of
    // milliseconds per machine, seven times the whole scan over a kernel tree (docs/driver-context.md).
    // The editor resolves them for the files it opens; a scan's stand-ins are labelled as such.
    const driver = driverContext(
      model,
      { sites, text },
      {
        choice: selection.choice,
        targets,
        path: file,
        ...(targets ? { moduleRegistrations: () => kernelTrees.moduleRegistrationsOf(file) } : {}),
      },
    );
    const diagnostics = runChecks({ sites, text, driver, path, ...(lines ? { lines } : {}) }, checkOptions);
    const facts: AnalyzedFile = {
      sites,
      diagnostics,
      targets: { platforms: driver.platforms.ids, why: driver.platforms.why },
      ...(annotate ? { annotations: annotate(sites, driver) } : {}),
    };
    if (buildInputs.size > 0) {
      facts.buildInputs = [...buildInputs];
      buildInputs.clear();
    }
    return facts;
  };
}
