// Messages between the scan's main thread and its worker threads. Everything is structured-clonable data.
import type { SeveritySetting } from '../config/settings';
import type { PlatformOverrides } from '@dmalens/protocol';
import type { FileTask, WorkerOutcome } from './file-scan';
import type { CustomPlatformSetting } from '../sites/custom-platforms';

/** What a scan is analysed with; plain data because it crosses to worker threads and keys the cache. */
export interface ScanAnalysisOptions {
  /** `auto`: each file's own build targets (the default); a list: those platforms for every file. */
  platforms?: 'auto' | string[];
  overrides?: PlatformOverrides;
  /** Platforms of the user's own (dmalens.customPlatforms), usable in `platforms` and `overrides`. */
  customPlatforms?: CustomPlatformSetting[];
  /** Severity per rule id; `off` disables the rule. */
  severities?: Record<string, SeveritySetting>;
  /** Only these rule ids (the CLI's --rules). */
  rules?: string[];
  /** Also summarise each site per platform (sites/annotations.ts), for outputs that print them. */
  annotate?: boolean;
}

/** Passed as `workerData`: what every file of the scan is analysed with. */
export interface WorkerSetup {
  maxFileSize: number;
  /** The per-file analysis options; the batch engine only passes them on and hashes them for the cache. */
  analysisOptions: ScanAnalysisOptions | null;
  /**
   * Workers only extract, and the calling thread judges (analyzer.ts): set when the calling thread analyses
   * too, so that the scan holds one project model rather than one per thread.
   */
  extractOnly: boolean;
}

/**
 * Passed as `workerData`: the setup, and a counter the worker raises as it posts each finished batch. The
 * main thread reads the counter between files of its own analysis, when it cannot receive messages, and
 * sends more batches before the worker runs dry.
 */
export interface WorkerData extends WorkerSetup {
  batchesFinished: SharedArrayBuffer;
}

export type ToWorker = { type: 'batch'; id: number; tasks: FileTask[] };

export type FromWorker =
  | BatchDone
  /** The worker cannot analyse anything (e.g. the grammar failed to load); the scan stops with this message. */
  | { type: 'fatal'; message: string };

/**
 * A finished batch. Nineteen files in twenty hold no catalogue name; their outcomes travel as numbers
 * (index in the batch, size, time, inode) in one transferred array rather than as cloned objects, which
 * cost the workers a tenth of a second each over a kernel tree.
 */
export interface BatchDone {
  type: 'batch-done';
  id: number;
  outcomes: WorkerOutcome[];
  noCandidates: Float64Array;
}

const NUMBERS_PER_FILE = 4;

/** `outcomes` are in the order of `tasks` (one per task), which is how the worker produces them. */
export function packBatch(id: number, outcomes: readonly WorkerOutcome[]): BatchDone {
  const others: WorkerOutcome[] = [];
  const noCandidates = new Float64Array(
    outcomes.filter((outcome) => outcome.kind === 'no-candidates').length * NUMBERS_PER_FILE,
  );
  let at = 0;
  outcomes.forEach((outcome, index) => {
    if (outcome.kind !== 'no-candidates') others.push(outcome);
    else {
      noCandidates.set([index, outcome.signature.size, outcome.signature.mtimeMs, outcome.signature.ino], at);
      at += NUMBERS_PER_FILE;
    }
  });
  return { type: 'batch-done', id, outcomes: others, noCandidates };
}

/** The batch's outcomes as objects again; the paths come from the tasks the main thread sent. */
export function unpackBatch(message: BatchDone, tasks: readonly FileTask[]): WorkerOutcome[] {
  const outcomes = [...message.outcomes];
  const numbers = message.noCandidates;
  for (let at = 0; at < numbers.length; at += NUMBERS_PER_FILE) {
    const path = tasks[numbers[at]!]!.path;
    outcomes.push({
      kind: 'no-candidates',
      path,
      signature: { size: numbers[at + 1]!, mtimeMs: numbers[at + 2]!, ino: numbers[at + 3]! },
    });
  }
  return outcomes;
}
