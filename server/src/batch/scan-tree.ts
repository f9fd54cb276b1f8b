// The whole-tree batch scan behind `dmalens scan` and the workspace index. The main thread walks the tree
// and hands batches of paths to worker threads; each worker reads, prefilters, hashes and analyses its
// files (file-scan.ts). Given an analyser, the main thread takes files of its own between answering the
// workers and judges what they extract, so that the scan holds one project model (analyzer.ts). The CLI
// does this; the language server keeps its thread for requests. The cache lets a re-scan skip every file
// whose signature or content is unchanged.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { compileExcludes } from './glob';
import { walkFiles, type WalkProblem } from './walk';
import {
  decodeFacts,
  finishAnalysis,
  finishJudgement,
  readForScan,
  sameSignature,
  type AnalyzeFile,
  type FileFacts,
  type FileOutcome,
  type FileTask,
  type SkipReason,
  type WorkerOutcome,
  type ExtractedOutcome,
} from './file-scan';
import type { Analyzer } from './analyzer';
import { ScanCache, cacheIdentity, defaultCacheDir, fileFingerprint } from './scan-cache';
import { WorkerPool } from './worker-pool';
import { WalkOrder } from './walk-order';
import type { ScanAnalysisOptions, WorkerSetup } from './worker-protocol';

export { defaultCacheDir } from './scan-cache';
export type { FileFacts, SkipReason } from './file-scan';

/** Kernel sources above this are generated register dumps (amdgpu's *_sh_mask.h reach 24 MB), not driver code. */
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_EXTENSIONS = ['.c', '.h'];
/** Files per batch: large enough that messaging costs little, small enough to balance two workers. */
const BATCH_SIZE = 48;
const PROGRESS_INTERVAL_MS = 100;
/** Directory entries listed per turn of the event loop while workers run. */
const WALK_AHEAD_PER_TURN = 500;
/** Unchanged files settled on the main thread per turn, so that a language server stays responsive. */
const SETTLED_ON_MAIN_PER_TURN = 2000;

export interface ScanTreeOptions {
  /** Globs relative to each root (see glob.ts); `.git` is always skipped. */
  exclude?: string[];
  extensions?: string[];
  maxFileSize?: number;
  /**
   * Worker threads. Default: one per core, at most 4; with `analyze`, none. With `analyze` and workers,
   * the calling thread analyses files too, between answering the workers (a batch command's main thread
   * has nothing else to do, and one worker fewer saves that thread's compiling and warming up).
   */
  workers?: number;
  /** Where the scan cache lives; null disables it. Default `defaultCacheDir()`. */
  cacheDir?: string | null;
  /** Options for the per-file analysis (platforms, rules); part of the cache key. */
  analysis?: ScanAnalysisOptions;
  onProgress?(progress: ScanProgress): void;
  signal?: AbortSignal;
  /** The worker entry; default `scan-worker.js` next to the running bundle. */
  workerScript?: string;
  /**
   * Analyse on the calling thread with this function (alone, unless `workers` are asked for as well).
   * Used by tests of the engine, by callers that already hold an initialised analyser, and by the CLI,
   * which passes the analyser still loading so that the walk and the workers start meanwhile. With
   * workers, it must be an `Analyzer` (createAnalyzer's): the workers only extract, and it judges.
   */
  analyze?: AnalyzeFile | Promise<AnalyzeFile>;
  /** Identifies the analysis code for the cache; default: a hash of the worker bundle. */
  toolFingerprint?: string;
  /**
   * Yield results in the order of the walk (roots as given, then depth first with names sorted), each as
   * soon as every file walked before it is done; default: in the order they finish.
   */
  inWalkOrder?: boolean;
}

export interface FileResult {
  path: string;
  sites: FileFacts['sites'];
  diagnostics: FileFacts['diagnostics'];
  annotations?: FileFacts['annotations'];
  targets?: FileFacts['targets'];
  /** Set when the file was not analysed; `note` says why. */
  skipped?: SkipReason;
  note?: string;
  /** True when the facts came from the cache rather than a fresh analysis. */
  cached: boolean;
}

