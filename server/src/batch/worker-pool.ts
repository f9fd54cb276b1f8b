// A fixed set of worker threads that take batches of files. Each worker holds several batches, so it never
// waits for the main thread between batches, and a slow file delays only its own batch.
import { Worker } from 'node:worker_threads';
import type { FileOutcome, FileTask, WorkerOutcome } from './file-scan';
import { unpackBatch, type FromWorker, type ToWorker, type WorkerData, type WorkerSetup } from './worker-protocol';

const BATCHES_IN_FLIGHT_PER_WORKER = 8;

/**
 * Heap limits per worker. A worker keeps nothing between files, so a small heap only makes the garbage
 * collector run sooner; without limits each worker's heap grows to hundreds of megabytes and the whole-tree
 * scan exceeds its 300 MB budget (measured on Linux 6.1: 280 MB without limits, 215 MB with these). The tree-sitter wasm memory is outside these limits.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 8 };

interface Batch {
  tasks: FileTask[];
  /** A single file re-sent after its worker died with it in a larger batch. */
  retry: boolean;
}

interface PoolWorker {
  worker: Worker;
  /** Batches whose outcomes have not arrived yet (kept to resend them if the worker dies). */
  inFlight: Map<number, Batch>;
  submitted: number;
  /** Batches the worker has finished, raised by the worker itself (worker-protocol.ts `WorkerData`). */
  finished: Int32Array;
}

/** Runs batches on worker threads; `onOutcomes` receives each finished batch, `onFatal` a failure that ends the scan. */
export class WorkerPool {
  private readonly workers: PoolWorker[] = [];
  private nextBatchId = 1;
  private closed = false;

  constructor(
    private readonly script: string,
    count: number,
    private readonly setup: WorkerSetup,
    private readonly onOutcomes: (outcomes: WorkerOutcome[]) => void,
    private readonly onFatal: (message: string) => void,
  ) {
    for (let index = 0; index < count; index++) this.workers.push(this.start());
  }

  /**
   * True when some worker can take another batch now. Counted from the workers' own counters rather than
   * from the messages received, so it is current even while the calling thread is busy analysing.
   */
  hasCapacity(): boolean {
    return this.workers.some((entry) => outstanding(entry) < BATCHES_IN_FLIGHT_PER_WORKER);
  }

  get idle(): boolean {
    return this.workers.every((entry) => entry.inFlight.size === 0);
  }

  /** Gives the batch to the least busy worker. */
  submit(tasks: FileTask[], retry = false): void {
    let chosen = this.workers[0]!;
    for (const entry of this.workers) if (outstanding(entry) < outstanding(chosen)) chosen = entry;
    const id = this.nextBatchId++;
    chosen.inFlight.set(id, { tasks, retry });
    chosen.submitted++;
    const message: ToWorker = { type: 'batch', id, tasks };
    chosen.worker.postMessage(message);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((entry) => entry.worker.terminate()));
  }

  private start(): PoolWorker {
    const batchesFinished = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const workerData: WorkerData = { ...this.setup, batchesFinished };
    const worker = new Worker(this.script, { workerData, resourceLimits: WORKER_LIMITS });
    const entry: PoolWorker = { worker, inFlight: new Map(), submitted: 0, finished: new Int32Array(batchesFinished) };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'batch-done') {
        const batch = entry.inFlight.get(message.id);
        entry.inFlight.delete(message.id);
        if (!batch) return;
        let outcomes;
        try {
          outcomes = unpackBatch(message, batch.tasks);
        } catch (error) {
          // A message the pool cannot read would otherwise leave its batch unfinished and the scan waiting forever.
          this.onFatal(
            `unreadable message from a scan worker: ${error instanceof Error ? error.message : String(error)}`,
          );
          return;
        }
        this.onOutcomes(outcomes);
      } else {
        this.onFatal(message.message);
      }
    });
    worker.on('error', (error) => this.replace(entry, `worker failed: ${error.message}`));
    // A worker never ends on its own; if it does, with any code, its batches would otherwise never finish.
    worker.on('exit', (code) => {
      if (!this.closed) this.replace(entry, `worker exited with code ${code}`);
    });
    return entry;
  }

  /**
   * A worker that died (out of memory in the parser, say) takes its batches with it. Their files are sent
   * again one per batch, so that only the file that kills a worker is lost; that file is reported as
   * skipped with the reason rather than silently missing. A fresh worker takes the dead one's place.
   */
  private replace(entry: PoolWorker, reason: string): void {
    const index = this.workers.indexOf(entry);
    if (index === -1 || this.closed) return;
    const lost = [...entry.inFlight.values()];
    entry.inFlight.clear();
    this.workers[index] = this.start();
    void entry.worker.terminate();
    const failed: FileOutcome[] = [];
    for (const batch of lost) {
      if (batch.retry) {
        for (const task of batch.tasks)
          failed.push({
            kind: 'skipped',
            path: task.path,
            signature: null,
            reason: 'analysis-failed',
            note: `not analysed: ${reason}`,
          });
      } else {
        for (const task of batch.tasks) this.submit([task], true);
      }
    }
    if (failed.length > 0) this.onOutcomes(failed);
  }
}

/** Batches the worker still has to finish: its own count, or the answers received when they say fewer. */
function outstanding(entry: PoolWorker): number {
  return Math.min(entry.inFlight.size, entry.submitted - Atomics.load(entry.finished, 0));
}
