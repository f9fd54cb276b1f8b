// A server whose client is gone ends, even while its main thread is caught in a loop: the LSP library's own
// check runs on the main thread, and a region-finding bug once kept two orphaned servers burning both cores.
// Run as a child (DMALENS_ORPHAN_CHILD), this file starts the watch and then blocks its main thread for good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { watchForOrphaning } from '../../server/src/lsp/orphan-watch';

if (process.env['DMALENS_ORPHAN_CHILD']) {
  watchForOrphaning(Number(process.env['DMALENS_ORPHAN_CLIENT']), false);
  // The main thread never returns to its event loop, as in the bug.
  const until = Date.now() + 60_000;
  while (Date.now() < until);
  process.exit(0);
}

test('a server blocked in a loop is ended within seconds once its client process exits', async () => {
  const client = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 1000)']);
  const server = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    env: { ...process.env, DMALENS_ORPHAN_CHILD: '1', DMALENS_ORPHAN_CLIENT: String(client.pid) },
  });
  const started = Date.now();
  const [, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    server.on('exit', (code, signal) => resolve([code, signal])),
  );
  assert.equal(signal, 'SIGKILL', 'ended by the watch, not by finishing its loop');
  assert.ok(Date.now() - started < 20_000, `ended after ${Date.now() - started} ms`);
});
