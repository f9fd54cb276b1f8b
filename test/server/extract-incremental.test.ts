// Incremental re-parsing in the editor must give the same call sites as parsing the new text from scratch,
// whatever the edits (property-style over random edits of the fixtures and examples).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { AnalyzedDocument } from '../../server/src/analysis/document';
import { extractCallSites } from '../../server/src/analysis/extract';
import { LineIndex } from '../../server/src/analysis/line-index';
import { initParser } from '../../server/src/parse/parser';
import { cFilesIn } from './extract-support';

before(async () => {
  await initParser();
});

const sources = [...cFilesIn('test/fixtures'), ...cFilesIn('examples')];
const documents: AnalyzedDocument[] = [];
after(() => documents.forEach((document) => document.dispose()));

/** Pieces that change what the grammar sees: calls, braces, comment and string openers, macros. */
const PIECES = [
  'dma_map_single(dev, buf, 64, DMA_TO_DEVICE);',
  ' x = dma_unmap_page(d, h, PAGE_SIZE, DMA_FROM_DEVICE)',
  '{',
  '}',
  '/*',
  '*/',
  '"',
  '//',
  '\n#define M(x) dma_map_sg(d, x, 1, DMA_TO_DEVICE)\n',
  'virtqueue_add_outbuf(vq, &sg, 1, p, GFP_ATOMIC);\n',
  '\n',
  'é😀',
  '',
];

const edit = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.nat({ max: 40 }),
  insert: fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 8 })),
});

test('sites after incremental edits equal sites of a fresh parse', () => {
  fc.assert(
    fc.property(fc.constantFrom(...sources), fc.array(edit, { minLength: 1, maxLength: 6 }), (source, edits) => {
      const document = new AnalyzedDocument(source.text);
      documents.push(document);
      let text = source.text;
      for (const { at, length, insert } of edits) {
        const start = Math.floor(at * text.length);
        const end = Math.min(text.length, start + length);
        const lines = new LineIndex(text);
        document.applyEdits([{ range: lines.rangeOf(start, end), text: insert }]);
        text = text.slice(0, start) + insert + text.slice(end);
        assert.equal(document.text, text);
      }
      assert.deepEqual(document.sites(), extractCallSites(text));
      document.dispose();
    }),
    { numRuns: 60, seed: 20261128 },
  );
});

test('several content changes in one notification apply in order', () => {
  const document = new AnalyzedDocument('void f(void)\n{\n}\n');
  documents.push(document);
  document.applyEdits([
    {
      range: { start: { line: 1, character: 1 }, end: { line: 1, character: 1 } },
      text: '\n\th = dma_map_single(d, p, 8, DMA_TO_DEVICE);',
    },
    {
      range: { start: { line: 2, character: 200 }, end: { line: 2, character: 200 } },
      text: '\n\tdma_unmap_single(d, h, 8, DMA_TO_DEVICE);',
    },
  ]);
  assert.deepEqual(
    document.sites().map((site) => [site.api, site.nameRange.start.line]),
    [
      ['dma_map_single', 2],
      ['dma_unmap_single', 3],
    ],
  );
  const unmap = document.siteAt({ line: 3, character: 10 });
  assert.equal(unmap?.api, 'dma_unmap_single');
  assert.deepEqual(unmap?.pairedWith, [0]);
  assert.equal(document.siteAt({ line: 0, character: 0 }), null);
  document.applyEdits([{ text: 'int x;\n' }]);
  assert.deepEqual(document.sites(), []);
});

test('siteAt returns the innermost call at a position', () => {
  const document = new AnalyzedDocument(
    'void f(void)\n{\n\tif (dma_mapping_error(d, dma_map_single(d, p, 8, DMA_TO_DEVICE)))\n\t\treturn;\n}\n',
  );
  documents.push(document);
  const line = 2;
  assert.equal(document.siteAt({ line, character: 8 })?.api, 'dma_mapping_error');
  assert.equal(document.siteAt({ line, character: 35 })?.api, 'dma_map_single');
  assert.equal(document.siteAt({ line, character: 35 })?.checked, true, 'the map result goes straight into the check');
});
