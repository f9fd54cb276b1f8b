// `dmalens scan PATH... [--platforms a,b] [--format text|json|sarif|checkpatch] [--rules a,b] [--exclude GLOB]
// [--jobs N] [--cache DIR | --no-cache] [--max-file-size BYTES] [--progress] [--diff CHANGE] [--fail-on S]`:
// every DMA call site and finding under the paths, as a report written while the scan runs, or with --diff
// those a change is answerable for (cli/scan-change.ts). Exit status: 0 when no finding is at or above
// --fail-on, 1 when one is, 2 for bad usage (unknown option, platform or rule, unreadable change: a UsageError).
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { availableParallelism } from 'node:os';
import { resolve, sep } from 'node:path';
import { pathInside } from './path-inside';
import { pathToFileURL } from 'node:url';
import { listProfiles } from '@dmalens/core';
import { scanTree, type FileResult } from '../batch/scan-tree';
import { createProgressBar } from '../batch/progress-bar';
import { createAnalyzer, type ScanAnalysisOptions } from '../batch/analyzer';
import { RULES } from '../checks/rules';
import { DEFAULT_EXCLUDES } from '../config/settings';
import { jsonWriter } from '../scan/format-json';
import { sarifWriter } from '../scan/format-sarif';
import { textWriter } from '../scan/format-text';
import { ReportTotals, type ReportFile, type ReportPlatform, type ReportWriter } from '../scan/scan-report';
import { parseArgs } from './args';
import { SCAN_HELP } from './help';
import { print } from './output';
import { compileExcludes, GlobError } from '../batch/glob';
import { Baseline } from '../scan/baseline';
import { UsageError } from './usage-error';
import { checkpatchWriter } from '../scan/format-checkpatch';
import { PatchSourceError, readChange, type PatchChange } from '../patch/patch-source';
import { changeReports } from './scan-change';

type Format = 'text' | 'json' | 'sarif' | 'checkpatch';
const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'checkpatch'];
const SEVERITIES = ['error', 'warning', 'information', 'hint'] as const;
type FailOn = (typeof SEVERITIES)[number] | 'never';

export interface ScanArguments {
  paths: string[];
  /** `auto`: each file's own build targets; a list: those platforms for every file. */
  platforms: 'auto' | string[];
  format: Format;
  rules?: string[];
  exclude: string[];
  progress: boolean;
  /** Text output: also a note per call site with what each platform does there (JSON always has them). */
  notes: boolean;
  /** A JSON report of an earlier scan whose findings are left out. */
  baseline?: string;
  /** Check a change only (`-`, a patch file, a git revision or range): its findings, in the files it changes. */
  diff?: string;
  /** The least severity that makes the exit status 1: error for a tree, warning for a change. */
  failOn: FailOn;
  /** undefined = the default cache folder, null = no cache. */
  cacheDir?: string | null;
  jobs?: number;
  maxFileSize?: number;
}

const SPEC = {
  values: ['platforms', 'format', 'rules', 'exclude', 'cache', 'jobs', 'max-file-size', 'baseline', 'diff', 'fail-on'],
  flags: ['progress', 'notes', 'no-cache', 'help'],
};

/** The comma-separated items of every occurrence of a list option. */
function list(values: readonly string[] | undefined): string[] | undefined {
  return values
    ?.flatMap((value) => value.split(','))
    .map((item) => item.trim())
    .filter(Boolean);
}

function count(values: readonly string[] | undefined, option: string, minimum: number): number | undefined {
  const value = values?.at(-1);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < minimum)
    throw new UsageError(`scan: --${option} needs a whole number >= ${minimum}, not '${value}'`);
  return Number(value);
}

