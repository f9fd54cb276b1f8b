// Messages between the scan's main thread and its worker threads. Everything is structured-clonable data.
import type { FileOutcome, FileTask } from './file-scan';

/** Passed as `workerData`: what every file of the scan is analysed with. */
export interface WorkerSetup {
  maxFileSize: number;
  /** Plain options for the per-file analysis (platforms, rule settings); opaque to the batch engine. */
  analysisOptions: unknown;
}

export type ToWorker = { type: 'batch'; id: number; tasks: FileTask[] };

export type FromWorker =
  | { type: 'batch-done'; id: number; outcomes: FileOutcome[] }
  /** The worker cannot analyse anything (e.g. the grammar failed to load); the scan stops with this message. */
  | { type: 'fatal'; message: string };
