// Any input gives an answer in bounded time and never throws: empty files, binary garbage, invalid UTF-8,
// unterminated comments and strings, deep nesting, large generated files, and parses over their budget.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { AnalyzedDocument } from '../../server/src/analysis/document';
import { extractCallSites } from '../../server/src/analysis/extract';
import { analyzeFileText } from '../../server/src/analysis/file-analysis';
import { initParser, parse } from '../../server/src/parse/parser';

before(async () => {
  await initParser();
});

function timed<T>(work: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = work();
  return { value, ms: performance.now() - start };
}

test('initParser is idempotent', async () => {
  await initParser();
  await initParser();
  const tree = parse('int x;');
  assert.equal(tree?.rootNode.type, 'translation_unit');
  tree?.delete();
});

test('empty and whitespace-only files have no sites', () => {
  for (const text of ['', '\n', '   \t\r\n']) {
    assert.deepEqual(extractCallSites(text), []);
    assert.deepEqual(analyzeFileText(text, 'empty.c').sites, []);
  }
});

test('binary garbage containing API names: every call is found where it is, in bounded time', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  // Bytes that cannot open a comment, a string, a character literal or a preprocessor line, so nothing can
  // hide a call: every inserted one is code and must be found.
  const hiding = new Set(['/', '"', "'", '#', '\\']);
  const noise = () => {
    let byte: string;
    do byte = String.fromCharCode(Math.floor(random() * 256));
    while (hiding.has(byte));
    return byte;
  };
  const call = ';\ndma_map_single(d, p, 4, DMA_TO_DEVICE);\n';
  const pieces = Array.from({ length: 200_000 }, noise);
  const inserted = 40;
  for (let index = 0; index < inserted; index++) pieces[index * 5000 + 17] = call;
  const text = pieces.join('');
  const { value, ms } = timed(() => analyzeFileText(text, 'garbage.bin'));
  assert.ok(ms < 10_000, `took ${ms} ms`);
  const calls = value.sites.filter((site) => site.api === 'dma_map_single');
  assert.equal(calls.length, inserted, 'every inserted call is found, and nothing else is taken for one');
  for (const site of calls)
    assert.equal(
      text.slice(site.offset, site.offset + 'dma_map_single'.length),
      'dma_map_single',
      'offsets point at the name',
    );
});

test('invalid UTF-8 decodes to replacement characters and positions stay UTF-16', () => {
  const bytes = Buffer.concat([
    Buffer.from([0xff, 0xfe, 0xc3]),
    Buffer.from('\nvoid f(void) { h = dma_map_single(d, p, 4, DMA_TO_DEVICE); }\n'),
  ]);
  const text = bytes.toString('utf8');
  const sites = extractCallSites(text);
  assert.equal(sites.length, 1);
  assert.equal(text.slice(sites[0]!.offset, sites[0]!.offset + 'dma_map_single'.length), 'dma_map_single');
  assert.deepEqual(sites[0]!.nameRange.start, { line: 1, character: text.split('\n')[1]!.indexOf('dma_map_single') });
});

test('unterminated comments and strings hide the names after them', () => {
  assert.deepEqual(extractCallSites('void f(void)\n{\n/* dma_map_single(d, p, 4, DMA_TO_DEVICE);\n'), []);
  assert.deepEqual(analyzeFileText('void f(void)\n{\n/* dma_map_single(d, p, 4, DMA_TO_DEVICE);\n', 'c.c').sites, []);
  const unterminatedString = 'void f(void)\n{\n\tpr_info("dma_map_single(d, p, 4, DMA_TO_DEVICE);\n}\n';
  assert.deepEqual(
    extractCallSites(unterminatedString).map((site) => site.api),
    [],
  );
});

test('deeply nested expressions finish in bounded time', () => {
  const depth = 5000;
  const text = `void f(void)\n{\n\tx = ${'('.repeat(depth)}dma_map_single(d, p, 4, DMA_TO_DEVICE)${')'.repeat(depth)};\n}\n`;
  const { value, ms } = timed(() => extractCallSites(text));
  assert.ok(ms < 5000, `took ${ms} ms`);
  assert.ok(value.length <= 1);
});

test('a large generated file is scanned and every generated call is found', () => {
  const functions = 4000;
  const body = (index: number) =>
    `static int gen_${index}(struct device *dev, void *buf)\n{\n\tdma_addr_t h;\n\n\th = dma_map_single(dev, buf, ${index + 1}, DMA_TO_DEVICE);\n\tif (dma_mapping_error(dev, h))\n\t\treturn -ENOMEM;\n\treturn 0;\n}\n\n`;
  const text = Array.from({ length: functions }, (_, index) => body(index)).join('');
  const { value, ms } = timed(() => analyzeFileText(text, 'generated.c'));
  assert.equal(value.sites.length, functions * 2);
  assert.ok(value.sites.filter((site) => site.api === 'dma_map_single').every((site) => site.checked));
  assert.equal(value.sites[2 * 17]!.size?.value, 18n);
  assert.ok(ms < 20_000, `took ${ms} ms`);
});

test('a parse over its budget returns null and the parser keeps working', () => {
  const text = 'int f(void) { return 1 + 2; }\n'.repeat(100_000);
  assert.equal(parse(text, null, 0), null);
  const tree = parse('int x;');
  assert.equal(tree?.rootNode.hasError, false);
  tree?.delete();
});

test('a document whose parse ran over budget answers with no sites and recovers on the next edit', () => {
  const document = new AnalyzedDocument('void f(void) { dma_map_single(d, p, 4, DMA_TO_DEVICE); }\n');
  assert.equal(document.sites().length, 1);
  document.applyEdits([
    { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'int y;\n' },
  ]);
  assert.equal(document.sites().length, 1);
  assert.equal(document.siteAt({ line: 0, character: 20 })?.api, 'dma_map_single');
  document.dispose();
  assert.deepEqual(document.sites(), []);
});
