// The comment/literal mask used by the token rules and the map/unmap pairing: same length, newlines
// kept, code untouched, and everything inside comments and literals blanked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskNonCode } from '../../server/src/checks/code-identifiers';

test('comments and literals become spaces, code and newlines stay', () => {
  const text = 'a = f(x); /* {b}\n c */ d = "}{\\"" + \'{\'; // e {\nf = 1 / 2;';
  const masked = maskNonCode(text);
  assert.equal(masked.length, text.length);
  assert.equal(masked.split('\n').length, text.split('\n').length);
  assert.equal(masked, 'a = f(x);       \n      d =        +    ;       \nf = 1 / 2;');
});

test('an unterminated comment or string is blanked to its end without hanging', () => {
  assert.equal(maskNonCode('x /* open'), 'x        ');
  assert.equal(maskNonCode('y "open\nz'), 'y      \nz');
  const huge = `/*${'*'.repeat(1_000_000)}`;
  assert.equal(maskNonCode(huge).trim(), '');
});
