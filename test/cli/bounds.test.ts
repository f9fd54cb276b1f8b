// Inputs that would make the CLI work without end get a clear usage error (exit 2) or a clamp it says:
// a scatterlist of more entries than a 16 MiB transfer has, a virtqueue add of more buffers than a queue
// holds, an --ops sequence over its bound, --jobs beyond the cores, and a xen-pv map of 2^64 - 1 bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from './run-cli';

const entry = (index: number) => ({ phys: `0x${(0x100000 + index * 4096).toString(16)}`, size: '0x100' });

test('a map_sg of 5000 entries is refused with the bound', () => {
  const ops = [{ op: 'map_sg', entries: Array.from({ length: 5000 }, (_, index) => entry(index)), dir: 'to_device' }];
  const run = runCli(['simulate', '--platform', 'x86_64', '--json', '--ops', '-'], JSON.stringify(ops));
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /request \[0\]: .*a scatterlist of at most 4096 entries/);
  assert.equal(run.stdout, '');
});

test('a virtqueue add of 1200 buffers is refused: a queue holds at most 1024', () => {
  const buffers = Array.from({ length: 600 }, (_, index) => entry(index));
  const run = runCli(
    ['simulate', '--platform', 'x86_64', '--ops', '-'],
    JSON.stringify([{ op: 'virtqueue_add', out: buffers, in: buffers }]),
  );
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /at most 1024 buffers in all/);
});

test('an --ops sequence of 4097 requests is refused, 4096 would run', () => {
  const map = { op: 'map_single', phys: '0x1000', size: '0x10', dir: 'to_device' };
  const run = runCli(['simulate', '--platform', 'x86_64', '--ops', '-'], JSON.stringify(Array(4097).fill(map)));
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /4097 requests; one session takes at most 4096/);
});

test('--jobs beyond the cores is clamped, and the clamp is said', () => {
  const run = runCli(['scan', '--no-cache', '--jobs', '1000', 'examples']);
  assert.equal(run.status, 1, run.stderr); // the bundled examples hold error-level findings on purpose
  assert.match(run.stderr, /--jobs 1000 is more than the \d+ cores; using \d+/);
});

test('a xen-pv map of 2^64 - 1 bytes is answered (no page-by-page walk)', () => {
  const run = runCli([
    'simulate',
    '--platform',
    'xen-pv',
    '--json',
    'map_single',
    '--phys',
    '0x1000',
    '--size',
    '0xffffffffffffffff',
    '--dir',
    'to_device',
  ]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { results: unknown[] }).results.length, 1);
});

test('bad exclude globs are usage errors; a comma inside braces belongs to the glob', () => {
  for (const [glob, message] of [
    ['{a,b', /unbalanced '\{' in exclude pattern '\{a,b'/],
    ['', /empty exclude pattern/],
    ['\\', /empty exclude pattern/],
  ] as const) {
    const run = runCli(['scan', '--no-cache', '--exclude', glob, 'examples']);
    assert.equal(run.status, 2, `${glob}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
  const braces = runCli(['scan', '--no-cache', '--format', 'json', '--exclude', '{virtio_*,buggy_*}.c', 'examples']);
  const files = (JSON.parse(braces.stdout) as { files: { path: string }[] }).files.map((file) => file.path);
  assert.ok(files.length > 0 && files.every((path) => !/(virtio_|buggy_)[^/]*\.c$/.test(path)), files.join(', '));
});

test('file names are printed as one token: a newline or U+202E is escaped, a backslash stays in the name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dmalens-names-'));
  try {
    const driver = readFileSync(join(ROOT, 'examples/buggy_demo_dev.c'), 'utf8');
    for (const name of ['evil\nfake.c:1:1: error: forged.c', 'rev\u202ec.lave.c', 'back\\slash.c'])
      writeFileSync(join(dir, name), driver);
    const text = runCli(['scan', '--no-cache', dir]);
    assert.doesNotMatch(text.stdout, /^fake\.c:1:1: error: forged/m);
    assert.match(text.stdout, /evil\\u000afake\.c/);
    assert.match(text.stdout, /rev\\u202ec\.lave\.c/);
    assert.doesNotMatch(text.stdout, /\u202e/);
    const sarif = runCli(['scan', '--no-cache', '--format', 'sarif', dir]);
    const uris = (
      JSON.parse(sarif.stdout) as {
        runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
      }
    ).runs[0]!.results.map((result) => result.locations[0]!.physicalLocation.artifactLocation.uri);
    assert.ok(
      uris.some((uri) => uri.endsWith('/back%5Cslash.c')),
      uris.join('\n'),
    );
    assert.ok(!uris.some((uri) => uri.endsWith('/back/slash.c')), uris.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a path that does not exist is a usage error, and a FIFO is skipped instead of waited on', () => {
  const missing = runCli(['scan', '--no-cache', 'examples/no-such-driver.c']);
  assert.equal(missing.status, 2, missing.stderr);
  assert.match(missing.stderr, /scan: examples\/no-such-driver\.c: no such file or directory/);
  const dir = mkdtempSync(join(tmpdir(), 'dmalens-fifo-'));
  try {
    const fifo = join(dir, 'pipe.c');
    spawnSync('mkfifo', [fifo]);
    // runCli's 30 s timeout would end a scan that waited for a writer; the skip answers at once.
    const run = runCli(['scan', '--no-cache', fifo]);
    assert.equal(run.status, 0, run.stderr);
    // Quiet by default: the summary counts skipped files, and --notes names each with its reason.
    assert.match(run.stdout, /^0 files with DMA sites.*; 1 file skipped \(--notes lists them\)/m);
    assert.doesNotMatch(run.stdout, /pipe\.c: skipped/);
    const listed = runCli(['scan', '--no-cache', '--notes', fifo]);
    assert.match(listed.stdout, /pipe\.c: skipped: not a regular file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache folder inside /proc costs the cache, said in one line, and the scan ends', () => {
  const run = runCli(['scan', '--cache', '/proc/self/fdinfo', 'examples']);
  assert.equal(run.status, 1, run.stderr); // the bundled examples hold error-level findings on purpose
  assert.match(run.stderr, /cache not saved to \/proc\/self\/fdinfo\//);
  assert.match(run.stdout, /files with DMA sites/);
});
