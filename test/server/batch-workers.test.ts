// The batch scan through the real worker bundle (server/dist/scan-worker.js, built by scripts/build.mjs):
// the same sites and diagnostics as the analysis on the calling thread, over the fixtures and examples
// written for the extractor and the checks, and a cache that survives a second run across processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanTree, type FileResult, type ScanSummary, type ScanTreeOptions } from '../../server/src/batch/scan-tree';
import { createAnalyzer } from '../../server/src/batch/analyzer';
import { repoRoot } from '../repo-root';

// This file runs as out/test/server/batch-workers.test.mjs.
const repo = repoRoot();
const workerScript = join(repo, 'server/dist/scan-worker.js');

/** A private copy of the C fixtures and examples, so the test may age and edit files. */
function copyInputs(): string {
  const root = mkdtempSync(join(tmpdir(), 'dmalens-workers-'));
  cpSync(join(repo, 'test/fixtures'), join(root, 'fixtures'), {
    recursive: true,
    filter: (path) => !path.endsWith('.ts'),
  });
  cpSync(join(repo, 'examples'), join(root, 'examples'), { recursive: true });
  const past = new Date(Date.now() - 3600_000);
  const age = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) age(path);
      else utimesSync(path, past, past);
    }
  };
  age(root);
  return root;
}

async function collect(
  paths: string[],
  options: ScanTreeOptions,
): Promise<{ results: FileResult[]; summary: ScanSummary }> {
  const results: FileResult[] = [];
  const run = scanTree(paths, options);
  for (;;) {
    const next = await run.next();
    if (next.done) return { results: results.sort((a, b) => (a.path < b.path ? -1 : 1)), summary: next.value };
    results.push(next.value);
  }
}

/** What must agree between two runs: per file, the sites (api and position) and the findings (rule and position). */
function comparable(results: FileResult[]) {
  return results.map((result) => ({
    path: result.path,
    sites: result.sites.map((site) => `${site.api}@${site.nameRange.start.line}:${site.nameRange.start.character}`),
    diagnostics: result.diagnostics.map(
      (finding) => `${finding.ruleId}@${finding.range.start.line}:${finding.range.start.character}`,
    ),
  }));
}

/** Every .c/.h file under `dir`, analysed whole and without any prefilter: what a scan must reproduce. */
function analyseEveryFile(
  dir: string,
  analyze: (text: string, path: string) => { sites: FileResult['sites']; diagnostics: FileResult['diagnostics'] },
): FileResult[] {
  const results: FileResult[] = [];
  const visit = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.[ch]$/.test(entry.name)) {
        const facts = analyze(readFileSync(path, 'utf8'), path);
        if (facts.sites.length || facts.diagnostics.length) results.push({ path, ...facts, cached: false });
      }
    }
  };
  visit(dir);
  return results.sort((a, b) => (a.path < b.path ? -1 : 1));
}

test('two worker threads find exactly what a whole-file analysis of every file finds', async () => {
  const root = copyInputs();
  const analyze = await createAnalyzer({});
  const expected = analyseEveryFile(root, analyze);
  const onWorkers = await collect([root], { workers: 2, workerScript, cacheDir: null });
  const onThisThread = await collect([root], { analyze, cacheDir: null });
  const sites = expected.reduce((sum, result) => sum + result.sites.length, 0);
  const findings = expected.reduce((sum, result) => sum + result.diagnostics.length, 0);
  assert.ok(sites > 20, `the fixtures hold many sites (found ${sites})`);
  assert.ok(findings > 5, `the rule fixtures produce findings (found ${findings})`);
  assert.deepEqual(comparable(onWorkers.results), comparable(expected));
  assert.deepEqual(comparable(onThisThread.results), comparable(expected));
  rmSync(root, { recursive: true, force: true });
});

