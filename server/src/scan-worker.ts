// Worker-thread entry of the batch scan (bundled to server/dist/scan-worker.js). It analyses the batches the
// main thread sends (see batch/scan-tree.ts) until it is terminated, or only extracts them when the main
// thread judges (WorkerSetup.extractOnly). The parser is loaded on the first file that needs it: a re-scan
// of an unchanged tree never pays for it.
import { parentPort, workerData } from 'node:worker_threads';
import { createAnalyzer, createExtractor } from './batch/analyzer';
import {
  finishAnalysis,
  finishExtraction,
  readForScan,
  type FileTask,
  type PendingAnalysis,
  type WorkerOutcome,
} from './batch/file-scan';
import { packBatch, type FromWorker, type ToWorker, type WorkerData } from './batch/worker-protocol';

const setup = workerData as WorkerData;
const batchesFinished = new Int32Array(setup.batchesFinished);

type Finish = (pending: PendingAnalysis) => WorkerOutcome;

/** The analysis once loaded; `loading` while its wasm compiles. */
let finish: Finish | null = null;
let loading: Promise<Finish> | null = null;

async function load(): Promise<Finish> {
  if (setup.extractOnly) {
    const extract = await createExtractor();
    return (pending) => finishExtraction(pending, extract);
  }
  const analyze = await createAnalyzer(setup.analysisOptions ?? {});
  return (pending) => finishAnalysis(pending, analyze);
}

/**
 * Reads, prefilters and analyses a batch in order. While the parser of a fresh worker is still loading
 * (its wasm compiles off the thread), candidate files wait and the worker goes on reading the rest.
 */
async function scanBatch(tasks: readonly FileTask[]): Promise<WorkerOutcome[]> {
  const results: (WorkerOutcome | PendingAnalysis)[] = [];
  for (const task of tasks) {
    const read = readForScan(task, setup.maxFileSize);
    if (read.kind === 'pending' && finish) results.push(finish(read));
    else {
      if (read.kind === 'pending') loading ??= load().then((loaded) => (finish = loaded));
      results.push(read);
    }
  }
  if (!results.some((result) => result.kind === 'pending')) return results as WorkerOutcome[];
  const loaded = await loading!;
  return results.map((result) => (result.kind === 'pending' ? loaded(result) : result));
}

/**
 * The encoded facts move to the main thread instead of being copied: a copy of every analysed file's bytes
 * cost each worker about 0.4 s of a whole-tree scan. Only buffers the facts own alone are moved, so no
 * other data can be detached by mistake.
 */
function transferableFacts(outcomes: readonly WorkerOutcome[]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const outcome of outcomes) {
    if (outcome.kind !== 'analyzed') continue;
    const { buffer, byteOffset, byteLength } = outcome.facts;
    if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) buffers.push(buffer);
  }
  return buffers;
}

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('scan-worker.js must run as a worker thread of a DMA Lens scan');
  // Batches are handled strictly one after another, so outcomes never interleave.
  let queue = Promise.resolve();
  port.on('message', (message: ToWorker) => {
    queue = queue.then(async () => {
      try {
        const outcomes = await scanBatch(message.tasks);
        const reply = packBatch(message.id, outcomes);
        port.postMessage(reply, [...transferableFacts(outcomes), reply.noCandidates.buffer as ArrayBuffer]);
        Atomics.add(batchesFinished, 0, 1);
      } catch (error) {
        const reply: FromWorker = {
          type: 'fatal',
          message: `cannot load the C parser: ${error instanceof Error ? error.message : String(error)}`,
        };
        port.postMessage(reply);
      }
    });
  });
}

main();
