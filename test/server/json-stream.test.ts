// The streamed reports (JSON, SARIF) are byte for byte the documents they stand for: whatever the outline
// and the elements, the pieces concatenate to JSON.stringify(document, null, 2) and a newline, including
// when nothing was streamed and when the part after the array is known only at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonStream } from '../../server/src/scan/json-stream';

function streamed(outline: (slot: unknown[]) => object, elements: readonly unknown[]): string {
  const stream = jsonStream<unknown>(outline);
  return elements.map((element) => stream.element(element)).join('') + stream.end();
}

test('any elements in an array at any depth print as JSON.stringify prints the whole document', () => {
  fc.assert(
    fc.property(
      fc.array(fc.jsonValue(), { maxLength: 6 }),
      fc.integer({ min: 0, max: 4 }),
      fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      (elements, depth, extra) => {
        // The streamed array `depth` levels down, with other keys around it at every level.
        const outline = (slot: unknown[]) => {
          let document: object = { before: extra, items: slot, after: [1, 'two'] };
          for (let level = 0; level < depth; level++) document = { level, runs: [document], tail: extra };
          return document;
        };
        assert.equal(streamed(outline, elements), `${JSON.stringify(outline(elements), null, 2)}\n`);
      },
    ),
    { numRuns: 300 },
  );
});

test('what follows the array may change while it streams: the end prints it as it is then', () => {
  const totals = { files: 0 };
  const outline = (slot: unknown[]) => ({ files: slot, summary: { ...totals } });
  const stream = jsonStream<unknown>(outline);
  const pieces = ['a', 'b', 'c'].map((name) => {
    totals.files++;
    return stream.element({ name });
  });
  const text = pieces.join('') + stream.end();
  assert.equal(
    text,
    `${JSON.stringify({ files: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], summary: { files: 3 } }, null, 2)}\n`,
  );
});
