// The LSP lifecycle over raw stdio frames, as a careless or hostile client sends them: a request before
// `initialize` is refused with ServerNotInitialized (-32002), a request whose method is a number or null is
// answered with InvalidRequest (-32600) instead of silence, and after `shutdown` only `exit` is accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './lsp-client';

interface Answer {
  id: number;
  result?: unknown;
  error?: { code: number; message: string };
}

test('requests are refused by name before initialize, after shutdown, and without a method name', async () => {
  const child = spawn(process.execPath, [join(repoRoot, 'server/dist/server.js'), '--stdio']);
  const answers = new Map<number, Answer>();
  let buffer = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let end = buffer.indexOf('\r\n\r\n'); end >= 0; end = buffer.indexOf('\r\n\r\n')) {
      const length = Number(/Content-Length: (\d+)/.exec(buffer.subarray(0, end).toString())![1]);
      if (buffer.length < end + 4 + length) return;
      const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString()) as Answer & { method?: string };
      buffer = buffer.subarray(end + 4 + length);
      if (message.method === undefined) answers.set(message.id, message);
    }
  });
  const send = (message: object) => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }));
    child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    child.stdin.write(body);
  };
  const hover = { textDocument: { uri: 'file:///tmp/demo.c' }, position: { line: 0, character: 0 } };
  send({ id: 1, method: 'textDocument/hover', params: hover });
  send({ id: 2, method: 42, params: {} });
  send({ id: 3, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
  send({ id: 4, method: null, params: {} });
  send({ id: 5, method: 'shutdown' });
  send({ id: 6, method: 'textDocument/hover', params: hover });
  const deadline = Date.now() + 20_000;
  while (answers.size < 6 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  send({ method: 'exit' });
  assert.equal(answers.get(1)?.error?.code, -32002, JSON.stringify(answers.get(1)));
  assert.equal(answers.get(2)?.error?.code, -32600);
  assert.ok(answers.get(3)?.result, 'initialize answered');
  assert.equal(answers.get(4)?.error?.code, -32600);
  assert.equal(answers.get(5)?.result, null);
  assert.equal(answers.get(6)?.error?.code, -32600);
  assert.match(answers.get(6)!.error!.message, /shut down/);
  const exited = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(exited, 0);
});
