// A short run of the fuzz harness (scripts/fuzz.mjs) in every test run: forty seeded mutants of the
// repository's kernel-style C through the built language server, as an editor sends them. None may crash
// the server, leave a request unanswered for 10 s, or be answered with an internal error. The long run
// (`node scripts/fuzz.mjs --tree ~/.cache/dmalens/linux-6.1`) is recorded in docs/robustness.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../repo-root';

test('forty mutants: no crash, no hang, no internal error', () => {
  const root = repoRoot();
  const run = spawnSync(
    process.execPath,
    [join(root, 'scripts/fuzz.mjs'), '--mutants', '40', '--seconds', '240', '--seed', '7'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /^fuzz: 40 inputs from \d+ seed files \(seed 7\), \d+ requests/m);
  assert.match(run.stdout, /^crashes 0, hangs 0, internal errors 0$/m);
});
