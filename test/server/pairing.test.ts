// assignsTo finds `handle = …` with the handle as a whole name; it is checked here against the plain
// regular expression it replaced, which tests the boundary before the handle inside the pattern.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assignsTo } from '../../server/src/checks/pairing';
import { escapeRegExp } from '../../server/src/analysis/regexp-text';

function reference(code: string, handle: string): boolean {
  const name = escapeRegExp(handle.replace(/\s+/g, '')).replace(/(->|\\\.)/g, '\\s*$1\\s*');
  return new RegExp(`(^|[^\\w.>])${name}\\s*=(?!=)`).test(code);
}

const HANDLES = ['addr', 'dma', 'priv->dma', 'rx.buf', '*dma_handle', 'ring->desc[i].addr'];

test('assignsTo agrees with the boundary-first regular expression on any text', () => {
  const pieces = fc.constantFrom(
    ...HANDLES,
    'addr',
    'xaddr',
    'addr2',
    'p.',
    'p->',
    '>',
    '.',
    ' ',
    '\n',
    '=',
    '==',
    ' = ',
    '!=',
    '(',
    ')',
    ';',
    'priv',
    '->',
    'dma',
    '*',
    '[i]',
    'rx',
    'buf',
  );
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 30 }), fc.constantFrom(...HANDLES), (parts, handle) => {
      const code = parts.join('');
      assert.equal(assignsTo(code, handle), reference(code, handle), JSON.stringify({ code, handle }));
    }),
    { numRuns: 3000 },
  );
});

test('assignsTo: a plain store, not a comparison, not a longer name or another member', () => {
  assert.equal(assignsTo('\n\taddr = dma_map_single(dev, buf, len, dir);', 'addr'), true);
  assert.equal(assignsTo('if (addr == 0)', 'addr'), false);
  assert.equal(assignsTo('rx_addr = 0; p->addr = 0; q.addr = 1;', 'addr'), false);
  assert.equal(assignsTo('priv -> dma = 0;', 'priv->dma'), true);
  assert.equal(assignsTo('addr=0', 'addr'), true);
});
