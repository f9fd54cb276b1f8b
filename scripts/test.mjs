// Runs the test suite (or the test files given) with a scan cache of its own: the language server, the CLI
// and the benchmark all keep their scan caches in $XDG_CACHE_HOME/dmalens, and the tests scan hundreds of
// temporary trees that must not pile up in the developer's own cache. The folder is removed afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TESTS = 'out/test';
/**
 * Test files that run after the others, each on its own. The differential suite's QEMU guests keep a core
 * busy for minutes, and the editor suite waits on a real VS Code whose steps time out: on a 2-core machine
 * either beside another busy file made the editor suite miss its waits (a quick pick that never opened, an
 * exported file read before it was written).
 */
const ALONE = ['client/e2e.test.mjs', 'differential/differential.test.mjs'].map((file) => join(TESTS, file));

const targets = process.argv.slice(2);
const runs = targets.length
  ? [targets]
  : [testFiles(TESTS).filter((file) => !ALONE.includes(file)), ...ALONE.map((file) => [file])];
const cacheHome = mkdtempSync(join(tmpdir(), 'dmalens-test-cache-'));
let status = 0;
try {
  for (const files of runs) status = runTests(files) || status;
} finally {
  rmSync(cacheHome, { recursive: true, force: true });
}
process.exitCode = status;

function runTests(files) {
  const result = spawnSync(
    process.execPath,
    // A test that hangs fails after 10 minutes (the longest file, the e2e suite, takes about two), so a hang
    // fails the run instead of eating CI's hour; a file whose tests are done exits even if a library left a
    // timer behind (under load the language-server client's process once lingered for ten minutes after its
    // tests passed). Exit handlers still run: the differential suite's QEMU guests are killed in one.
    ['--test', '--test-concurrency=2', '--test-timeout=600000', '--test-force-exit', ...files],
    {
      stdio: 'inherit',
      env: { ...process.env, XDG_CACHE_HOME: cacheHome },
    },
  );
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Every compiled test file under `dir`. */
function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.mjs') ? [path] : [];
  });
}
