#!/usr/bin/env node
// `npm run bench [-- KERNEL_TREE] [options]`: the speed and scale figures of DMA Lens on a real kernel tree,
// each as median and spread over repeated runs, with ripgrep for the same names run in the same invocation
// as the yardstick. Benchmarks print figures; nothing here passes or fails on a time.
//
//   --runs N            rounds of the scan figures (default 5); LSP sessions use min(N, 3)
//   --requests N        hovers and edits per LSP session (default 1000)
//   --lsp-file PATH     file for the editor figures, relative to the tree (default drivers/virtio/virtio_ring.c)
//   --no-lsp, --no-index, --no-coccinelle   skip those parts
//   --nice N            run every measured command (ripgrep, scans, spatch) under `nice -n N`
//   --json FILE         also write all figures as JSON
//   --dist DIR          the built server to measure (default server/dist; e.g. an unpacked release)
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { benchCacheDir, ensureKernelTree } from './bench/kernel-tree.mjs';
import { changeOneFile, ensureMirror, restoreFile } from './bench/mirror.mjs';
import { measure, percentile, stats } from './bench/measure.mjs';
import { prefilterNames } from './bench/names.mjs';
import { measureEditorLatency, measureIndexMemory } from './bench/lsp-latency.mjs';
import {
  compareSites,
  ourRecallSites,
  RECALL_DIRS,
  runCoccinelle,
  sitesOutsideCode,
  spatchVersion,
} from './bench/recall.mjs';
import { formatTable } from './bench/table.mjs';
import { recallOn } from './bench/labelled-bugs.mjs';
import { checkDriverContext } from './bench/driver-context.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (message) => process.stderr.write(`bench: ${message}\n`);

function parseArguments(argv) {
  const options = {
    tree: null,
    runs: 5,
    requests: 1000,
    lspFile: 'drivers/virtio/virtio_ring.c',
    lsp: true,
    index: true,
    coccinelle: true,
    nice: null,
    json: null,
    dist: join(root, 'server/dist'),
  };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`${argument} needs a value`);
      return next;
    };
    const count = (text) => {
      const number = Number(text);
      if (!Number.isInteger(number) || number < 1)
        throw new Error(`${argument} needs a whole number >= 1, not '${text}'`);
      return number;
    };
    if (argument === '--runs') options.runs = count(value());
    else if (argument === '--requests') options.requests = count(value());
    else if (argument === '--lsp-file') options.lspFile = value();
    else if (argument === '--no-lsp') options.lsp = false;
    else if (argument === '--no-index') options.index = false;
    else if (argument === '--no-coccinelle') options.coccinelle = false;
    else if (argument === '--nice') options.nice = Number(value());
    else if (argument === '--json') options.json = value();
    else if (argument === '--dist') options.dist = resolve(value());
    else if (argument.startsWith('-')) throw new Error(`unknown option '${argument}'`);
    else if (options.tree) throw new Error('only one kernel tree can be given');
    else options.tree = argument;
  }
  return options;
}

/** Files and bytes of the .c/.h sources under the tree, as the scan counts them (.git skipped). */
function treeSize(tree) {
  let files = 0;
  let bytes = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name !== '.git') visit(join(dir, entry.name));
      } else if (entry.isFile() && /\.[ch]$/i.test(entry.name)) {
        files++;
        bytes += statSync(join(dir, entry.name)).size;
      }
    }
  };
  visit(tree);
  return { files, bytes };
}

function toolVersion(command, args = ['--version']) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split('\n')[0].trim() : null;
}

