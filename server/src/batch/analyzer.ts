// The per-file analysis of a batch scan: the same extraction (analyzeFileText, which parses only the
// top-level definitions holding a catalogue name) and the same checks (runChecks) as the editor, with the
// options of the scan. It comes in two halves. Extraction needs only the parser and the file's text.
// Judgement (the file's targets, its driver context, the checks) needs the tree's project model: its
// Kconfig files and Makefiles cost about 1.3 s of CPU and 70 MB to read, so a scan with worker threads
// keeps one model, on the calling thread, which judges what the workers extract (scan-tree.ts).
import { initParser } from '../parse/parser';
import { analyzeFileText } from '../analysis/file-analysis';
import type { CallSite } from '../analysis/callsite';
import type { LineIndex } from '../analysis/line-index';
import { runChecks } from '../checks/run-checks';
import { resolve } from 'node:path';
import { platformSelection } from '../config/settings';
import { KernelTrees } from '../kernel-tree';
import { createAnnotator, createPlatformModel, driverContext } from '../sites';
import type { AnalyzeFile, AnalyzedFile } from './file-scan';
import type { ScanAnalysisOptions } from './worker-protocol';

export type { ScanAnalysisOptions };

/** What extraction finds in a file: its call sites, and the line index their ranges came from. */
export interface Extraction {
  sites: CallSite[];
  lines?: LineIndex;
}

export type ExtractFile = (text: string, path: string) => Extraction;

/** The rest of the analysis, given the file's extraction: what a worker's extraction still needs. */
export type JudgeFile = (extraction: Extraction, text: string, path: string) => AnalyzedFile;

/** The whole analysis (`analyze(text, path)`), and its second half on its own. */
export type Analyzer = AnalyzeFile & { judge: JudgeFile };

export async function createExtractor(): Promise<ExtractFile> {
  await initParser();
  return extract;
}

function extract(text: string, path: string): Extraction {
  const { sites, lines } = analyzeFileText(text, path);
  return lines ? { sites, lines } : { sites };
}

export async function createAnalyzer(options: ScanAnalysisOptions = {}): Promise<Analyzer> {
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
  const judge: JudgeFile = ({ sites, lines }, text, path) => {
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
  return Object.assign((text: string, path: string) => judge(extract(text, path), text, path), { judge });
}
