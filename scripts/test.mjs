// Runs the test suite (or the test files given) with a scan cache of its own: the language server, the CLI
// and the benchmark all keep their scan caches in $XDG_CACHE_HOME/dmalens, and the tests scan hundreds of
// temporary trees that must not pile up in the developer's own cache. The folder is removed afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const targets = process.argv.slice(2);
const cacheHome = mkdtempSync(join(tmpdir(), 'dmalens-test-cache-'));
const result = spawnSync(
  process.execPath,
  // A test that hangs fails after 10 minutes (the longest file, the e2e suite, takes about two), so a hang
  // fails the run instead of eating CI's hour; a file whose tests are done exits even if a library left a
  // timer behind (under load the language-server client's process once lingered for ten minutes after its
  // tests passed). Exit handlers still run: the differential suite's QEMU guests are killed in one.
  [
    '--test',
    '--test-concurrency=2',
    '--test-timeout=600000',
    '--test-force-exit',
    ...(targets.length ? targets : ['out/test/']),
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, XDG_CACHE_HOME: cacheHome },
  },
);
rmSync(cacheHome, { recursive: true, force: true });
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