/** Whether the built `dmalens scan` knows an option (its usage text lists it). */
function scanSupports(cli, option) {
  const result = spawnSync(process.execPath, [cli, 'scan', '--help'], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.includes(option);
}

function parseReport(run, label) {
  if (run.exitCode !== 0 && run.exitCode !== 1)
    throw new Error(`${label} failed (exit ${run.exitCode}): ${run.stderr.slice(-800)}`);
  try {
    return JSON.parse(run.stdout);
  } catch (error) {
    throw new Error(`${label}: output is not JSON (${error.message}); stderr: ${run.stderr.slice(-400)}`, {
      cause: error,
    });
  }
}

function countReport(report) {
  let sites = 0;
  let diagnostics = 0;
  let skipped = 0;
  for (const file of report.files) {
    sites += file.sites.length;
    diagnostics += file.diagnostics.length;
    if (file.skipped) skipped++;
  }
  return { sites, diagnostics, skipped, files: report.files.length };
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const cli = join(options.dist, 'cli.js');
  const server = join(options.dist, 'server.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` (npm run bench does)`);
  if (!toolVersion('rg')) throw new Error('ripgrep (rg) is not installed: apt-get install ripgrep');
  const tree = ensureKernelTree(options.tree, log);
  const cacheDir = benchCacheDir();
  const work = join(cacheDir, 'bench-work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const mirror = ensureMirror(tree, cacheDir, log);
  const names = await prefilterNames(root);
  const namesFile = join(work, 'names.txt');
  writeFileSync(namesFile, `${names.join('\n')}\n`);
  const size = treeSize(mirror);
  const loadBefore = loadavg();
  log(
    `tree ${tree}: ${size.files} files, ${(size.bytes / 1e6).toFixed(0)} MB; ${names.length} names; ${options.runs} runs`,
  );

  // Both tools must read the same bytes: the scan's size limit is lifted when the CLI can, otherwise
  // ripgrep gets the same limit.
  const liftLimit = scanSupports(cli, '--max-file-size');
  const scanArgs = [
    cli,
    'scan',
    mirror,
    '--format',
    'json',
    ...(liftLimit ? ['--max-file-size', String(1 << 30)] : []),
  ];
  const rgArgs = [
    '--no-ignore',
    '--hidden',
    '-g',
    '!.git',
    '-g',
    '*.c',
    '-g',
    '*.h',
    '-g',
    '*.C',
    '-g',
    '*.H',
    '-n',
    '-w',
    '-F',
    '-f',
    namesFile,
    ...(liftLimit ? [] : ['--max-filesize', '4M']),
    mirror,
  ];

  const changed = existsSync(join(tree, options.lspFile)) ? options.lspFile : null;
  const samples = { rg: [], first: [], unchanged: [], changed: [] };
  let firstReport = null;
  let counts = null;
  let rgLines = 0;
  for (let round = 1; round <= options.runs; round++) {
    log(`round ${round}/${options.runs}`);
    const rg = await measure('rg', rgArgs, { keepStdout: true, nice: options.nice });
    if (rg.exitCode !== 0 && rg.exitCode !== 1) throw new Error(`rg failed: ${rg.stderr}`);
    rgLines = rg.stdout.split('\n').filter(Boolean).length;
    samples.rg.push(rg);

    const env = { ...process.env, XDG_CACHE_HOME: join(work, `xdg-${round}`) };
    const first = await measure(process.execPath, scanArgs, { env, keepStdout: true, nice: options.nice });
    const report = parseReport(first, 'dmalens scan');
    counts = countReport(report);
    if (!firstReport) firstReport = report;
    samples.first.push(first);

    const unchanged = await measure(process.execPath, scanArgs, { env, keepStdout: true, nice: options.nice });
    const unchangedCounts = countReport(parseReport(unchanged, 'dmalens scan (re-scan)'));
    if (unchangedCounts.sites !== counts.sites)
      log(`warning: the re-scan found ${unchangedCounts.sites} sites, the first scan ${counts.sites}`);
    samples.unchanged.push(unchanged);

    if (changed) {
      changeOneFile(tree, mirror, changed, round);
      try {
        const rescan = await measure(process.execPath, scanArgs, { env, keepStdout: true, nice: options.nice });
        const changedCounts = countReport(parseReport(rescan, 'dmalens scan (one file changed)'));
        if (changedCounts.sites !== counts.sites + 1)
          log(
            `warning: after adding one call the re-scan found ${changedCounts.sites} sites, expected ${counts.sites + 1}`,
          );
        samples.changed.push(rescan);
      } finally {
        restoreFile(tree, mirror, changed);
      }
    }
    rmSync(env.XDG_CACHE_HOME, { recursive: true, force: true });
  }

  const figures = {
    tree,
    size,
    names: names.length,
    runs: options.runs,
    liftLimit,
    rgLines,
    counts,
    changedFile: changed,
  };
  figures.scan = Object.fromEntries(
    Object.entries(samples).map(([name, runs]) => [
      name,
      { wall: stats(runs.map((run) => run.wallMs)), rss: stats(runs.map((run) => run.rssKb)) },
    ]),
  );
  figures.outsideCode = sitesOutsideCode(firstReport);
  figures.findings = {
    byRule: firstReport.summary?.byRule ?? {},
    recall: recallOn(
      firstReport,
      join(root, 'test/precision/linux-6.1-bugs.json'),
      (path) => relative(mirror, path),
      mirror,
    ),
  };

  if (options.lsp && changed && existsSync(server)) {
    const sessions = [];
    for (let session = 1; session <= Math.min(options.runs, 3); session++) {
      log(
        `language server session ${session}: ${options.requests} hovers and ${options.requests} edits on ${options.lspFile}`,
      );
      sessions.push(
        await measureEditorLatency({
          serverScript: server,
          file: join(mirror, options.lspFile),
          names,
          requests: options.requests,
          env: { ...process.env, XDG_CACHE_HOME: join(work, 'xdg-lsp') },
        }),
      );
    }
    figures.lsp = {
      file: options.lspFile,
      requests: options.requests,
      positions: sessions[0].positions,
      firstHover: stats(sessions.map((session) => session.firstHoverMs)),
      hoverP50: stats(sessions.map((session) => percentile(session.hoverMs, 50))),
      hoverP99: stats(sessions.map((session) => percentile(session.hoverMs, 99))),
      editP50: stats(sessions.map((session) => percentile(session.editMs, 50))),
      editP99: stats(sessions.map((session) => percentile(session.editMs, 99))),
      rss: stats(sessions.map((session) => session.rssKb)),
      hoversWithContent: sessions[0].hoversWithContent,
      firstHoverHasContent: sessions.every((session) => session.firstHoverHasContent),
    };
  }
  if (options.index && existsSync(server)) {
    log('language server indexing the whole tree');
    figures.index = await measureIndexMemory({
      serverScript: server,
      tree: mirror,
      env: { ...process.env, XDG_CACHE_HOME: join(work, 'xdg-index') },
      timeoutMs: 15 * 60_000,
    });
  }
  if (options.coccinelle && RECALL_DIRS.every((dir) => existsSync(join(tree, dir)))) {
    const cocci = await runCoccinelle({
      tree,
      cocciFile: join(root, 'scripts/bench/dma-calls.cocci'),
      cacheDir,
      jobs: cpus().length,
      nice: options.nice,
      log,
    });
    if (cocci)
      figures.coccinelle = {
        version: cocci.version,
        wallMs: cocci.wallMs,
        rssKb: cocci.rssKb,
        cached: cocci.cached,
        ...compareSites(ourRecallSites(firstReport, mirror), cocci.sites, tree),
      };
    else log('Coccinelle (spatch) is not installed: recall not measured (apt-get install coccinelle)');
  }
  if (existsSync(server)) {
    log('driver context on the real tree: targets and sizes');
    figures.driverContext = await checkDriverContext({
      serverScript: server,
      tree,
      env: { ...process.env, XDG_CACHE_HOME: join(work, 'xdg-context') },
    });
  }
  figures.machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadBefore,
    loadAfter: loadavg(),
    node: process.version,
    ripgrep: toolVersion('rg'),
    spatch: spatchVersion(),
    date: new Date().toISOString(),
    nice: options.nice,
  };
  process.stdout.write(formatTable(figures));
  if (options.json) writeFileSync(options.json, `${JSON.stringify(figures, null, 2)}\n`);
  rmSync(work, { recursive: true, force: true });
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
