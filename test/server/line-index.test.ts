// Positions to offsets as LSP defines them: a column past the end of a line means the end of the line's
// text, before its line break — `\r\n` as well as `\n`. An edit sent with such a column on a CRLF line used
// to land between `\r` and `\n`; a column that is not a number gave NaN offsets ("column NaN").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/analysis/line-index';

test('a column past the end of a CRLF line is the end of its text, before the \\r', () => {
  const text = 'ab\r\ncd\r\nlast';
  const lines = new LineIndex(text);
  assert.equal(lines.offsetAt({ line: 0, character: 999 }), 2);
  assert.equal(text.slice(0, lines.offsetAt({ line: 1, character: 50 })), 'ab\r\ncd');
  assert.equal(lines.offsetAt({ line: 2, character: 99 }), text.length);
  // Columns inside the line are unchanged.
  assert.equal(lines.offsetAt({ line: 1, character: 1 }), 5);
});

test('LF lines keep their behaviour', () => {
  const lines = new LineIndex('ab\ncd\n');
  assert.equal(lines.offsetAt({ line: 0, character: 10 }), 2);
  assert.equal(lines.offsetAt({ line: 1, character: 10 }), 5);
});

test('a column or line that is not a number gives an offset, never NaN', () => {
  const lines = new LineIndex('ab\r\ncd');
  assert.equal(lines.offsetAt({ line: 1, character: Number.NaN }), 4);
  assert.equal(lines.offsetAt({ line: 1, character: 1.7 }), 5);
  assert.equal(lines.offsetAt({ line: Number.NaN, character: 1 }), 0);
  assert.equal(lines.offsetAt({ line: 0.5, character: 1 }), 1);
});
