// Worker-thread entry of the batch scan (bundled to server/dist/scan-worker.js). It loads the parser once,
// then analyses the batches the main thread sends (see batch/scan-tree.ts) until it is terminated.
import { parentPort, workerData } from 'node:worker_threads';
import { createAnalyzer } from './batch/analyzer';
import { scanFile, type FileOutcome } from './batch/file-scan';
import type { FromWorker, ToWorker, WorkerSetup } from './batch/worker-protocol';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('scan-worker.js must run as a worker thread of a DMA Lens scan');
  const setup = workerData as WorkerSetup;
  // Batches may arrive while the grammar loads; they wait on the same promise.
  const analyzerReady = createAnalyzer(setup.analysisOptions);
  analyzerReady.catch((error: unknown) => {
    const message: FromWorker = { type: 'fatal', message: `cannot load the C parser: ${error instanceof Error ? error.message : String(error)}` };
    port.postMessage(message);
  });
  port.on('message', (message: ToWorker) => {
    void analyzerReady.then((analyze) => {
      const outcomes: FileOutcome[] = message.tasks.map((task) => scanFile(task, { maxFileSize: setup.maxFileSize, analyze }));
      const reply: FromWorker = { type: 'batch-done', id: message.id, outcomes };
      port.postMessage(reply);
    }, () => undefined);
  });
}

void main();