test('this thread and a worker together, as the CLI scans, find exactly what a whole-file analysis finds', async () => {
  // Enough files that the worker's queue fills and this thread takes its share.
  const root = mkdtempSync(join(tmpdir(), 'dmalens-mixed-'));
  const inputs = copyInputs();
  for (let copy = 0; copy < 30; copy++) cpSync(inputs, join(root, `copy${copy}`), { recursive: true });
  rmSync(inputs, { recursive: true, force: true });
  // A candidate over 1 MiB is left to the worker, whose death the pool survives, even when this thread read it.
  const driver = readFileSync(join(repo, 'examples', 'buggy_demo_dev.c'), 'utf8');
  const large = Array.from({ length: 8 }, (_, index) => join(root, `copy${8 + 3 * index}`, 'large_driver.c'));
  for (const path of large) writeFileSync(path, `${'/* padding */\n'.repeat(80_000)}${driver}`);
  const analyze = await createAnalyzer({});
  let analysedHere = 0;
  const judgedHere = new Set<string>();
  const counting = Object.assign(
    (text: string, path: string) => {
      assert.ok(!large.includes(path), 'a large file is not analysed whole on this thread');
      analysedHere++;
      return analyze(text, path);
    },
    {
      // What the worker extracted is judged here, where the one project model lives.
      judge: (...args: Parameters<typeof analyze.judge>) => {
        judgedHere.add(args[2]);
        return analyze.judge(...args);
      },
    },
  );
  const mixed = await collect([root], { analyze: counting, workers: 1, workerScript, cacheDir: null });
  assert.ok(analysedHere > 0, 'this thread analysed some files');
  const expected = analyseEveryFile(root, analyze);
  assert.ok(
    judgedHere.size > 0 && analysedHere < expected.length,
    `the worker extracted some files too (this thread: ${analysedHere} of ${expected.length})`,
  );
  assert.deepEqual(comparable(mixed.results), comparable(expected));
  for (const path of large) {
    assert.ok(
      mixed.results.some((result) => result.path === path && result.sites.length > 0),
      `the worker extracted ${path}`,
    );
    assert.ok(judgedHere.has(path), `this thread judged ${path}`);
  }
  rmSync(root, { recursive: true, force: true });
});

test('beside workers, an analyser that cannot judge what they extract ends the scan with an error', async () => {
  const root = copyInputs();
  const analyze = await createAnalyzer({});
  const wholeOnly = (text: string, path: string) => analyze(text, path);
  await assert.rejects(
    collect([root], { analyze: wholeOnly, workers: 1, workerScript, cacheDir: null }),
    /without a judge/,
  );
  rmSync(root, { recursive: true, force: true });
});

test('a warm cache gives the same results without analysing, and an edited file is analysed again', async () => {
  const root = copyInputs();
  const cacheDir = mkdtempSync(join(tmpdir(), 'dmalens-workers-cache-'));
  const options = { workers: 2, workerScript, cacheDir };
  const cold = await collect([root], options);
  const warm = await collect([root], options);
  assert.deepEqual(comparable(warm.results), comparable(cold.results));
  assert.equal(warm.summary.cacheHits, warm.summary.filesSeen);
  assert.ok(warm.results.every((result) => result.cached));

  // Turn the first mapping of the example NIC into one without a handle check by renaming the check.
  const edited = join(root, 'examples/pci_demo_nic.c');
  const text = readFileSync(edited, 'utf8');
  assert.match(text, /dma_mapping_error/);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    edited,
    `${text}\nstatic void demo_added(struct device *dev, void *buf)\n{\n\tdma_addr_t h = dma_map_single(dev, buf, 64, DMA_TO_DEVICE);\n\t(void)h;\n}\n`,
  );
  const after = await collect([root], options);
  const before = cold.results.find((result) => result.path === edited)!;
  const now = after.results.find((result) => result.path === edited)!;
  assert.equal(now.cached, false);
  assert.equal(now.sites.length, before.sites.length + 1);
  assert.equal(after.summary.cacheHits, after.summary.filesSeen - 1);
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});
