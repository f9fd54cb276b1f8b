// The `--progress` line: drawn only on a terminal, with files/s and ETA once the total is known.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressBar, formatProgressLine } from '../../server/src/batch/progress-bar';
import type { ScanProgress } from '../../server/src/batch/scan-tree';

const midway: ScanProgress = {
  filesSeen: 1000,
  filesDone: 250,
  walkDone: true,
  candidates: 12,
  cacheHits: 0,
  skipped: 0,
  bytesRead: 0,
  elapsedMs: 2000,
  done: false,
};

test('the line shows the bar, counts, rate and ETA', () => {
  const line = formatProgressLine(midway);
  assert.match(line, /\[######-{18}\] 250\/1,000 files/);
  assert.match(line, /125 files\/s/);
  // 750 files left at 125 files/s: 6 seconds.
  assert.match(line, /ETA 0:06/);
  assert.match(line, /12 with DMA calls/);
});

test('while the walk is running there is no total and no ETA', () => {
  const line = formatProgressLine({ ...midway, walkDone: false });
  assert.match(line, /250 files \(still listing, 1,000 found\)/);
  assert.doesNotMatch(line, /ETA/);
});

test('nothing is written when the stream is not a terminal', () => {
  const written: string[] = [];
  const draw = createProgressBar({ isTTY: false, write: (text: string) => written.push(text) });
  draw(midway);
  draw({ ...midway, done: true });
  assert.deepEqual(written, []);
});

test('on a terminal the line is redrawn in place, cut to the width, and cleared at the end', () => {
  const written: string[] = [];
  const draw = createProgressBar({ isTTY: true, columns: 40, write: (text: string) => written.push(text) });
  draw(midway);
  assert.ok(written[0]!.startsWith('\r\x1b[2K'));
  assert.ok(written[0]!.length - '\r\x1b[2K'.length < 40);
  draw({ ...midway, done: true });
  assert.equal(written.at(-1), '\r\x1b[2K');
});
