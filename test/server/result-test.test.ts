// isResultTested reads a result's surroundings by hand for speed; the meaning it must keep is the one a
// regular expression states plainly, so random texts built from the characters that matter compare the two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isResultTested } from '../../server/src/analysis/result-test';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The reference: the result's text with any whitespace between its characters, in one of the test shapes,
 * the constant on either side of a comparison (`0 == nents`).
 */
function referenceTested(after: string, lvalue: string): boolean {
  const name = lvalue.replace(/\s+/g, '').split('').map(escape).join('\\s*');
  if (name.length === 0) return false;
  const words = 'if|while|WARN_ON|WARN_ON_ONCE|unlikely|likely|IS_ERR_OR_NULL|IS_ERR';
  return new RegExp(
    `!\\s*\\(?\\s*${name}(?![\\w\\[.>-])|${name}\\s*(?:==|!=|<=|>=|<|>)|(?:==|!=|<=|>=|(?<!<)<|(?<![->])>)\\s*${name}|(?:${words})\\s*\\(\\s*${name}\\s*\\)|${name}\\s*\\)?\\s*\\?`,
  ).test(after);
}

const LVALUES = ['ret', 'buf', 'priv->buf', 'd->ring[i]', 'nents', 'p.q'];
const PIECES = [
  ...LVALUES,
  'r et',
  'priv -> buf',
  'xret',
  'ret2',
  ' ',
  '  ',
  '\t',
  '\n',
  '\u00a0',
  '!',
  '(',
  ')',
  '=',
  '==',
  '!=',
  '<',
  '>',
  '?',
  ':',
  '-',
  '->',
  '.',
  '[',
  ']',
  ';',
  'if',
  'while',
  'IS_ERR',
  'IS_ERR_OR_NULL',
  'unlikely',
  'likely',
  'WARN_ON',
  'NULL',
  '0',
  'x',
];

test('agrees with the regular-expression reference on random texts', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }),
      fc.constantFrom(...LVALUES, 'r e t', 'priv ->buf'),
      (pieces, lvalue) => {
        const after = pieces.join('');
        assert.equal(isResultTested(after, lvalue), referenceTested(after, lvalue), JSON.stringify({ after, lvalue }));
      },
    ),
    { numRuns: 20_000 },
  );
});

test('the kernel’s usual tests count, and uses that are no test do not', () => {
  for (const after of [
    ';\n\tif (!buf)\n\t\treturn -ENOMEM;',
    ';\n\tif (buf == NULL)',
    ';\n\tif (unlikely(!buf))',
    ';\n\tif (IS_ERR_OR_NULL(buf))',
    ';\n\treturn buf ? 0 : -ENOMEM;',
    ';\n\tif (! ( buf))',
  ]) {
    assert.equal(isResultTested(after, 'buf'), true, after);
  }
  for (const after of [';\n\tmemcpy(buf, src, len);', ';\n\tif (!buf->next)', ';\n\tkfree(buf);', '']) {
    assert.equal(isResultTested(after, 'buf'), false, after);
  }
  assert.equal(isResultTested(';\n\tif (!priv -> buf)', 'priv->buf'), true);
  assert.equal(isResultTested(';\n\tif (nents <= 0)', 'nents'), true);
});
