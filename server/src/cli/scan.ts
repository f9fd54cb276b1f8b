// `dmalens scan PATH... [--platforms a,b] [--format text|json|sarif] [--rules a,b] [--exclude GLOB]
// [--jobs N] [--cache DIR | --no-cache] [--max-file-size BYTES] [--progress]`: every DMA call site and
// finding under the paths. Exit status: 0 when no
// finding has error severity, 1 when one does, 2 for bad usage (unknown option, platform or rule).
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { availableParallelism } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listProfiles } from '@dmalens/core';
import { DEFAULT_MAX_FILE_BYTES, scanTree, type FileResult } from '../batch/scan-tree';
import { createProgressBar } from '../batch/progress-bar';
import { createAnalyzer, type ScanAnalysisOptions } from '../batch/analyzer';
import { createPlatformModel } from '../sites';
import { RULES } from '../checks/rules';
import { DEFAULT_EXCLUDES, DEFAULT_PLATFORMS } from '../config/settings';
import { jsonWriter } from './format-json';
import { sarifWriter } from './format-sarif';
import { textWriter } from './format-text';
import { ReportTotals, type ReportFile, type ReportPlatform, type ReportWriter } from './scan-report';

export const SCAN_USAGE = `usage: dmalens scan PATH... [--platforms id,id] [--format text|json|sarif] [--rules id,id] [--exclude GLOB]...
                    [--jobs N] [--cache DIR | --no-cache] [--max-file-size BYTES] [--progress]
  --platforms      target platform ids (default: ${DEFAULT_PLATFORMS.join(',')})
  --format         text (compiler style, default), json, or sarif (SARIF 2.1.0)
  --rules          only these rule ids (default: all)
  --exclude        skip paths matching the glob (repeatable; adds to the defaults)
  --jobs           threads that analyse files, this process's own included (0 or 1: no worker threads;
                   default: one per core, at most 4)
  --cache DIR      where the scan cache lives (default: ${'$'}XDG_CACHE_HOME/dmalens); --no-cache disables it
  --max-file-size  skip files larger than this many bytes (default ${DEFAULT_MAX_FILE_BYTES}), with a note
  --progress       draw a progress bar on stderr when it is a terminal
exit status: 0 no error-level findings, 1 error-level findings, 2 bad usage`;

type Format = 'text' | 'json' | 'sarif';

interface ScanArguments {
  paths: string[];
  platforms: string[];
  format: Format;
  rules?: string[];
  exclude: string[];
  progress: boolean;
  /** undefined = the default cache folder, null = no cache. */
  cacheDir?: string | null;
  jobs?: number;
  maxFileSize?: number;
}

class UsageError extends Error {}

