// `dmalens scan --diff` as a process on a git repository it is given: a revision, a range, a patch file
// applied or not, a patch on standard input; the checkpatch format and the exit status CI reads.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './run-cli';

// A driver whose receive path checks its mapping and whose transmit path does not: the unchecked map is
// there before any change, so a change must not be blamed for it.
const DRIVER = `// SPDX-License-Identifier: GPL-2.0
#include <linux/dma-mapping.h>

static int demo_rx_refill(struct device *dev, struct demo_ring *ring, void *buf)
{
	dma_addr_t addr;

	addr = dma_map_single(dev, buf, DEMO_RX_LEN, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, addr))
		return -ENOMEM;
	ring->desc[ring->head].addr = cpu_to_le64(addr);
	return 0;
}

static void demo_tx(struct device *dev, struct demo_ring *ring, void *buf, size_t len)
{
	dma_addr_t addr = dma_map_single(dev, buf, len, DMA_TO_DEVICE);

	ring->desc[ring->tail].addr = cpu_to_le64(addr);
}
`;

const DROPPED_CHECK = DRIVER.replace('\tif (dma_mapping_error(dev, addr))\n\t\treturn -ENOMEM;\n', '');
const NEW_FUNCTION = `${DROPPED_CHECK}
static void demo_kick(struct device *dev, void *cmd)
{
	dma_addr_t addr = dma_map_single(dev, cmd, 16, DMA_TO_DEVICE);

	demo_write_doorbell(addr);
}
`;

let repo: string;

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.org', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
}

