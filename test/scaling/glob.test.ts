// Exclude globs come from workspace settings a repository ships, so matching must stay linear in the path
// whatever the pattern: forty stars then a `!` froze the server when globs compiled to regular
// expressions (each star a backtracking point), and `*a*a*a*a*a*b` is polynomial in the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExcludes } from '../../server/src/batch/glob';
import { assertLinearScaling } from './scaling-support';

const HOSTILE = [`${'*'.repeat(40)}!`, '*a*a*a*a*a*a*a*b', `${'**/'.repeat(20)}x!`, '{a,b}*{c,d}*{e,f}*z'];

test('the hostile patterns match what they say and nothing else', () => {
  const matcher = compileExcludes(HOSTILE);
  assert.equal(matcher.matches('drivers/net/foo!'), true);
  assert.equal(matcher.matches('aaaaaaaab'), true);
  assert.equal(matcher.matches('a/b/x!'), true);
  assert.equal(matcher.matches(`drivers/${'a'.repeat(50)}`), false);
});

test('matching hostile patterns against longer paths scales linearly', () => {
  const matcher = compileExcludes(HOSTILE);
  assertLinearScaling('hostile exclude globs', [2000, 4000, 8000], (length) => {
    // Near misses: long runs of the letters the patterns look for, never the final character.
    const paths = Array.from(
      { length: 20 },
      (_, index) => `dir${index}/${'a'.repeat(length)}/${'ac'.repeat(length / 2)}`,
    );
    return () => {
      for (const path of paths) assert.equal(matcher.matches(path), false);
    };
  });
});
