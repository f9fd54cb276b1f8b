// Hostile inputs: the server must answer within a bounded time and stay alive after each.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { LspClient, repoRoot, serverPath } from './lsp-client';

const ANSWER_WITHIN_MS = 5000;
const RULE_IDS = new Set(readdirSync(join(repoRoot, 'docs/rules')).map((name) => name.replace(/\.md$/, '')));

/** The hover at `position`, or a rejection when the server gives none within the time limit. */
async function hoverInTime(client: LspClient, uri: string, position: { line: number; character: number }) {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      client.hover(uri, position),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no hover answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('robustness', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
  });
  after(() => client.stop());

  /**
   * Each input, and where a hover must find a call (null: nowhere, e.g. inside a comment, in a file too
   * large to analyse, or in text that is not C).
   */
  const inputs: [string, () => string, string | null][] = [
    ['empty file', () => '', null],
    [
      'binary garbage',
      () => String.fromCharCode(...Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256)),
      null,
    ],
    [
      'invalid UTF-8 decoded as replacement characters and lone surrogates',
      () => `int f(void) { return dma_map_single(d, "\uFFFD\uD800", 4, DMA_TO_DEVICE); }\n\uDC00`,
      'dma_map_single',
    ],
    [
      'unterminated comment',
      () => `/* never closed\nvoid f(void) { dma_map_single(dev, buf, 4, DMA_TO_DEVICE);\n`,
      null,
    ],
    [
      // The call inside 20000 parentheses is lost, but the function after them is still analysed.
      'deeply nested expressions',
      () =>
        `void f(void) { x = ${'('.repeat(20000)}dma_map_single(dev, buf, 4, DMA_TO_DEVICE)${')'.repeat(20000)}; }\n` +
        'void g(void) { dma_unmap_single(dev, h, 4, DMA_TO_DEVICE); }\n',
      'dma_unmap_single',
    ],
    [
      'unbalanced braces and macros',
      () =>
        `#define X(a) { dma_map_single(a\nlist_for_each_entry(p, &h, node) {\n}}}}} dma_unmap_single(d, h, 4, DMA_TO_DEVICE);\n`,
      'dma_unmap_single',
    ],
    [
      // Over dmalens.index.maxFileBytes (4 MiB): not analysed, so no hover, but an answer all the same.
      '20 MB generated file',
      () =>
        `static void f(void)\n{\n${'\tdma_addr_t a = dma_map_single(dev, buf, 64, DMA_TO_DEVICE);\n'.repeat(340000)}}\n`,
      null,
    ],
  ];

  for (const [name, make, callAt] of inputs) {
    test(`${name}: answers and stays alive`, async () => {
      const uri = `file:///robust/${encodeURIComponent(name)}.c`;
      const text = make();
      await client.open(uri, text);
      const at = callAt ? text.indexOf(callAt) + 2 : 0;
      const position = {
        line: text.slice(0, at).split('\n').length - 1,
        character: at - (text.lastIndexOf('\n', at - 1) + 1),
      };
      const hover = await hoverInTime(client, uri, position);
      // Markdown escapes the underscores of the name.
      if (callAt) assert.ok(hover?.contents.value.replace(/\\/g, '').includes(callAt), `the hover names ${callAt}`);
      else assert.equal(hover, null, 'no call to hover here');
      const diagnostics = await client.diagnosticsFor(uri, 20000);
      // Parse errors are never diagnostics: whatever is published comes from a DMA Lens rule.
      for (const diagnostic of diagnostics)
        assert.ok(
          RULE_IDS.has(String(diagnostic.code)),
          `unexpected diagnostic ${diagnostic.code}: ${diagnostic.message}`,
        );
      assert.ok(client.alive);
      await client.notify('textDocument/didClose', { textDocument: { uri } });
    });
  }

  test('malformed JSON-RPC messages do not stop the server', async () => {
    const body = '{"jsonrpc": "2.0", "id": 99, "method": ';
    client.process.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const notObject = '[1, 2, 3]';
    client.process.stdin.write(`Content-Length: ${Buffer.byteLength(notObject)}\r\n\r\n${notObject}`);
    const unknown = JSON.stringify({ jsonrpc: '2.0', id: 100, method: 'dmalens/noSuchMethod', params: {} });
    client.process.stdin.write(`Content-Length: ${Buffer.byteLength(unknown)}\r\n\r\n${unknown}`);
    const badParams = await client
      .request<unknown>('dmalens/simulate', { platforms: 'x86_64' })
      .catch((error: Error) => error);
    assert.ok(badParams instanceof Error, 'bad params give an error answer');
    const status = await client.request<{ selected: string[] }>('dmalens/status', {});
    assert.ok(status.selected.length > 0);
    assert.ok(client.alive);
  });

  test('started without a transport, the server says so and exits 2', () => {
    const run = spawnSync(process.execPath, [serverPath], { encoding: 'utf8', timeout: 10000 });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /no transport given\nusage: dmalens-language-server --stdio/);
  });

  test('settings given as initializationOptions apply when the client has no workspace/configuration', async () => {
    const plain = await LspClient.start({
      answerConfiguration: false,
      initializationOptions: { dmalens: { platforms: ['x86_64', 'powernv'] } },
    });
    try {
      const selected = await plain.waitFor(
        () =>
          plain.statusNotifications
            .map((entry) => (entry as { selected: string[] }).selected)
            .find((ids) => ids.length === 2),
        8000,
        'selection from initializationOptions',
      );
      assert.deepEqual(selected, ['x86_64', 'powernv']);
    } finally {
      await plain.stop();
    }
  });
});