export interface ScanProgress {
  /** Files found by the walk so far (final once `walkDone`). */
  filesSeen: number;
  filesDone: number;
  walkDone: boolean;
  /** Files that contain at least one catalogue name. */
  candidates: number;
  cacheHits: number;
  skipped: number;
  bytesRead: number;
  elapsedMs: number;
  done: boolean;
}

export interface ScanSummary extends ScanProgress {
  sites: number;
  diagnostics: number;
  /** Cache trouble (unreadable, not saved): the scan result is complete regardless. */
  cacheProblems: string[];
}

interface ResolvedOptions {
  roots: string[];
  extensions: Set<string>;
  maxFileSize: number;
  workers: number;
  analyze: AnalyzeFile | Promise<AnalyzeFile> | null;
  workerScript: string | null;
}

/**
 * Scans every matching file under `paths` and yields the files that have call sites, diagnostics or a skip
 * note, in completion order or (`inWalkOrder`) in walk order. The generator's return value is the summary.
 */
export async function* scanTree(
  paths: readonly string[],
  options: ScanTreeOptions = {},
): AsyncGenerator<FileResult, ScanSummary> {
  const started = performance.now();
  const resolved = resolveOptions(paths, options);
  const problems: WalkProblem[] = [];
  const walker = walkFiles(
    resolved.roots,
    { excludes: compileExcludes(options.exclude ?? []), extensions: resolved.extensions },
    problems,
  );
  const cache = openCache(resolved, options);
  const progress: ScanProgress = {
    filesSeen: 0,
    filesDone: 0,
    walkDone: false,
    candidates: 0,
    cacheHits: 0,
    skipped: 0,
    bytesRead: 0,
    elapsedMs: 0,
    done: false,
  };
  const totals = { sites: 0, diagnostics: 0 };
  const ready: FileResult[] = [];
  const order = options.inWalkOrder ? new WalkOrder<FileResult>() : null;
  let lastReport = 0;

  const report = (force: boolean): void => {
    const now = performance.now();
    if (!options.onProgress || (!force && now - lastReport < PROGRESS_INTERVAL_MS)) return;
    lastReport = now;
    progress.elapsedMs = now - started;
    options.onProgress({ ...progress });
  };
  const accept = (outcome: FileOutcome): void => {
    progress.filesDone++;
    const result = applyOutcome(outcome, cache, progress);
    if (result) {
      totals.sites += result.sites.length;
      totals.diagnostics += result.diagnostics.length;
    }
    if (order) order.settle(outcome.path, result, ready);
    else if (result) ready.push(result);
  };
  // The walk runs ahead of the workers (the main thread is otherwise idle), so the total, the bar and the
  // ETA are known early in the scan rather than only when the last directory has been listed.
  const walked: string[] = [];
  let walkedTaken = 0;
  const walkSome = (limit: number): void => {
    for (let count = 0; count < limit && !progress.walkDone; count++) {
      const next = walker.next();
      if (next.done) progress.walkDone = true;
      else {
        walked.push(next.value);
        progress.filesSeen++;
      }
    }
  };
  const hasQueued = (): boolean => walkedTaken < walked.length;
  const takeBatch = (size = BATCH_SIZE): FileTask[] => {
    if (walked.length - walkedTaken < size) walkSome(size);
    const tasks: FileTask[] = [];
    while (tasks.length < size && walkedTaken < walked.length) {
      const path = walked[walkedTaken]!;
      // Free the slot: the queue may hold the whole tree's paths for a moment.
      walked[walkedTaken++] = '';
      order?.taken(path);
      const known = cache.knownFor(path);
      tasks.push(known ? { path, cached: known } : { path });
    }
    return tasks;
  };
  const scanning = (): boolean => !progress.walkDone || hasQueued();
  const drainProblems = (): void => {
    for (const problem of problems.splice(0)) {
      progress.skipped++;
      ready.push({
        path: problem.path,
        sites: [],
        diagnostics: [],
        skipped: 'unreadable',
        note: `not scanned: ${problem.reason}`,
        cached: false,
      });
    }
  };

  try {
    if (resolved.analyze && resolved.workers === 0) {
      const analyze = await resolved.analyze;
      while (scanning() && !options.signal?.aborted) {
        walkSome(WALK_AHEAD_PER_TURN);
        for (const task of takeBatch()) {
          const read = readForScan(task, resolved.maxFileSize);
          accept(read.kind === 'pending' ? finishAnalysis(read, analyze, true) : read);
        }
        drainProblems();
        report(false);
        yield* ready.splice(0);
        // Long scans on the calling thread (the language server) must leave room for requests.
        await yieldToEventLoop();
      }
    } else {
      yield* runOnWorkers(
        resolved,
        options,
        { takeBatch, walkSome, scanning },
        accept,
        drainProblems,
        progress,
        ready,
        report,
      );
    }
    drainProblems();
    yield* ready.splice(0);
  } finally {
    if (options.signal?.aborted) cache.discard();
    else cache.save();
  }
  progress.done = true;
  report(true);
  progress.elapsedMs = performance.now() - started;
  return { ...progress, ...totals, cacheProblems: cache.problems };
}