function list(value: string | undefined, option: string): string[] {
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${option} needs a value`);
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function count(value: string | undefined, option: string, minimum: number): number {
  const number = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || number < minimum)
    throw new UsageError(`${option} needs a whole number >= ${minimum}, not '${value ?? ''}'`);
  return number;
}

export function parseScanArguments(argv: readonly string[]): ScanArguments {
  const parsed: ScanArguments = {
    paths: [],
    platforms: [...DEFAULT_PLATFORMS],
    format: 'text',
    exclude: [...DEFAULT_EXCLUDES],
    progress: false,
  };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const [option, inline] =
      argument.startsWith('--') && argument.includes('=')
        ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)]
        : [argument, undefined];
    const value = () => inline ?? argv[++index];
    switch (option) {
      case '--platforms':
        parsed.platforms = list(value(), option);
        break;
      case '--format': {
        const format = value();
        if (format !== 'text' && format !== 'json' && format !== 'sarif')
          throw new UsageError(`--format must be text, json or sarif, not '${format ?? ''}'`);
        parsed.format = format;
        break;
      }
      case '--rules':
        parsed.rules = list(value(), option);
        break;
      case '--exclude':
        parsed.exclude.push(...list(value(), option));
        break;
      case '--progress':
        parsed.progress = true;
        break;
      case '--no-cache':
        parsed.cacheDir = null;
        break;
      case '--cache': {
        const dir = value();
        if (!dir || dir.startsWith('--')) throw new UsageError('--cache needs a folder');
        parsed.cacheDir = dir;
        break;
      }
      case '--jobs':
        parsed.jobs = count(value(), option, 0);
        break;
      case '--max-file-size':
        parsed.maxFileSize = count(value(), option, 1);
        break;
      default:
        if (argument.startsWith('-')) throw new UsageError(`unknown option '${argument}'`);
        parsed.paths.push(argument);
    }
  }
  if (!parsed.paths.length) throw new UsageError('no PATH given');
  validate(parsed);
  return parsed;
}

function validate(parsed: ScanArguments): void {
  const known = new Set(listProfiles().map((profile) => profile.id));
  const unknown = parsed.platforms.filter((id) => !known.has(id));
  if (unknown.length)
    throw new UsageError(
      `unknown platform id ${unknown.map((id) => `'${id}'`).join(', ')}; known: ${[...known].join(', ')}`,
    );
  const ruleIds = new Set(RULES.map((rule) => rule.id));
  const badRules = (parsed.rules ?? []).filter((id) => !ruleIds.has(id));
  if (badRules.length)
    throw new UsageError(
      `unknown rule id ${badRules.map((id) => `'${id}'`).join(', ')}; known: ${[...ruleIds].join(', ')}`,
    );
}

export async function runScanCommand(argv: readonly string[]): Promise<number> {
  let args: ScanArguments;
  try {
    args = parseScanArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`dmalens scan: ${error.message}\n${SCAN_USAGE}\n`);
    return 2;
  }
  tuneCompilerForBatch();
  const { model } = createPlatformModel(args.platforms, {});
  const platforms = model.selected.map((profile) => ({ id: profile.id, title: profile.title, short: profile.short }));
  const totals = new ReportTotals();
  const writer = createWriter(args.format, platforms, totals);
  // On one terminal, the progress line is wiped before report lines go out; it is redrawn on its next update.
  const barShares = args.progress && Boolean(process.stderr.isTTY) && Boolean(process.stdout.isTTY);
  const cacheProblems = await scanInto(args, async (file) => {
    totals.add(file);
    await write(writer.file(file), barShares);
  });
  await write(writer.end(), barShares);
  for (const problem of cacheProblems) process.stderr.write(`dmalens scan: ${problem}\n`);
  return totals.bySeverity.error! > 0 ? 1 : 0;
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
 * Hands each file to `take` in walk order as soon as the files before it are done, so the report is
 * written while the scan runs. Returns what went wrong with the scan cache (the report is complete anyway).
 */
async function scanInto(args: ScanArguments, take: (file: ReportFile) => Promise<void>): Promise<string[]> {
  const analysis: ScanAnalysisOptions = {
    platforms: args.platforms,
    annotate: true,
    ...(args.rules ? { rules: args.rules } : {}),
  };
  const scan = scanTree(args.paths, {
    exclude: args.exclude,
    analysis,
    ...(args.cacheDir !== undefined ? { cacheDir: args.cacheDir } : {}),
    // This thread analyses too, with the analyser the workers load, and the other jobs are workers.
    analyze: createAnalyzer(analysis),
    workers: Math.max(0, (args.jobs ?? defaultJobs()) - 1),
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
    const { sites, diagnostics, annotations } = result;
    await take({
      path: displayPath(result.path),
      sites,
      diagnostics,
      ...(annotations ? { annotations } : {}),
      ...(result.skipped ? { skipped: result.note ?? result.skipped } : {}),
    });
  }
  return cacheProblems;
}

/** Paths under the working directory print relative to it, as compilers print them. */
function displayPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

function createWriter(format: Format, platforms: ReportPlatform[], totals: ReportTotals): ReportWriter {
  if (format === 'json') return jsonWriter(platforms, totals);
  if (format === 'text') return textWriter(platforms, totals);
  const cwd = process.cwd();
  return sarifWriter(platforms, {
    baseUri: `${pathToFileURL(cwd).toString()}/`,
    artifactUri: (path) => {
      const absolute = resolve(cwd, path);
      const inside = relative(cwd, absolute);
      // A relative URI reference: path segments percent-encoded, `/` as separator.
      return inside && !inside.startsWith('..') && !isAbsolute(inside)
        ? inside.split(/[\\/]/).map(encodeURIComponent).join('/')
        : pathToFileURL(absolute).toString();
    },
  });
}
