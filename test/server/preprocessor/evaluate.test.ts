// Integer evaluation in its two flavours. cpp's #if arithmetic is intmax_t until an operand is unsigned;
// dtc evaluates cell expressions in uint64_t (scripts/dtc/dtc-parser.y). The expected values are worked out
// by hand from those rules, in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateTokens, tokenize, MacroTable, evaluateCondition } from '../../../server/src/preprocessor';

const value = (text: string, flavour: 'cpp' | 'dtc') => {
  const result = evaluateTokens(tokenize(text), flavour);
  if ('error' in result) throw new Error(result.error);
  return result.value;
};
const U64_MAX = (1n << 64n) - 1n;

test('precedence and associativity follow C', () => {
  assert.equal(value('1 + 2 * 3', 'dtc'), 7n);
  assert.equal(value('(1 + 2) * 3', 'dtc'), 9n);
  assert.equal(value('1 << 2 + 1', 'dtc'), 8n); // + binds tighter than <<
  assert.equal(value('10 - 4 - 3', 'dtc'), 3n); // left to right
  assert.equal(value('1 | 2 ^ 3 & 4', 'dtc'), 3n); // 3 & 4 = 0, 2 ^ 0 = 2, 1 | 2 = 3
  assert.equal(value('0 ? 1 : 2 ? 3 : 4', 'dtc'), 3n); // ?: is right-associative
  assert.equal(value('3 > 2 == 1', 'dtc'), 1n);
});

test('dtc is unsigned 64-bit throughout', () => {
  assert.equal(value('-1', 'dtc'), U64_MAX); // unary minus wraps
  assert.equal(value('(-1) >> 1', 'dtc'), U64_MAX >> 1n); // logical shift
  assert.equal(value('(0 - 1) > 0', 'dtc'), 1n); // unsigned comparison
  assert.equal(value('1 << 64', 'dtc'), 0n); // dtc: shifts of 64 or more give 0
  assert.equal(value('0xffffffff + 1', 'dtc'), 0x100000000n);
  assert.equal(value('~0 / 2', 'dtc'), U64_MAX / 2n);
  assert.equal(value("'A' + 1", 'dtc'), 66n);
  assert.equal(value('010', 'dtc'), 8n); // strtoull base 0: octal
  assert.throws(() => value('+1', 'dtc')); // dtc's grammar has no unary plus
  assert.throws(() => value('FOO', 'dtc'), /not a number/);
  assert.throws(() => value('1 / 0', 'dtc'), /division by zero/);
});

test('cpp is signed until an operand is unsigned', () => {
  assert.equal(value('-1', 'cpp'), -1n);
  assert.equal(value('(-1) >> 1', 'cpp'), -1n); // arithmetic shift of a signed value
  assert.equal(value('-1 < 0', 'cpp'), 1n);
  assert.equal(value('-1 < 0u', 'cpp'), 0n); // -1 converts to UINTMAX_MAX
  assert.equal(value('0xffffffffffffffff', 'cpp'), U64_MAX); // too big for intmax_t: unsigned
  assert.equal(value('-7 / 2', 'cpp'), -3n); // truncation toward zero
  assert.equal(value('-7 % 2', 'cpp'), -1n);
  assert.equal(value('UNDEFINED + 2', 'cpp'), 2n); // names left after expansion are 0
});

test('#if conditions answer defined before expanding', () => {
  const table = new MacroTable();
  table.define(tokenize('A 2'));
  table.define(tokenize('B(x) (x * A)'));
  const truth = (text: string) => {
    const result = evaluateCondition(tokenize(text), table);
    if ('error' in result) throw new Error(result.error);
    return result.value;
  };
  assert.equal(truth('defined A && !defined(C)'), true);
  assert.equal(truth('B(3) == 6'), true);
  assert.equal(truth('defined B'), true);
  assert.equal(truth('C'), false);
  assert.throws(() => truth('defined'), /requires an identifier/);
});
