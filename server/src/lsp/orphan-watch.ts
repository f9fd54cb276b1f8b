// Ends the server when its client is gone, even while a request holds the main thread. The LSP library's own
// check of the client's process runs on the main thread, so a handler caught in a loop (as a fuzzed file once
// made region finding) kept a server burning both cores for as long as the machine ran, long after the editor
// had gone. A small thread looks every two seconds: the client's process (from `initialize`) has exited, or
// the server's parent has changed (its stdio now leads nowhere), and the process is ended from there.
import { Worker } from 'node:worker_threads';

const CHECK_MS = 2000;

/** The watching thread's code: plain JavaScript, so that it needs no bundle and little memory. */
const WATCHER = `
const { workerData } = require('node:worker_threads');
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (error) { return error.code === 'EPERM'; } };
setInterval(() => {
  const orphaned = (workerData.parentPid !== null && process.ppid !== workerData.parentPid) || (workerData.clientPid !== null && !alive(workerData.clientPid));
  if (orphaned) process.kill(process.pid, 'SIGKILL');
}, ${CHECK_MS});
`;

/**
 * Starts the watch. `clientPid` is the `processId` of `initialize` (null when the client gave none); the
 * parent is watched only over stdio, where a server without its parent has no one left to talk to.
 */
export function watchForOrphaning(clientPid: number | null, overStdio: boolean): void {
  const worker = new Worker(WATCHER, {
    eval: true,
    workerData: { parentPid: overStdio ? process.ppid : null, clientPid },
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
  });
  // The watch must never keep the server alive by itself, nor take it down if it fails.
  worker.unref();
  worker.on('error', () => {});
}
