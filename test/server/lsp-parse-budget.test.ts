// A file whose whole parse runs over its budget must not read as "no DMA calls here": the server falls
// back to parsing the definitions that name a DMA call (as the scan does), finds their sites, and says in
// the Problems panel and the log why some may be missing. The reproducer is a large generated file with
// three small driver functions, and a budget lowered (DMALENS_PARSE_BUDGET_MS) so that the whole file
// cannot be parsed in time while each small definition can.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient, positionOf } from './lsp-client';

const DRIVER = `
static int demo_map(struct device *dev, void *buf, size_t len)
{
	dma_addr_t h = dma_map_single(dev, buf, len, DMA_TO_DEVICE);

	if (dma_mapping_error(dev, h))
		return -ENOMEM;
	dma_unmap_single(dev, h, len, DMA_TO_DEVICE);
	return 0;
}
`;

/** Thousands of plain functions: a file large enough that its whole parse takes far longer than 20 ms. */
function generated(): string {
  const filler = Array.from(
    { length: 6000 },
    (_, index) => `static int filler_${index}(int a, int b)\n{\n\treturn (a * ${index} + b) ^ (a >> 3);\n}\n`,
  ).join('\n');
  return `// SPDX-License-Identifier: GPL-2.0\n#include <linux/dma-mapping.h>\n${filler}\n${DRIVER}`;
}

let client: LspClient;
const saved = process.env['DMALENS_PARSE_BUDGET_MS'];

before(async () => {
  process.env['DMALENS_PARSE_BUDGET_MS'] = '20';
  client = await LspClient.start();
});
after(() => {
  if (saved === undefined) delete process.env['DMALENS_PARSE_BUDGET_MS'];
  else process.env['DMALENS_PARSE_BUDGET_MS'] = saved;
  return client.stop();
});

test('over budget, the sites come from the definitions that name a DMA call, and the user is told', async () => {
  const text = generated();
  const uri = 'file:///tmp/dmalens-budget/generated_demo.c';
  await client.open(uri, text);
  const diagnostics = await client.diagnosticsFor(uri, 20_000);
  assert.ok(
    diagnostics.some((diagnostic) => /took longer than its budget/.test(diagnostic.message)),
    JSON.stringify(diagnostics),
  );
  const hover = await client.hover(uri, positionOf(text, 'dma_map_single(', 2));
  assert.ok(hover, 'the map is still a call site with its hover');
  assert.match(hover.contents.value, /dma_map_single/);
});
