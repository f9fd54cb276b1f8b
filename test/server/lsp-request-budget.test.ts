// Requests that walk every call site of a document stop at their time budget and answer with what they
// have. A budget lowered to 20 ms (DMALENS_REQUEST_BUDGET_MS, as a slow machine would see the default)
// meets a file of 8,000 maps, each of another size so that no simulation is shared: the inlay hints come
// back partial, from the top of the range; with a budget of minutes they are all there.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './lsp-client';

const SITES = 8000;
const body = Array.from({ length: SITES }, (_, i) => `\tdma_map_single(dev, buf, ${(i + 1) * 8}, DMA_TO_DEVICE);`);
const TEXT = `static void demo(struct device *dev, void *buf)\n{\n${body.join('\n')}\n}\n`;
const URI = 'file:///tmp/request-budget-demo.c';
const WHOLE = { start: { line: 0, character: 0 }, end: { line: SITES + 4, character: 0 } };

interface Hint {
  position: { line: number };
}

async function hintsWith(budget: string): Promise<Hint[]> {
  const saved = process.env['DMALENS_REQUEST_BUDGET_MS'];
  process.env['DMALENS_REQUEST_BUDGET_MS'] = budget;
  const client = await LspClient.start();
  if (saved === undefined) delete process.env['DMALENS_REQUEST_BUDGET_MS'];
  else process.env['DMALENS_REQUEST_BUDGET_MS'] = saved;
  try {
    await client.open(URI, TEXT);
    return await client.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri: URI }, range: WHOLE });
  } finally {
    await client.stop();
  }
}

let partial: Hint[] = [];
let whole: Hint[] = [];
before(async () => {
  partial = await hintsWith('20');
  whole = await hintsWith('600000');
});

test('over its budget an inlay hint request answers with the hints of the first sites', () => {
  assert.equal(whole.length, SITES, 'every map differs on some platform, so every one has a hint');
  assert.ok(partial.length > 0 && partial.length < SITES, `${partial.length} of ${SITES} hints`);
  // The answer is a prefix: the sites from the top of the range, so what the user sees first is there.
  assert.deepEqual(
    partial.map((hint) => hint.position.line),
    whole.slice(0, partial.length).map((hint) => hint.position.line),
  );
});
