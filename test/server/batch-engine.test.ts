// The batch scan engine on small trees written here: walk and excludes, the raw-byte prefilter, size and
// binary skips, the cache (signature, content hash, tool fingerprint) and progress. The per-file analysis
// is a counting stand-in so that these tests observe exactly which files the engine chose to analyse;
// the real analysis through worker threads is tested in batch-workers.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync, utimesSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import {
  scanTree,
  type FileResult,
  type ScanProgress,
  type ScanSummary,
  type ScanTreeOptions,
} from '../../server/src/batch/scan-tree';
import type { CallSite } from '../../server/src/analysis/callsite';

const MAPPING_DRIVER = `static int demo_map(struct device *dev, void *buf)
{
\tdma_addr_t addr = dma_map_single(dev, buf, 64, DMA_TO_DEVICE);
\treturn dma_mapping_error(dev, addr);
}
`;
const PLAIN_DRIVER = `static int demo_probe(struct platform_device *pdev)
{
\treturn platform_get_irq(pdev, 0);
}
`;

function makeTree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'dmalens-batch-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** Moves every file's time stamps an hour back, so the cache may trust them (they are not "racy"). */
function ageFiles(root: string, paths: string[]): void {
  const past = new Date(Date.now() - 3600_000);
  for (const path of paths) utimesSync(join(root, path), past, past);
}