/** The walked files waiting to be scanned, as the scheduling loops see them. */
interface ScanQueue {
  /** Up to `size` tasks (48 by default), walking further when fewer are waiting. */
  takeBatch(size?: number): FileTask[];
  walkSome(limit: number): void;
  /** True while the walk goes on or tasks are waiting. */
  scanning(): boolean;
}

async function* runOnWorkers(
  resolved: ResolvedOptions,
  options: ScanTreeOptions,
  queue: ScanQueue,
  accept: (outcome: FileOutcome) => void,
  drainProblems: () => void,
  progress: ScanProgress,
  ready: FileResult[],
  report: (force: boolean) => void,
): AsyncGenerator<FileResult> {
  let wake: (() => void) | null = null;
  let fatal: string | null = null;
  // The calling thread joins in once its analyser has loaded.
  let analyzeHere: AnalyzeFile | null = null;
  if (resolved.analyze) {
    Promise.resolve(resolved.analyze).then(
      (loaded) => {
        analyzeHere = loaded;
        if (!judgeOf(loaded)) fatal = 'the calling thread analyses beside workers without a judge (createAnalyzer)';
        judgeAll();
        wake?.();
      },
      (error: unknown) => {
        fatal = `cannot load the analyser: ${error instanceof Error ? error.message : String(error)}`;
        wake?.();
      },
    );
  }
  const setup: WorkerSetup = {
    maxFileSize: resolved.maxFileSize,
    analysisOptions: options.analysis ?? null,
    extractOnly: resolved.analyze !== null,
  };
  // Extracted files wait here while the calling thread's analyser is still loading.
  const unjudged: ExtractedOutcome[] = [];
  const judgeAll = (): void => {
    const judge = analyzeHere && judgeOf(analyzeHere);
    if (!judge) return;
    for (const outcome of unjudged.splice(0)) accept(finishJudgement(outcome, judge));
  };
  const acceptFromWorker = (outcome: WorkerOutcome): void => {
    if (outcome.kind !== 'extracted') accept(outcome);
    else {
      unjudged.push(outcome);
      judgeAll();
    }
  };
  // Workers start on the first file that needs reading: a re-scan of an unchanged tree needs none.
  let pool: WorkerPool | null = null;
  const startPool = (): WorkerPool =>
    new WorkerPool(
      resolved.workerScript!,
      resolved.workers,
      setup,
      (outcomes) => {
        for (const outcome of outcomes) acceptFromWorker(outcome);
        wake?.();
      },
      (message) => {
        fatal = message;
        wake?.();
      },
    );
  let settledHere = 0;
  /** Hands batches to the workers until they hold enough; files unchanged since the cache are settled here. */
  const feedWorkers = (): void => {
    while (
      queue.scanning() &&
      (pool === null || pool.hasCapacity()) &&
      settledHere < SETTLED_ON_MAIN_PER_TURN &&
      !options.signal?.aborted
    ) {
      const toRead: FileTask[] = [];
      for (const task of queue.takeBatch()) {
        const unchanged = unchangedByStat(task);
        if (unchanged) {
          accept(unchanged);
          settledHere++;
        } else toRead.push(task);
      }
      if (toRead.length > 0) (pool ??= startPool()).submit(toRead);
    }
  };
  const onAbort = (): void => wake?.();
  options.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      settledHere = 0;
      feedWorkers();
      if (analyzeHere && !options.signal?.aborted) {
        const large = analyzeSlice(queue, analyzeHere, resolved.maxFileSize, accept, feedWorkers);
        if (large.length > 0) (pool ??= startPool()).submit(large);
      }
      drainProblems();
      report(false);
      if (ready.length > 0) yield* ready.splice(0);
      if (fatal) throw new Error(`DMA Lens scan failed: ${fatal}`);
      const idle = (pool === null || pool.idle) && unjudged.length === 0;
      if (options.signal?.aborted || (!queue.scanning() && idle)) break;
      const workLeftHere = analyzeHere !== null && queue.scanning();
      if (progress.walkDone && !idle && !workLeftHere && !(settledHere >= SETTLED_ON_MAIN_PER_TURN)) {
        await new Promise<void>((resolve) => (wake = resolve));
      } else {
        // Walk on (or settle more unchanged files) between worker messages; a finished batch wakes the loop at once.
        queue.walkSome(WALK_AHEAD_PER_TURN);
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), yieldToEventLoop()]);
      }
      wake = null;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await pool?.close();
  }
}

