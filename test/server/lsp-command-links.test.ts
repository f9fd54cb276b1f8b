// The hover's "Open the address pipeline" link carries the call as JSON in a command URI inside markdown.
// A document whose path holds parentheses (a copy made by a file manager: `drivers/demo (copy).c`) used to
// end the markdown link at its `)`. The link must be one markdown link whose argument parses back to the
// document's URI and the call's position.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient, positionOf } from './lsp-client';

const TEXT = `static int demo(struct device *dev, void *buf)
{
	dma_addr_t h = dma_map_single(dev, buf, 64, DMA_TO_DEVICE);

	if (dma_mapping_error(dev, h))
		return -ENOMEM;
	return 0;
}
`;
const URI = "file:///tmp/dmalens-links/demo%20(copy)%20it's*!.c";

let client: LspClient;
before(async () => {
  client = await LspClient.start();
  await client.open(URI, TEXT);
});
after(() => client.stop());

test('the pipeline link survives parentheses and quotes in the document URI', async () => {
  const position = positionOf(TEXT, 'dma_map_single(', 2);
  const hover = await client.hover(URI, position);
  const links = [
    ...hover!.contents.value.matchAll(/\[Open the address pipeline[^\]]*\]\((command:[^)\s]+)(?: "[^"]*")?\)/g),
  ];
  assert.equal(links.length, 1, hover!.contents.value);
  const target = links[0]![1]!;
  assert.doesNotMatch(target, /[()'!*]/);
  const [args] = JSON.parse(decodeURIComponent(target.slice(target.indexOf('?') + 1))) as [
    { uri: string; position: { line: number } },
  ];
  assert.equal(args.uri, URI);
  assert.equal(args.position.line, position.line);
});
