// FileDefines finds `#define` lines with indexOf rather than a multiline pattern, for speed; the table it
// builds must be the one the plain multiline pattern gives, on any text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FileDefines } from '../../server/src/analysis/defines';

const NAMES = ['FOO', 'BAR_SIZE', 'X'];

/** The reference: every line matching the pattern, bodies without comments, names defined twice differently unknown. */
function referenceTable(text: string): Map<string, string | null> {
  const table = new Map<string, string | null>();
  for (const match of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^\n]*)$/gm)) {
    const body = match[2]!
      .replace(/\/\*.*?(\*\/|$)/g, ' ')
      .replace(/\/\/.*$/, '')
      .trim();
    if (body === '' || body.endsWith('\\')) continue;
    const previous = table.get(match[1]!);
    table.set(match[1]!, previous === undefined || previous === body ? body : null);
  }
  return table;
}

const PIECES = [
  '#',
  'define',
  ' ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  ...NAMES,
  '16',
  '(4 * 1024)',
  '/* c */',
  '// c',
  '\\',
  'x',
  ';',
  'undef',
  '#define FOO 16\n',
  ' # define BAR_SIZE 8\n',
];

test('agrees with the multiline pattern on chosen and random texts', () => {
  // A lone \r ends a line for `^` but not for `[^\n]*`: the first definition swallows the second.
  for (const text of [
    '#define FOO 16\r#define FOO 32\n',
    '#define X 1\u2028#define BAR_SIZE 2',
    'x #define FOO 1\n#define FOO 1',
  ]) {
    const reference = referenceTable(text);
    for (const name of NAMES)
      assert.equal(
        new FileDefines(text).lookup(name),
        reference.get(name) ?? undefined,
        JSON.stringify({ text, name }),
      );
  }
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }), (pieces) => {
      const text = pieces.join('');
      const reference = referenceTable(text);
      const defines = new FileDefines(text);
      for (const name of NAMES)
        assert.equal(defines.lookup(name), reference.get(name) ?? undefined, JSON.stringify({ text, name }));
    }),
    { numRuns: 20_000 },
  );
});

test('kernel-style constants resolve; ambiguous and multi-line ones do not', () => {
  const defines = new FileDefines(
    [
      '#define RING_SIZE\t256\t/* entries */',
      '#ifdef CONFIG_BIG',
      '# define BUF_LEN (4 * 1024)',
      '#else',
      '# define BUF_LEN 512',
      '#endif',
      '#define HDR \\',
      '\t16',
      'int x; /* #define NOT_ME 1 */',
    ].join('\n'),
  );
  assert.equal(defines.lookup('RING_SIZE'), '256');
  assert.equal(defines.lookup('BUF_LEN'), undefined);
  assert.equal(defines.lookup('HDR'), undefined);
  assert.equal(defines.lookup('NOT_ME'), undefined);
});
