// Transport faults over raw stdio. A body that is not JSON keeps the framing, so the server drops it and goes
// on; a header that loses the framing (no Content-Length, a length that is not a byte
// count, a length of 10 GB, a line that is no header at all) used to leave the server silent for ever, and now
// ends it with the reason on stderr so that the client can start a fresh one. A request cancelled while still
// queued is answered RequestCancelled, and the server goes on answering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameGuard, MAX_BODY_BYTES } from '../../server/src/lsp/frame-guard';
import { RawServer } from './raw-server';

const hover = { textDocument: { uri: 'file:///tmp/demo.c' }, position: { line: 0, character: 0 } };

test('a body that is not JSON is dropped, and the next request is answered', async () => {
  const server = new RawServer();
  try {
    server.initialize();
    await server.answersTo(['init']);
    server.sendRaw('Content-Length: 7\r\n\r\n{oops!}');
    server.send({ id: 2, method: 'shutdown' });
    const [shutdown] = await server.answersTo([2]);
    assert.equal(shutdown!.result, null);
    assert.equal(await server.exitWithin(200), 'running');
  } finally {
    server.kill();
  }
});

const BROKEN_HEADERS: [string, string, RegExp][] = [
  ['no Content-Length', 'Content-Type: application/vscode-jsonrpc\r\n\r\n{}', /without Content-Length/],
  ['a length that is not a number', 'Content-Length: abc\r\n\r\n{}', /not a byte count/],
  ['a negative length', 'Content-Length: -5\r\n\r\n{}', /not a byte count/],
  ['a length of 10 GB', 'Content-Length: 10000000000\r\n\r\n{"jsonrpc":"2.0"', /over the \d+-byte limit/],
  ['a line that is no header', 'hello world\r\n\r\n', /without "name: value"/],
];

for (const [what, bytes, reason] of BROKEN_HEADERS) {
  test(`a frame with ${what} ends the server with the reason on stderr, instead of silence`, async () => {
    const server = new RawServer();
    try {
      server.initialize();
      await server.answersTo(['init']);
      server.sendRaw(bytes);
      assert.equal(await server.exitWithin(10_000), 1);
      assert.match(server.stderr, /lost its framing/);
      assert.match(server.stderr, reason);
    } finally {
      server.kill();
    }
  });
}

test('a request cancelled while queued is answered RequestCancelled, and the next one is answered', async () => {
  const server = new RawServer();
  try {
    server.initialize();
    await server.answersTo(['init']);
    // One write: the open is analysed while the hover waits in the queue, where the cancellation finds it.
    const text = Array.from(
      { length: 400 },
      (_, index) =>
        `static int demo_${index}(struct device *dev, void *buf)\n{\n\treturn dma_map_single(dev, buf, 64, DMA_TO_DEVICE) ? 0 : -EIO;\n}\n`,
    ).join('');
    const open = { textDocument: { uri: hover.textDocument.uri, languageId: 'c', version: 1, text } };
    server.send(
      { method: 'textDocument/didOpen', params: open },
      { id: 10, method: 'textDocument/hover', params: hover },
      { method: '$/cancelRequest', params: { id: 10 } },
      { id: 11, method: 'textDocument/hover', params: { ...hover, position: { line: 2, character: 12 } } },
    );
    const [cancelled, answered] = await server.answersTo([10, 11]);
    assert.equal(cancelled!.error?.code, -32800, JSON.stringify(cancelled));
    assert.match(JSON.stringify(answered!.result), /dma_map_single/);
  } finally {
    server.kill();
  }
});

test('the frame guard follows messages split at every byte, and refuses what the server refuses', () => {
  const stream = Buffer.concat([
    RawServer.frame({ id: 1, method: 'textDocument/hover', params: hover }),
    RawServer.frame({ method: 'exit' }),
    Buffer.from('Content-Length: 0\r\n\r\n'),
  ]);
  for (let split = 0; split <= stream.length; split++) {
    const guard = new FrameGuard();
    assert.equal(guard.inspect(stream.subarray(0, split)), null, `split at ${split}`);
    assert.equal(guard.inspect(stream.subarray(split)), null, `split at ${split}`);
  }
  for (let chunk = 1; chunk < 7; chunk++) {
    const guard = new FrameGuard();
    for (let at = 0; at < stream.length; at += chunk)
      assert.equal(guard.inspect(stream.subarray(at, at + chunk)), null);
  }
  assert.match(new FrameGuard().inspect(Buffer.from(`Content-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`))!, /limit/);
  assert.match(new FrameGuard().inspect(Buffer.alloc(20_000, 'x'))!, /header longer/);
});
