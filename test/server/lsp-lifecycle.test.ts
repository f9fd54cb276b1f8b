// The LSP lifecycle over raw stdio frames, as a careless or hostile client sends them: a request before
// `initialize` is refused with ServerNotInitialized (-32002), a request whose method is a number or null is
// answered with InvalidRequest (-32600) instead of silence, and after `shutdown` only `exit` is accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawServer } from './raw-server';

test('requests are refused by name before initialize, after shutdown, and without a method name', async () => {
  const server = new RawServer();
  const hover = { textDocument: { uri: 'file:///tmp/demo.c' }, position: { line: 0, character: 0 } };
  server.send({ id: 1, method: 'textDocument/hover', params: hover });
  server.send({ id: 2, method: 42, params: {} });
  server.send({ id: 3, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
  server.send({ id: 4, method: null, params: {} });
  server.send({ id: 5, method: 'shutdown' });
  server.send({ id: 6, method: 'textDocument/hover', params: hover });
  const answers = await server.answersTo([1, 2, 3, 4, 5, 6]).finally(() => server.send({ method: 'exit' }));
  assert.equal(answers[0]?.error?.code, -32002, JSON.stringify(answers[0]));
  assert.equal(answers[1]?.error?.code, -32600);
  assert.ok(answers[2]?.result, 'initialize answered');
  assert.equal(answers[3]?.error?.code, -32600);
  assert.equal(answers[4]?.result, null);
  assert.equal(answers[5]?.error?.code, -32600);
  assert.match(answers[5]!.error!.message, /shut down/);
  assert.equal(await server.exited, 0);
});

test('requests whose parameters have the wrong shape are refused as InvalidParams, naming what is wrong', async () => {
  const server = new RawServer();
  try {
    server.initialize();
    await server.answersTo(['init']);
    const malformed: [string, unknown, RegExp][] = [
      ['textDocument/hover', null, /params must be an object/],
      ['textDocument/hover', 'x', /params must be an object/],
      ['textDocument/hover', { textDocument: { uri: 'file:///tmp/demo.c' } }, /params.position/],
      ['textDocument/codeLens', { textDocument: {} }, /textDocument.uri/],
      ['textDocument/codeAction', { textDocument: { uri: 'file:///tmp/demo.c' }, range: 7 }, /params.range/],
      ['textDocument/inlayHint', null, /params must be an object/],
      ['textDocument/documentSymbol', [], /params must be an object/],
      ['workspace/symbol', { query: 42 }, /params.query must be a string/],
    ];
    malformed.forEach(([method, params], index) => server.send({ id: 100 + index, method, params }));
    server.send({ id: 200, method: 'workspace/symbol', params: { query: 'dma' } });
    const answers = await server.answersTo([...malformed.map((_, index) => 100 + index), 200]);
    malformed.forEach(([method, , message], index) => {
      assert.equal(answers[index]!.error?.code, -32602, `${method}: ${JSON.stringify(answers[index])}`);
      assert.match(answers[index]!.error!.message, message);
    });
    assert.ok(Array.isArray(answers.at(-1)!.result), 'a well-formed request is still answered');
  } finally {
    server.kill();
  }
});