/** A stand-in analysis: one site per `dma_map_single(` in the text, and a record of every call. */
function countingAnalyzer() {
  const analysed: string[] = [];
  const analyze = (text: string, path: string) => {
    analysed.push(path);
    const sites = [...text.matchAll(/dma_map_single\(/g)].map(
      (match) => ({ api: 'dma_map_single', offset: match.index }) as unknown as CallSite,
    );
    return { sites, diagnostics: [] };
  };
  return { analysed, analyze };
}

async function collect(
  paths: string[],
  options: ScanTreeOptions,
): Promise<{ results: FileResult[]; summary: ScanSummary }> {
  const results: FileResult[] = [];
  const run = scanTree(paths, options);
  for (;;) {
    const next = await run.next();
    if (next.done) return { results: results.sort((a, b) => a.path.localeCompare(b.path)), summary: next.value };
    results.push(next.value);
  }
}

test('only files holding a catalogue name are analysed, and excludes prune the walk', async () => {
  const root = makeTree({
    'drivers/net/demo.c': MAPPING_DRIVER,
    'drivers/net/plain.c': PLAIN_DRIVER,
    'drivers/gpu/big/gen.c': MAPPING_DRIVER,
    'drivers/net/demo.mod.c': MAPPING_DRIVER,
    'drivers/net/notes.txt': MAPPING_DRIVER,
    'scratch/x.h': MAPPING_DRIVER,
    'nested/scratch/y.h': MAPPING_DRIVER,
    '.git/objects/z.c': MAPPING_DRIVER,
  });
  const { analysed, analyze } = countingAnalyzer();
  const { results, summary } = await collect([root], {
    analyze,
    cacheDir: null,
    exclude: ['drivers/gpu/**', '*.mod.c', 'scratch'],
  });
  assert.deepEqual(analysed, [join(root, 'drivers/net/demo.c')]);
  assert.deepEqual(
    results.map((result) => result.path),
    [join(root, 'drivers/net/demo.c')],
  );
  assert.equal(results[0]!.sites.length, 1);
  assert.equal(summary.filesSeen, 2, 'demo.c and plain.c are the only .c/.h files left after the excludes');
  assert.equal(summary.candidates, 1);
  assert.equal(summary.sites, 1);
  rmSync(root, { recursive: true, force: true });
});

test('a name inside a longer identifier does not make a file a candidate', async () => {
  const root = makeTree({ 'a.c': 'int my_dma_map_single_count;\nint xdma_map_single(void);\n' });
  const { analysed, analyze } = countingAnalyzer();
  await collect([root], { analyze, cacheDir: null });
  assert.deepEqual(analysed, []);
  rmSync(root, { recursive: true, force: true });
});

test('files over the size limit and binary files are skipped with a note, never analysed', async () => {
  const big = MAPPING_DRIVER + '/* padding */\n'.repeat(200);
  const binary = Buffer.concat([Buffer.from('dma_map_single('), Buffer.from([0, 1, 2, 3])]);
  const root = makeTree({ 'big.c': big, 'blob.h': binary, 'small.c': MAPPING_DRIVER });
  const { analysed, analyze } = countingAnalyzer();
  const { results, summary } = await collect([root], { analyze, cacheDir: null, maxFileSize: 1024 });
  assert.deepEqual(analysed, [join(root, 'small.c')]);
  const bigResult = results.find((result) => result.path.endsWith('big.c'))!;
  assert.equal(bigResult.skipped, 'too-large');
  assert.match(bigResult.note!, new RegExp(`${Buffer.byteLength(big)} bytes is over the size limit of 1024 bytes`));
  const blobResult = results.find((result) => result.path.endsWith('blob.h'))!;
  assert.equal(blobResult.skipped, 'binary');
  assert.match(blobResult.note!, /binary/);
  assert.equal(summary.skipped, 2);
  rmSync(root, { recursive: true, force: true });
});

test('a path that does not exist is reported, and the rest is scanned', async () => {
  const root = makeTree({ 'a.c': MAPPING_DRIVER });
  const { analyze } = countingAnalyzer();
  const missing = join(root, 'no-such-dir');
  const { results } = await collect([missing, root], { analyze, cacheDir: null });
  const problem = results.find((result) => result.path === missing)!;
  assert.equal(problem.skipped, 'unreadable');
  assert.match(problem.note!, /no such file or directory/);
  assert.ok(results.some((result) => result.path === join(root, 'a.c') && result.sites.length === 1));
  rmSync(root, { recursive: true, force: true });
});

test('symbolic links inside the tree are not followed, so a loop cannot trap the walk', async () => {
  const root = makeTree({ 'a/a.c': MAPPING_DRIVER });
  symlinkSync(root, join(root, 'a/loop'));
  const { analysed, analyze } = countingAnalyzer();
  await collect([root], { analyze, cacheDir: null });
  assert.deepEqual(analysed, [join(root, 'a/a.c')]);
  rmSync(root, { recursive: true, force: true });
});

test('a file given by name is scanned whatever its extension', async () => {
  const root = makeTree({ 'driver.inc': MAPPING_DRIVER });
  const { analysed, analyze } = countingAnalyzer();
  await collect([join(root, 'driver.inc')], { analyze, cacheDir: null });
  assert.deepEqual(analysed, [join(root, 'driver.inc')]);
  rmSync(root, { recursive: true, force: true });
});

test('the cache: unchanged files are not analysed again, changed ones are, touched ones are re-hashed only', async () => {
  const files = {
    'one.c': MAPPING_DRIVER,
    'two.c': MAPPING_DRIVER + MAPPING_DRIVER.replace('demo_map', 'demo_map2'),
    'plain.c': PLAIN_DRIVER,
  };
  const root = makeTree(files);
  ageFiles(root, Object.keys(files));
  const cacheDir = mkdtempSync(join(tmpdir(), 'dmalens-cache-'));
  const options = { cacheDir, toolFingerprint: 'build-1' };

  const first = countingAnalyzer();
  const cold = await collect([root], { ...options, analyze: first.analyze });
  assert.equal(first.analysed.length, 2);
  assert.equal(cold.summary.cacheHits, 0);

  const second = countingAnalyzer();
  const warm = await collect([root], { ...options, analyze: second.analyze });
  assert.deepEqual(second.analysed, [], 'nothing changed, so nothing is analysed');
  assert.equal(warm.summary.cacheHits, 3);
  assert.deepEqual(
    warm.results.map((result) => [result.path, result.sites.length, result.cached]),
    cold.results.map((result) => [result.path, result.sites.length, true]),
  );

  // Same content, new time stamp: read and hashed, but not analysed.
  const later = new Date(Date.now() - 1800_000);
  utimesSync(join(root, 'one.c'), later, later);
  // New content: analysed.
  writeFileSync(join(root, 'two.c'), MAPPING_DRIVER);
  ageFiles(root, ['two.c']);
  const third = countingAnalyzer();
  const changed = await collect([root], { ...options, analyze: third.analyze });
  assert.deepEqual(third.analysed, [join(root, 'two.c')]);
  assert.deepEqual(
    changed.results.map((result) => [result.path, result.sites.length]),
    [
      [join(root, 'one.c'), 1],
      [join(root, 'two.c'), 1],
    ],
  );

  // A deleted file disappears from the results, a new one is analysed.
  rmSync(join(root, 'one.c'));
  writeFileSync(join(root, 'three.c'), MAPPING_DRIVER);
  const afterMove = countingAnalyzer();
  const moved = await collect([root], { ...options, analyze: afterMove.analyze });
  assert.deepEqual(afterMove.analysed, [join(root, 'three.c')]);
  assert.deepEqual(
    moved.results.map((result) => result.path),
    [join(root, 'three.c'), join(root, 'two.c')],
  );

  // Another build of the tool never trusts facts from the previous one.
  const fourth = countingAnalyzer();
  await collect([root], { cacheDir, toolFingerprint: 'build-2', analyze: fourth.analyze });
  assert.equal(fourth.analysed.length, 2);
  // ...and replaces its file rather than adding one per build.
  assert.equal(readdirSync(cacheDir).filter((name) => name.endsWith('.bin')).length, 1);

  // Nor do other analysis options (the rules and platforms are part of the facts).
  const fifth = countingAnalyzer();
  await collect([root], { ...options, analysis: { platforms: ['pseries'] }, analyze: fifth.analyze });
  assert.equal(fifth.analysed.length, 2);
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

test('a file changed just before the scan is not trusted by its time stamp on the next scan', async () => {
  const root = makeTree({ 'fresh.c': MAPPING_DRIVER });
  const cacheDir = mkdtempSync(join(tmpdir(), 'dmalens-cache-'));
  const options = { cacheDir, toolFingerprint: 'build-1' };
  await collect([root], { ...options, analyze: countingAnalyzer().analyze });
  // Rewrite with the same size and restore the very same time stamp: only the content hash can tell.
  const { mtime } = await import('node:fs').then((fs) => fs.statSync(join(root, 'fresh.c')));
  writeFileSync(join(root, 'fresh.c'), MAPPING_DRIVER.replace('64', '96'));
  utimesSync(join(root, 'fresh.c'), mtime, mtime);
  const again = countingAnalyzer();
  await collect([root], { ...options, analyze: again.analyze });
  assert.deepEqual(again.analysed, [join(root, 'fresh.c')]);
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

test('a damaged cache file is replaced, and the scan result is complete', async () => {
  const root = makeTree({ 'one.c': MAPPING_DRIVER });
  const cacheDir = mkdtempSync(join(tmpdir(), 'dmalens-cache-'));
  const options = { cacheDir, toolFingerprint: 'build-1' };
  await collect([root], { ...options, analyze: countingAnalyzer().analyze });
  for (const name of readdirSync(cacheDir)) writeFileSync(join(cacheDir, name), 'not a cache');
  const again = countingAnalyzer();
  const { results, summary } = await collect([root], { ...options, analyze: again.analyze });
  assert.equal(again.analysed.length, 1);
  assert.equal(results.length, 1);
  assert.match(summary.cacheProblems.join('\n'), /unreadable/);
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

/**
 * More files than one cache frame holds (4,096 entries): 4,500 files in nine folders, one in a hundred with
 * a mapping. In walk order d8/ comes last, after 4,000 files.
 */
function treeOfSeveralFrames(): string {
  const files: Record<string, string> = {};
  for (let index = 0; index < 4500; index++)
    files[`d${index % 9}/f${String(index).padStart(4, '0')}.c`] = index % 100 === 0 ? MAPPING_DRIVER : PLAIN_DRIVER;
  const root = makeTree(files);
  ageFiles(root, Object.keys(files));
  return root;
}

test('a first scan writes its cache frame by frame as it goes; a re-scan reads every frame; a cancelled one leaves no file', async () => {
  const root = treeOfSeveralFrames();
  const cacheDir = mkdtempSync(join(tmpdir(), 'dmalens-cache-'));
  const options = { cacheDir, toolFingerprint: 'build-1' };

  const controller = new AbortController();
  const cancelled = scanTree([root], {
    ...options,
    analyze: countingAnalyzer().analyze,
    signal: controller.signal,
    inWalkOrder: true,
  });
  // The third result in d8/ (f2600.c) comes after more than 4,096 files, so a frame has been written by then.
  let resultsInLastFolder = 0;
  for (let next = await cancelled.next(); !next.done; next = await cancelled.next()) {
    if (next.value.path.includes('/d8/') && ++resultsInLastFolder === 3) controller.abort();
  }
  assert.deepEqual(readdirSync(cacheDir), [], 'a cancelled first scan leaves neither a cache nor its temporary file');

  const first = countingAnalyzer();
  const cold = await collect([root], { ...options, analyze: first.analyze });
  assert.equal(first.analysed.length, 45);
  assert.equal(readdirSync(cacheDir).filter((name) => name.endsWith('.bin')).length, 1);
  const second = countingAnalyzer();
  const warm = await collect([root], { ...options, analyze: second.analyze });
  assert.deepEqual(second.analysed, []);
  assert.equal(warm.summary.cacheHits, 4500);
  assert.deepEqual(
    warm.results.map((result) => result.path),
    cold.results.map((result) => result.path),
  );
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

test('a scan cancelled while another scan of the same tree writes its cache does not spoil that cache', async () => {
  // An index restarted in one process: the first run is cancelled while the second already writes frames.
  const root = treeOfSeveralFrames();
  const cacheDir = mkdtempSync(join(tmpdir(), 'dmalens-cache-'));
  const options = { cacheDir, toolFingerprint: 'build-1', inWalkOrder: true };
  const controller = new AbortController();
  const cancelled = scanTree([root], { ...options, analyze: countingAnalyzer().analyze, signal: controller.signal });
  const second = scanTree([root], { ...options, analyze: countingAnalyzer().analyze });
  assert.equal((await cancelled.next()).done, false);
  // Past the first 4,096 files the second scan has written a frame to its temporary file.
  for (let next = await second.next(); !next.done && !next.value.path.includes('/d8/'); next = await second.next());
  controller.abort();
  for (let next = await cancelled.next(); !next.done; next = await cancelled.next());
  let summary: ScanSummary | undefined;
  for (let next = await second.next(); !summary; next = await second.next()) if (next.done) summary = next.value;
  assert.deepEqual(summary.cacheProblems, []);
  assert.equal(readdirSync(cacheDir).filter((name) => name.endsWith('.bin')).length, 1);
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

test('temporary cache files left by a killed scan are removed after a day, not sooner', async () => {
  const root = makeTree({ 'one.c': MAPPING_DRIVER });
  const cacheDir = mkdtempSync(join(tmpdir(), 'dmalens-cache-'));
  const leftover = (age: number) => {
    const path = join(cacheDir, `scan-${'a'.repeat(40)}.bin.4242-${age}.tmp`);
    writeFileSync(path, 'half a cache');
    const when = new Date(Date.now() - age * 3600_000);
    utimesSync(path, when, when);
    return path;
  };
  const old = leftover(48);
  const recent = leftover(1);
  await collect([root], { cacheDir, toolFingerprint: 'build-1', analyze: countingAnalyzer().analyze });
  const names = readdirSync(cacheDir);
  assert.ok(!names.includes(old.slice(cacheDir.length + 1)), 'two days old: removed');
  assert.ok(names.includes(recent.slice(cacheDir.length + 1)), 'an hour old: may belong to a running scan');
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

test('progress reports count every file and end with done', async () => {
  const files: Record<string, string> = {};
  for (let index = 0; index < 120; index++)
    files[`d${index % 7}/f${index}.c`] = index % 10 === 0 ? MAPPING_DRIVER : PLAIN_DRIVER;
  const root = makeTree(files);
  const reports: ScanProgress[] = [];
  await collect([root], {
    analyze: countingAnalyzer().analyze,
    cacheDir: null,
    onProgress: (progress) => reports.push(progress),
  });
  const last = reports.at(-1)!;
  assert.equal(last.done, true);
  assert.equal(last.walkDone, true);
  assert.equal(last.filesSeen, 120);
  assert.equal(last.filesDone, 120);
  assert.equal(last.candidates, 12);
  const bytes = Object.values(files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  assert.equal(last.bytesRead, bytes);
  for (let index = 1; index < reports.length; index++)
    assert.ok(reports[index]!.filesDone >= reports[index - 1]!.filesDone);
  rmSync(root, { recursive: true, force: true });
});

test('bad options get a clear error', async () => {
  await assert.rejects(collect([], { cacheDir: null }), /no paths given/);
  await assert.rejects(collect(['.'], { cacheDir: null, maxFileSize: -1 }), /maxFileSize must be a positive number/);
  await assert.rejects(collect(['.'], { cacheDir: null, workers: 1.5 }), /workers must be a whole number/);
  await assert.rejects(
    collect(['.'], { cacheDir: null, analyze: countingAnalyzer().analyze, exclude: ['{a,b'] }),
    /unbalanced/,
  );
  await assert.rejects(collect(['.'], { cacheDir: null, workers: 0 }), /workers: 0 needs `analyze`/);
});

test('a worker that dies takes only the file that killed it; the rest of its batch is scanned again', async () => {
  const root = makeTree({ 'a.c': PLAIN_DRIVER, 'b.c': PLAIN_DRIVER, 'poison.c': PLAIN_DRIVER, 'c.c': PLAIN_DRIVER });
  // A stand-in worker that dies on any batch holding poison.c and otherwise answers that nothing was found.
  const script = join(root, 'dying-worker.cjs');
  writeFileSync(
    script,
    `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (message) => {
  if (message.tasks.some((task) => task.path.endsWith('poison.c'))) process.exit(3);
  // "No candidates" travels packed: index in the batch, size, time, inode (worker-protocol.ts).
  parentPort.postMessage({ type: 'batch-done', id: message.id, outcomes: [], noCandidates: Float64Array.from(message.tasks.flatMap((task, index) => [index, 1, 0, 0])) });
});
`,
  );
  const { results, summary } = await collect([root], {
    workers: 2,
    workerScript: script,
    cacheDir: null,
    toolFingerprint: 'test',
  });
  assert.equal(summary.filesDone, 4, 'every file is accounted for');
  assert.deepEqual(
    results.map((result) => [result.path, result.skipped]),
    [[join(root, 'poison.c'), 'analysis-failed']],
  );
  assert.match(results[0]!.note!, /worker exited with code 3/);
  rmSync(root, { recursive: true, force: true });
});

test('a worker answering in a form the pool cannot read ends the scan with an error instead of a hang', async () => {
  const root = makeTree({ 'a.c': PLAIN_DRIVER });
  const script = join(root, 'garbled-worker.cjs');
  writeFileSync(
    script,
    `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (message) => parentPort.postMessage({ type: 'batch-done', id: message.id, outcomes: [] }));
`,
  );
  await assert.rejects(
    collect([root], { workers: 1, workerScript: script, cacheDir: null, toolFingerprint: 'test' }),
    /unreadable message from a scan worker/,
  );
  rmSync(root, { recursive: true, force: true });
});

test('an aborted scan stops without analysing the rest and without writing the cache', async () => {
  const files: Record<string, string> = {};
  for (let index = 0; index < 200; index++) files[`f${index}.c`] = MAPPING_DRIVER;
  const root = makeTree(files);
  const cacheDir = mkdtempSync(join(tmpdir(), 'dmalens-cache-'));
  const controller = new AbortController();
  const { analysed, analyze } = countingAnalyzer();
  const run = scanTree([root], { analyze, cacheDir, toolFingerprint: 'test', signal: controller.signal });
  const first = await run.next();
  assert.equal(first.done, false);
  controller.abort();
  let rest = 0;
  for (let next = await run.next(); !next.done; next = await run.next()) rest++;
  assert.ok(analysed.length < 200, `stopped early (${analysed.length} analysed)`);
  assert.ok(rest < 200);
  assert.deepEqual(readdirSync(cacheDir), []);
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

test('a large file is prefiltered in chunks without missing a name cut by a chunk edge', async () => {
  const chunk = 960 * 1024;
  const filler = (length: number): string => `/*${'x'.repeat(length - 5)}*/\n`;
  // The name starts six bytes before the first chunk ends, so the first chunk holds only `dma_m`.
  const straddling = `${filler(chunk - 6)}dma_map_single(dev, buf, 64, DMA_TO_DEVICE);\n${filler(200_000)}`;
  const nameless = `${filler(chunk)}${filler(chunk)}int plain;\n`;
  const root = makeTree({ 'straddling.c': straddling, 'nameless.c': nameless });
  const { analysed, analyze } = countingAnalyzer();
  const { results } = await collect([root], { analyze, cacheDir: null });
  assert.deepEqual(analysed, [join(root, 'straddling.c')]);
  assert.equal(results[0]!.sites.length, 1);
  rmSync(root, { recursive: true, force: true });
});