function judgeOf(analyze: AnalyzeFile): Analyzer['judge'] | null {
  return 'judge' in analyze && typeof analyze.judge === 'function' ? (analyze as Analyzer).judge : null;
}

/** How long the calling thread analyses before it answers the workers again. */
const ANALYSIS_SLICE_MS = 4;
/**
 * Candidates larger than this go to a worker even when the calling thread read them: a parser that runs
 * out of memory on a huge generated file takes down only a worker, which the pool replaces.
 */
const CALLING_THREAD_MAX_BYTES = 1024 * 1024;

/**
 * The calling thread's share: files from the queue until the slice is used, one at a time, topping up the
 * workers between files (a worker gets through its batches of small files faster than a slice lasts).
 * Returns the candidates it leaves to the workers.
 */
function analyzeSlice(
  queue: ScanQueue,
  analyze: AnalyzeFile,
  maxFileSize: number,
  accept: (outcome: FileOutcome) => void,
  feedWorkers: () => void,
): FileTask[] {
  const forWorkers: FileTask[] = [];
  const until = performance.now() + ANALYSIS_SLICE_MS;
  while (performance.now() < until) {
    feedWorkers();
    const [task] = queue.takeBatch(1);
    if (!task) break;
    const read = unchangedByStat(task) ?? readForScan(task, maxFileSize);
    if (read.kind !== 'pending') accept(read);
    else if (read.signature.size > CALLING_THREAD_MAX_BYTES) forWorkers.push(task);
    else accept(finishAnalysis(read, analyze, true));
  }
  return forWorkers;
}

/**
 * A file whose cached signature is trusted and still matches a `stat` is unchanged: settled on the main
 * thread, which is otherwise idle, without a round trip to a worker.
 */
function unchangedByStat(task: FileTask): FileOutcome | null {
  if (!task.cached?.signatureTrusted) return null;
  const stat = statSync(task.path, { throwIfNoEntry: false });
  if (!stat || !stat.isFile()) return null;
  return sameSignature(task.cached.signature, { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino })
    ? { kind: 'unchanged', path: task.path }
    : null;
}