/** The arguments of `dmalens scan`, or null for --help. Bad usage throws a UsageError naming the problem. */
export function parseScanArguments(argv: readonly string[]): ScanArguments | null {
  const parsed = parseArgs(argv, SPEC, 'scan');
  if (parsed.flags.has('help')) return null;
  const diff = parsed.values.get('diff')?.at(-1);
  if (!parsed.positionals.length && diff === undefined)
    throw new UsageError('scan: no PATH given (see `dmalens scan --help`)');
  const format = parsed.values.get('format')?.at(-1) ?? 'text';
  const known = FORMATS.find((candidate) => candidate === format);
  if (!known) throw new UsageError(`scan: --format must be text, json, sarif or checkpatch, not '${format}'`);
  const failOn = parsed.values.get('fail-on')?.at(-1) ?? (diff === undefined ? 'error' : 'warning');
  const knownFailOn = [...SEVERITIES, 'never' as const].find((candidate) => candidate === failOn);
  if (!knownFailOn)
    throw new UsageError(`scan: --fail-on must be error, warning, information, hint or never, not '${failOn}'`);
  const cache = parsed.values.get('cache')?.at(-1);
  const jobs = count(parsed.values.get('jobs'), 'jobs', 0);
  const maxFileSize = count(parsed.values.get('max-file-size'), 'max-file-size', 1);
  const rules = list(parsed.values.get('rules'));
  const baseline = parsed.values.get('baseline')?.at(-1);
  const args: ScanArguments = {
    paths: parsed.positionals.length ? parsed.positionals : ['.'],
    failOn: knownFailOn,
    platforms: platformsArgument(list(parsed.values.get('platforms'))),
    format: known,
    // One glob per --exclude: a comma belongs to the glob (`{a,b}`), not to a list.
    exclude: [...DEFAULT_EXCLUDES, ...(parsed.values.get('exclude') ?? [])],
    progress: parsed.flags.has('progress'),
    notes: parsed.flags.has('notes'),
    ...(rules ? { rules } : {}),
    ...(baseline !== undefined ? { baseline } : {}),
    ...(diff !== undefined ? { diff } : {}),
    ...(parsed.flags.has('no-cache') ? { cacheDir: null } : cache !== undefined ? { cacheDir: cache } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
    ...(maxFileSize !== undefined ? { maxFileSize } : {}),
  };
  validate(args);
  try {
    compileExcludes(args.exclude);
  } catch (error) {
    if (error instanceof GlobError) throw new UsageError(`scan: --exclude: ${error.message}`);
    throw error;
  }
  return args;
}

function platformsArgument(ids: string[] | undefined): 'auto' | string[] {
  if (!ids || (ids.length === 1 && ids[0] === 'auto')) return 'auto';
  if (ids.includes('auto')) throw new UsageError("scan: --platforms is either 'auto' or a list of platform ids");
  return ids;
}

function validate(parsed: ScanArguments): void {
  const known = new Set(listProfiles().map((profile) => profile.id));
  const unknown = parsed.platforms === 'auto' ? [] : parsed.platforms.filter((id) => !known.has(id));
  if (unknown.length)
    throw new UsageError(
      `scan: unknown platform id ${unknown.map((id) => `'${id}'`).join(', ')}; known: ${[...known].join(', ')}`,
    );
  const ruleIds = new Set(RULES.map((rule) => rule.id));
  const badRules = (parsed.rules ?? []).filter((id) => !ruleIds.has(id));
  if (badRules.length)
    throw new UsageError(
      `scan: unknown rule id ${badRules.map((id) => `'${id}'`).join(', ')}; known: ${[...ruleIds].join(', ')}`,
    );
}

/**
 * The report's platform labels, from the profiles (a scan thread builds its own model for the simulations):
 * every profile with `auto`, since each file names the ones it was shown on.
 */
function platformLabels(selection: 'auto' | readonly string[]): ReportPlatform[] {
  const profiles = new Map(listProfiles().map((profile) => [profile.id, profile]));
  const ids = selection === 'auto' ? [...profiles.keys()] : selection;
  return [...new Set(ids)].flatMap((id) => {
    const profile = profiles.get(id);
    return profile ? [{ id, title: profile.title, short: profile.short }] : [];
  });
}

/** Runs `dmalens scan`; the exit status is 1 when a finding is at or above --fail-on, else 0. */
export async function scanCommand(argv: readonly string[]): Promise<number> {
  const args = parseScanArguments(argv);
  if (!args) {
    print(SCAN_HELP);
    return 0;
  }
  const missing = args.paths.find((path) => !existsSync(path));
  if (missing !== undefined) throw new UsageError(`scan: ${missing}: no such file or directory`);
  let baseline: Baseline | null = null;
  try {
    baseline = args.baseline === undefined ? null : Baseline.read(args.baseline);
  } catch (error) {
    throw new UsageError(`scan: --baseline ${error instanceof Error ? error.message : String(error)}`);
  }
  const totals = new ReportTotals();
  // On one terminal, the progress line is wiped before report lines go out; it is redrawn on its next update.
  const barShares = args.progress && Boolean(process.stderr.isTTY) && Boolean(process.stdout.isTTY);
  const take = async (writer: ReportWriter, scanned: ReportFile) => {
    const file = baseline ? baseline.filter(scanned) : scanned;
    totals.add(file);
    await write(writer.file(file), barShares);
  };
  let writer: ReportWriter;
  if (args.diff !== undefined) {
    const change = readChangeOrUsageError(args.diff);
    writer = createWriter(args, totals, () => change.addedLines);
    const options = { analysis: analysisOptions(args), paths: args.paths, maxFileSize: args.maxFileSize };
    for (const file of await changeReports(change, options, displayPath)) await take(writer, file);
  } else {
    tuneCompilerForBatch();
    writer = createWriter(args, totals);
    const cacheProblems = await scanInto(args, (file) => take(writer, file));
    for (const problem of cacheProblems) process.stderr.write(`dmalens scan: ${problem}\n`);
  }
  await write(writer.end(), barShares);
  return fails(totals, args.failOn) ? 1 : 0;
}

/** Whether a reported finding is at least as severe as --fail-on asks. */
function fails(totals: ReportTotals, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return SEVERITIES.slice(0, SEVERITIES.indexOf(failOn) + 1).some((severity) => totals.bySeverity[severity]! > 0);
}

function readChangeOrUsageError(arg: string): PatchChange {
  try {
    return readChange(arg, process.cwd(), () => readFileSync(0, 'utf8'));
  } catch (error) {
    if (error instanceof PatchSourceError) throw new UsageError(`scan: --diff ${error.message}`);
    throw error;
  }
}

/**
 * Waits whenever stdout is full: a pipe to a slower reader would otherwise queue the report in memory
 * (measured: 17 MB of JSON for Linux cost 30-60 MB of peak RSS). The scan's threads go on meanwhile.
 */
async function write(piece: string, wipeProgressLine: boolean): Promise<void> {
  if (piece === '') return;
  if (wipeProgressLine) process.stderr.write('\r\x1b[2K');
  if (!process.stdout.write(piece)) await once(process.stdout, 'drain');
}

/**
 * A scan lives a few seconds, and V8's optimising compiler spent a fifth of its CPU (1.6 s of 7.7 s over
 * Linux 6.1, read from --trace-opt) compiling the analysis for both threads, mostly by inlining callees
 * into large functions. Less inlining (200 bytes of bytecode in all, not 920) and optimisation started
 * after about nine times as much execution (a budget of 600,000, not 67,584) cost less than they save
 * there (0.3 s of wall time, benchmarked against other settings), unlike in the long-lived language
 * server, which keeps V8's defaults. The flags are process-wide, and each worker isolate started afterwards
 * reads them. GC flags are left alone: V8 aborts when they change under a running heap.
 */
function tuneCompilerForBatch(): void {
  setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');
  setFlagsFromString('--interrupt-budget=600000');
}

/** One analysing thread per core, at most four (this one included). */
function defaultJobs(): number {
  return Math.min(availableParallelism(), 4);
}

/**
 * The threads a scan runs: --jobs, at most one per core (each thread holds a parser and its own caches,
 * so more threads than cores only add memory: --jobs 1000 reached 9.1 GB). A clamp is said on stderr.
 */
function jobsToUse(requested: number | undefined): number {
  if (requested === undefined) return defaultJobs();
  const cores = availableParallelism();
  if (requested <= cores) return requested;
  process.stderr.write(`dmalens scan: --jobs ${requested} is more than the ${cores} cores; using ${cores}\n`);
  return cores;
}

/**
 * What each file is analysed with: the JSON report always has the per-site summaries, the text report only
 * with --notes, so only they simulate them.
 */
export function analysisOptions(args: ScanArguments): ScanAnalysisOptions {
  return {
    platforms: args.platforms,
    annotate: args.format === 'json' || (args.format === 'text' && args.notes),
    ...(args.rules ? { rules: args.rules } : {}),
  };
}

/**
 * Hands each file to `take` in walk order as soon as the files before it are done, so the report is
 * written while the scan runs. Returns what went wrong with the scan cache (the report is complete anyway).
 */
async function scanInto(args: ScanArguments, take: (file: ReportFile) => Promise<void>): Promise<string[]> {
  const analysis = analysisOptions(args);
  const scan = scanTree(args.paths, {
    exclude: args.exclude,
    analysis,
    ...(args.cacheDir !== undefined ? { cacheDir: args.cacheDir } : {}),
    // This thread analyses too, with the analyser the workers load, and the other jobs are workers.
    analyze: createAnalyzer(analysis),
    workers: Math.max(0, jobsToUse(args.jobs) - 1),
    ...(args.maxFileSize !== undefined ? { maxFileSize: args.maxFileSize } : {}),
    ...(args.progress ? { onProgress: createProgressBar(process.stderr) } : {}),
    inWalkOrder: true,
  });
  let cacheProblems: string[] = [];
  // The summary is the generator's return value, which for-await drops; the wrapper keeps it, and like
  // for-await it closes the scan (workers, cache) if writing fails half-way.
  async function* withSummary(): AsyncGenerator<FileResult> {
    cacheProblems = (yield* scan).cacheProblems;
  }
  for await (const result of withSummary()) {
    const { sites, diagnostics, annotations, targets } = result;
    await take({
      path: displayPath(result.path),
      sites,
      diagnostics,
      ...(annotations ? { annotations } : {}),
      ...(targets ? { targets } : {}),
      ...(result.skipped ? { skipped: result.note ?? result.skipped } : {}),
    });
  }
  return cacheProblems;
}

/** Paths under the working directory print relative to it, as compilers print them. */
function displayPath(path: string): string {
  return pathInside(process.cwd(), path) || path;
}

function createWriter(args: ScanArguments, totals: ReportTotals, linesChecked?: () => number): ReportWriter {
  const { format, platforms: selection } = args;
  const platforms = platformLabels(selection);
  if (format === 'checkpatch') return checkpatchWriter(totals, linesChecked);
  if (format === 'json') return jsonWriter(platforms, totals);
  const listSkipped = args.notes || args.diff !== undefined;
  if (format === 'text') return textWriter(selection === 'auto' ? 'auto' : platforms, totals, listSkipped);
  const cwd = process.cwd();
  return sarifWriter(platforms, {
    baseUri: `${pathToFileURL(cwd).toString()}/`,
    artifactUri: (path) => {
      const absolute = resolve(cwd, path);
      const inside = pathInside(cwd, absolute);
      // A relative URI reference: path segments percent-encoded, `/` as separator. Only the platform's
      // separator separates: on Linux a backslash is part of a name (`back\slash.c` is one file).
      return inside ? inside.split(sep).map(encodeURIComponent).join('/') : pathToFileURL(absolute).toString();
    },
  });
}