function scan(args: string[], input?: string) {
  const run = spawnSync(process.execPath, [CLI, 'scan', '--no-cache', ...args], {
    cwd: repo,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The rule and 1-based line of each reported finding, from the compiler-style text. */
function reported(stdout: string): string[] {
  return [...stdout.matchAll(/^drivers\/demo\/demo\.c:(\d+):\d+: \w+: .* \[([a-z-]+)\]$/gm)].map(
    (match) => `${match[2]}@${match[1]}`,
  );
}

const lineOf = (text: string, needle: string, nth = 0) =>
  text.split('\n').flatMap((line, index) => (line.includes(needle) ? [index + 1] : []))[nth]!;

describe('dmalens scan --diff', () => {
  before(() => {
    repo = mkdtempSync(join(tmpdir(), 'dmalens-diff-'));
    git('init', '-q');
    mkdirSync(join(repo, 'drivers/demo'), { recursive: true });
    writeFileSync(join(repo, 'drivers/demo/demo.c'), DRIVER);
    git('add', '.');
    git('commit', '-q', '-m', 'demo: first version');
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  test('against a revision: the dropped check and the new map, not the unchecked map that was there before', () => {
    writeFileSync(join(repo, 'drivers/demo/demo.c'), NEW_FUNCTION);
    const result = scan(['--diff', 'HEAD']);
    assert.equal(result.status, 1, `warnings fail a change by default: ${result.stderr}`);
    assert.deepEqual(reported(result.stdout), [
      `unchecked-mapping@${lineOf(NEW_FUNCTION, 'dma_map_single', 0)}`,
      `unchecked-mapping@${lineOf(NEW_FUNCTION, 'dma_map_single', 2)}`,
    ]);
    const whole = scan(['drivers/demo/demo.c']);
    assert.equal(reported(whole.stdout).length, 3, 'the whole file has the old finding as well');
    assert.equal(scan(['--diff', 'HEAD', '--fail-on', 'error']).status, 0);
  });

  test('checkpatch format: FILE:LINE: WARNING:TYPE: message and its total line with the lines checked', () => {
    writeFileSync(join(repo, 'drivers/demo/demo.c'), NEW_FUNCTION);
    const lines = scan(['--diff', 'HEAD', '--format', 'checkpatch']).stdout.trim().split('\n');
    assert.match(lines[0]!, /^drivers\/demo\/demo\.c:\d+: WARNING:UNCHECKED_MAPPING: dma_map_single\(\) result 'addr'/);
    const added = NEW_FUNCTION.split('\n').length - DROPPED_CHECK.split('\n').length;
    assert.equal(lines.at(-1), `total: 0 errors, 2 warnings, 0 checks, ${added} lines checked`);
  });

  test('a commit range and a patch file, applied to the tree or not, report the same findings', () => {
    writeFileSync(join(repo, 'drivers/demo/demo.c'), NEW_FUNCTION);
    git('commit', '-q', '-am', 'demo: kick');
    const expected = reported(scan(['--diff', 'HEAD~1']).stdout);
    assert.equal(expected.length, 2);
    assert.deepEqual(reported(scan(['--diff', 'HEAD~1..HEAD']).stdout), expected);
    git('format-patch', '-q', '-1', '-o', 'patches');
    const patch = join('patches', '0001-demo-kick.patch');
    assert.deepEqual(reported(scan(['--diff', patch]).stdout), expected, 'applied');
    git('checkout', '-q', 'HEAD~1');
    assert.equal(readFileSync(join(repo, 'drivers/demo/demo.c'), 'utf8'), DRIVER);
    assert.deepEqual(reported(scan(['--diff', patch]).stdout), expected, 'not applied');
    assert.deepEqual(
      reported(scan(['--diff', '-'], readFileSync(join(repo, patch), 'utf8')).stdout),
      expected,
      'stdin',
    );
    git('checkout', '-q', '-');
  });

  test('a clean change exits 0; PATH limits the files; JSON keeps only the changed sites', () => {
    const renamed = NEW_FUNCTION.replace('demo_write_doorbell(addr);', 'demo_ring_doorbell(addr);');
    writeFileSync(join(repo, 'drivers/demo/demo.c'), renamed);
    const clean = scan(['--diff', 'HEAD']);
    assert.equal(clean.status, 0, clean.stdout);
    assert.deepEqual(reported(clean.stdout), []);
    writeFileSync(join(repo, 'drivers/demo/demo.c'), renamed.replace('cmd, 16', 'cmd, 32'));
    const json = JSON.parse(scan(['--diff', 'HEAD', '--format', 'json']).stdout);
    assert.deepEqual(
      json.files[0].sites.map((site: { api: string; size: { value: string } }) => `${site.api} ${site.size.value}`),
      ['dma_map_single 32'],
    );
    assert.equal(json.files[0].diagnostics.length, 1, 'the rewritten line holds an unchecked map');
    mkdirSync(join(repo, 'other'));
    assert.deepEqual(JSON.parse(scan(['--diff', 'HEAD', '--format', 'json', 'other']).stdout).files, []);
    git('checkout', '-q', '--', '.');
  });

  test('what cannot be read is said: an unknown revision, a malformed patch, a patch for other text', () => {
    const option = scan(['--diff=--output=written-by-git']);
    assert.equal(option.status, 2);
    assert.match(option.stderr, /'--output=written-by-git' is neither a patch file nor a git revision/);
    const unknown = scan(['--diff', 'no-such-branch']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--diff git could not read 'no-such-branch'/);
    writeFileSync(
      join(repo, 'broken.patch'),
      '--- a/drivers/demo/demo.c\n+++ b/drivers/demo/demo.c\n@@ -1,9 +1,9 @@\n int x;\n',
    );
    const broken = scan(['--diff', 'broken.patch']);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /--diff broken\.patch: line \d+: hunk '@@ -1,9 \+1,9 @@' ends early/);
    writeFileSync(
      join(repo, 'other.patch'),
      '--- a/drivers/demo/demo.c\n+++ b/drivers/demo/demo.c\n@@ -1 +1 @@\n-int other;\n+long other;\n',
    );
    const other = scan(['--diff', 'other.patch']);
    assert.equal(other.status, 0);
    assert.match(other.stdout, /^drivers\/demo\/demo\.c: skipped: the patch does not match the working tree's file/m);
  });
});