/** Turns a reader's outcome into the cache update and, when there is something to show, a result. */
function applyOutcome(outcome: FileOutcome, cache: ScanCache, progress: ScanProgress): FileResult | null {
  const { path } = outcome;
  switch (outcome.kind) {
    case 'unchanged':
    case 'same-content': {
      const facts = cache.factsFor(path);
      if (outcome.kind === 'unchanged') cache.keep(path);
      else {
        progress.bytesRead += outcome.signature.size;
        cache.keepContent(path, outcome.signature);
      }
      progress.cacheHits++;
      if (!facts) return null;
      progress.candidates++;
      return resultOf(path, decodeFacts(facts), true);
    }
    case 'no-candidates':
      progress.bytesRead += outcome.signature.size;
      cache.record(path, outcome.signature, null, null);
      return null;
    case 'analyzed':
      if (outcome.buildInputs) cache.noteBuildInputs(outcome.buildInputs);
      progress.bytesRead += outcome.signature.size;
      progress.candidates++;
      cache.record(path, outcome.signature, outcome.hash, outcome.facts);
      return resultOf(path, outcome.decoded ?? decodeFacts(outcome.facts), false);
    case 'skipped':
      progress.skipped++;
      return { path, sites: [], diagnostics: [], skipped: outcome.reason, note: outcome.note, cached: false };
  }
}

function resultOf(path: string, facts: FileFacts, cached: boolean): FileResult | null {
  if (facts.sites.length === 0 && facts.diagnostics.length === 0) return null;
  return { path, ...facts, cached };
}

function resolveOptions(paths: readonly string[], options: ScanTreeOptions): ResolvedOptions {
  if (paths.length === 0) throw new Error('DMA Lens scan: no paths given');
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_BYTES;
  if (!Number.isFinite(maxFileSize) || maxFileSize <= 0)
    throw new Error(`DMA Lens scan: maxFileSize must be a positive number of bytes, got ${maxFileSize}`);
  const requestedWorkers = options.workers ?? Math.min(availableParallelism(), 4);
  if (!Number.isInteger(requestedWorkers) || requestedWorkers < 0)
    throw new Error(`DMA Lens scan: workers must be a whole number >= 0, got ${requestedWorkers}`);
  const workers = options.analyze && options.workers === undefined ? 0 : requestedWorkers;
  // The analysis code reaches the calling thread only through `analyze`, so that this module does not
  // pull the parser and the checks into every bundle that merely starts scans.
  if (workers === 0 && !options.analyze)
    throw new Error(
      'DMA Lens scan: workers: 0 needs `analyze` (e.g. `await createAnalyzer(options)` from batch/analyzer.ts)',
    );
  const workerScript =
    options.workerScript ?? (typeof __dirname === 'string' ? join(__dirname, 'scan-worker.js') : null);
  if (workers > 0 && !workerScript)
    throw new Error('DMA Lens scan: workerScript is required outside the server bundle');
  const extensions = new Set(
    (options.extensions ?? DEFAULT_EXTENSIONS).map((extension) =>
      (extension.startsWith('.') ? extension : `.${extension}`).toLowerCase(),
    ),
  );
  return { roots: [...paths], extensions, maxFileSize, workers, analyze: options.analyze ?? null, workerScript };
}

function openCache(resolved: ResolvedOptions, options: ScanTreeOptions): ScanCache {
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  if (cacheDir === null) return ScanCache.disabled();
  const toolFingerprint = options.toolFingerprint ?? defaultFingerprint(resolved);
  return ScanCache.open(
    cacheDir,
    cacheIdentity({
      toolFingerprint,
      roots: resolved.roots,
      analysisOptions: options.analysis ?? null,
      maxFileSize: resolved.maxFileSize,
    }),
  );
}

/** The analysis code is the worker bundle (or, on the calling thread, the bundle running now). */
function defaultFingerprint(resolved: ResolvedOptions): string {
  try {
    if (resolved.workers > 0 && resolved.workerScript) return fileFingerprint(resolved.workerScript);
    if (typeof __filename === 'string') return fileFingerprint(__filename);
  } catch {
    // Fall through: an unreadable bundle only means the cache cannot tell builds apart.
  }
  return `unknown-build-${process.version}`;
}
