// Exclude globs behave the way .gitignore and VS Code's files.exclude users expect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExcludes } from '../../server/src/batch/glob';
import { DEFAULT_EXCLUDES } from '../../server/src/config/settings';

const cases: [pattern: string, path: string, excluded: boolean][] = [
  ['drivers/gpu/**', 'drivers/gpu/drm/amd/a.c', true],
  ['drivers/gpu/**', 'drivers/gpu', true],
  ['drivers/gpu/**', 'x/drivers/gpu/a.c', false],
  ['drivers/gpu', 'drivers/gpu/drm/a.c', true],
  ['**/amd/**', 'drivers/gpu/drm/amd/x.h', true],
  ['**/amd/**', 'drivers/gpu/drm/amdgpu/x.h', false],
  ['*.mod.c', 'drivers/net/foo.mod.c', true],
  ['*.mod.c', 'drivers/net/foo.c', false],
  ['Documentation', 'Documentation/x.c', true],
  ['Documentation', 'tools/Documentation/x.c', true],
  ['/Documentation', 'tools/Documentation/x.c', false],
  ['arch/*/boot', 'arch/arm/boot/x.c', true],
  ['arch/*/boot', 'arch/arm/mach/boot/x.c', false],
  ['drivers/{gpu,staging}/**', 'drivers/staging/a.c', true],
  ['drivers/{gpu,staging}/**', 'drivers/net/a.c', false],
  ['fil?.c', 'a/file.c', true],
  ['fil?.c', 'a/fi/e.c', false],
  ['a+b(c).c', 'a+b(c).c', true],
];

for (const [pattern, path, excluded] of cases) {
  test(`exclude '${pattern}' ${excluded ? 'matches' : 'does not match'} ${path}`, () => {
    assert.equal(compileExcludes([pattern]).matches(path), excluded);
  });
}

test('an empty pattern is an error, not a match of everything', () => {
  assert.throws(() => compileExcludes(['  ']), /empty exclude pattern/);
});

test('during a walk, matching the entry name gives the same answers as matching the whole path', () => {
  // A walk asks about an entry only when no directory above it was excluded; over every case above and
  // the default excludes, the cheap per-name answer must equal the whole-path answer.
  const patterns = [
    ...new Set([
      ...cases.map(([pattern]) => pattern),
      ...DEFAULT_EXCLUDES,
      '**/x/**',
      '*.mod.c',
      'a**b',
      './out',
      '/out',
      'a/x',
    ]),
  ];
  const paths = [
    ...new Set([
      ...cases.map(([, path]) => path),
      'out',
      'a/out',
      'a/b/foo.mod.c',
      'node_modules',
      'x',
      'a/x',
      'a/xb/c',
      'ab',
      'a/cb',
      'Documentation',
    ]),
  ];
  for (const pattern of patterns) {
    const excludes = compileExcludes([pattern]);
    for (const path of paths) {
      const parts = path.split('/');
      const ancestorExcluded = parts
        .slice(0, -1)
        .some((_, index) => excludes.matches(parts.slice(0, index + 1).join('/')));
      if (ancestorExcluded) continue;
      assert.equal(excludes.matchesEntry(path, parts.at(-1)!), excludes.matches(path), `${pattern} on ${path}`);
    }
  }
});
