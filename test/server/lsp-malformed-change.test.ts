// A didChange whose text is not a string (or whose range is not a range) changes nothing: the server
// says why in its log, and the document keeps its text, its sites and its findings. It used to apply the
// change, after which every rule failed on the non-string text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient, positionOf } from './lsp-client';

const TEXT = `static int demo(struct device *dev, void *buf)
{
	dma_addr_t h = dma_map_single(dev, buf, 64, DMA_TO_DEVICE);

	return h ? 0 : -ENOMEM;
}
`;
const URI = 'file:///tmp/dmalens-malformed/demo.c';

let client: LspClient;
before(async () => {
  client = await LspClient.start();
  await client.open(URI, TEXT);
  await client.diagnosticsFor(URI);
});
after(() => client.stop());

test('non-string text and non-range ranges are rejected, named in the log, and the document is unchanged', async () => {
  const before = await client.hover(URI, positionOf(TEXT, 'dma_map_single(', 2));
  assert.ok(before);
  for (const [change, reason] of [
    [{ text: 42 }, 'contentChanges[0].text is not a string'],
    [{ text: null }, 'contentChanges[0].text is not a string'],
    [{ range: { start: { line: -1, character: 0 }, end: 'x' }, text: 'a' }, 'contentChanges[0].range is not a range'],
  ] as const) {
    await client.notify('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [change] });
    await client.waitFor(() => client.logs.some((line) => line.includes(reason)), 5000, reason);
  }
  const after = await client.hover(URI, positionOf(TEXT, 'dma_map_single(', 2));
  assert.deepEqual(after, before);
  assert.ok(!client.logs.some((line) => /rule .* failed/.test(line)), client.logs.join('\n'));
});
