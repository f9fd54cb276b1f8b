// A damaged scan cache costs a re-read, never a changed report or a failing scan: every frame of the
// cache file carries a CRC-32, a frame that fails it is a miss for its files (said in one line on stderr),
// and the next scan rewrites the file. The reproducer overwrites 64 bytes in the middle of the cache with
// 0xFF, which used to make every later scan exit 1 ("Unable to deserialize cloned data").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli';

function scan(cacheDir: string) {
  return runCli(['scan', '--format', 'json', '--jobs', '1', '--cache', cacheDir, 'examples']);
}

function cacheFile(cacheDir: string): string {
  const files = readdirSync(cacheDir).filter((name) => name.endsWith('.bin'));
  assert.equal(files.length, 1, `one cache file in ${files.join(', ')}`);
  return join(cacheDir, files[0]!);
}

function damage(file: string, at: (length: number) => number, bytes = 64): void {
  const content = readFileSync(file);
  content.fill(0xff, at(content.length), at(content.length) + bytes);
  writeFileSync(file, content);
}

test('64 bytes of 0xFF in the middle of the cache: same report, one line said, the cache rewritten', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'dmalens-cache-damage-'));
  try {
    const first = scan(cacheDir);
    assert.equal(first.status, 1, first.stderr); // the examples hold error-level findings on purpose
    damage(cacheFile(cacheDir), (length) => Math.floor(length / 2));
    const damaged = scan(cacheDir);
    assert.equal(damaged.status, first.status, damaged.stderr);
    assert.equal(damaged.stdout, first.stdout);
    assert.match(damaged.stderr, /failed the checksum; those files are read again/);
    const after = scan(cacheDir);
    assert.equal(after.stdout, first.stdout);
    assert.doesNotMatch(after.stderr, /cache/, 'the rewritten cache reads cleanly');
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('a damaged header starts the cache afresh, and a truncated file keeps what it holds', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'dmalens-cache-damage-'));
  try {
    const first = scan(cacheDir);
    damage(cacheFile(cacheDir), () => 12, 4);
    const header = scan(cacheDir);
    assert.equal(header.stdout, first.stdout);
    assert.match(header.stderr, /header failed its checksum/);
    const file = cacheFile(cacheDir);
    writeFileSync(file, readFileSync(file).subarray(0, -10));
    const truncated = scan(cacheDir);
    assert.equal(truncated.stdout, first.stdout);
    assert.match(truncated.stderr, /cut short/);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
