// A scan cache holds each file's targets, which come from Makefiles and Kconfig files rather than from the
// file: after a Kconfig edit moves a driver to other platforms, a re-scan must say so, not serve the targets
// of the old Kconfig. Run on a copy of the miniature kernel tree of test/fixtures/kernel-tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moveIbmvethToPowernv } from '../server/kernel-tree-edits';
import { ROOT, runCli } from './run-cli';

interface ScanJson {
  files: { path: string; targets?: { platforms: string[]; why: string } }[];
}

function targetsOfIbmveth(tree: string, cacheDir: string): { platforms: string[]; stderr: string } {
  const run = runCli([
    'scan',
    '--format',
    'json',
    '--jobs',
    '1',
    '--cache',
    cacheDir,
    join(tree, 'drivers/net/ethernet/ibm'),
  ]);
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  const file = (JSON.parse(run.stdout) as ScanJson).files.find((entry) => entry.path.endsWith('ibmveth.c'));
  assert.ok(file?.targets, `ibmveth.c scanned with targets: ${run.stdout.slice(0, 400)}`);
  return { platforms: file.targets.platforms, stderr: run.stderr };
}

test('a Kconfig edit that moves a driver to other platforms is seen by the next, cached, scan', () => {
  const work = mkdtempSync(join(tmpdir(), 'dmalens-build-files-'));
  const tree = join(work, 'linux');
  const cacheDir = join(work, 'cache');
  try {
    cpSync(join(ROOT, 'test/fixtures/kernel-tree'), tree, { recursive: true });
    const before = targetsOfIbmveth(tree, cacheDir);
    assert.ok(
      before.platforms.length > 0 && before.platforms.every((id) => id.startsWith('pseries')),
      before.platforms.join(),
    );

    const again = targetsOfIbmveth(tree, cacheDir);
    assert.deepEqual(again.platforms, before.platforms, 'an unchanged tree keeps its cached targets');
    assert.doesNotMatch(again.stderr, /cache/);

    moveIbmvethToPowernv(tree);
    const after = targetsOfIbmveth(tree, cacheDir);
    assert.ok(
      after.platforms.length > 0 && after.platforms.every((id) => id.startsWith('powernv')),
      after.platforms.join(),
    );
    assert.match(after.stderr, /ibm\/Kconfig changed since the last scan/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
