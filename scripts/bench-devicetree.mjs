#!/usr/bin/env node
// `npm run bench:dt [-- KERNEL_TREE] [options]`: every board under arch/{arm,arm64,powerpc,mips,riscv}/boot/dts
// resolved as the kernel build resolves it, with figures: boards resolved and failed (with why), device nodes
// with DMA windows and with two or more, the time for all boards (on --workers threads), the time for one board
// as the editor sees it (cold, and again after an edit), the board rows the editor gives two Raspberry Pi 4
// drivers, and the comparison with cpp + dtc on every board, whose time is the yardstick. Nothing here passes
// or fails on a time.
//
//   --workers N     threads resolving boards (default 2)
//   --no-dtc        skip the dtc comparison
//   --limit N       only the first N boards (sorted), for a quick look
//   --json FILE     also write the figures as JSON
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { cpus, loadavg } from 'node:os';
import * as esbuild from 'esbuild';
import { ensureKernelTree } from './bench/kernel-tree.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (message) => process.stderr.write(`bench:dt: ${message}\n`);
const ARCHES = ['arm', 'arm64', 'powerpc', 'mips', 'riscv'];

function parseArguments(argv) {
  const options = { tree: null, workers: 2, dtc: true, limit: Infinity, json: null };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`${argument} needs a value`);
      return next;
    };
    if (argument === '--workers') options.workers = Math.max(1, Number(value()) | 0);
    else if (argument === '--no-dtc') options.dtc = false;
    else if (argument === '--limit') options.limit = Math.max(1, Number(value()) | 0);
    else if (argument === '--json') options.json = value();
    else if (argument.startsWith('-')) throw new Error(`unknown option '${argument}'`);
    else options.tree = argument;
  }
  return options;
}

function boardsOf(tree) {
  const boards = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.dts')) boards.push(path);
    }
  };
  for (const arch of ARCHES) {
    const dir = join(tree, 'arch', arch, 'boot/dts');
    if (existsSync(dir)) walk(dir);
  }
  return boards.sort();
}

async function bundleWorker() {
  const outfile = join(root, 'out/bench/devicetree-boards.mjs');
  mkdirSync(dirname(outfile), { recursive: true });
  await esbuild.build({
    entryPoints: [join(root, 'scripts/bench/devicetree-boards.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    alias: {
      '@dmalens/core': join(root, 'core/src/index.ts'),
      'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/tree-sitter.js'),
    },
  });
  return outfile;
}

/** Hands out boards in small batches to the workers, so a slow board does not leave a thread idle. */
async function runPool(workerFile, kind, files, workers) {
  const results = [];
  let next = 0;
  const batch = 8;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(workers, files.length) }, () => {
      const worker = new Worker(workerFile, { workerData: {} });
      return new Promise((resolve, reject) => {
        const feed = () => {
          if (next >= files.length) {
            worker.postMessage(null);
            return;
          }
          const slice = files.slice(next, next + batch);
          next += batch;
          worker.postMessage({ kind, files: slice });
        };
        worker.on('message', (answer) => {
          results.push(...answer);
          feed();
        });
        worker.on('error', reject);
        worker.on('exit', resolve);
        feed();
      });
    }),
  );
  return { results, wallMs: performance.now() - started };
}

/** One board as the editor meets it: a fresh process loads the parser and resolves it, then once more after an edit. */
function editorFigures(tree) {
  const board = join(tree, 'arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dts');
  if (!existsSync(board)) return null;
  const run = spawnSync(process.execPath, [join(root, 'out/bench/devicetree-editor.mjs'), board], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`editor figures: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

async function bundleEditorProbe() {
  const outfile = join(root, 'out/bench/devicetree-editor.mjs');
  await esbuild.build({
    stdin: {
      contents: `
        import { BoardOpener } from './server/src/devicetree';
        const file = process.argv[2];
        const opener = new BoardOpener();
        let started = performance.now();
        await opener.open({ file });
        const cold = performance.now() - started;
        const times = [];
        for (let round = 0; round < 20; round++) {
          // An edit of the board file: the opener forgets it and reads it again; headers stay tokenized.
          opener.forget(file);
          started = performance.now();
          const board = await opener.open({ file });
          for (const node of board.devices()) board.config(node);
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        process.stdout.write(JSON.stringify({ file, coldMs: cold, editMedianMs: times[10], editMaxMs: times[19] }));
      `,
      resolveDir: root,
      sourcefile: 'devicetree-editor.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    alias: {
      '@dmalens/core': join(root, 'core/src/index.ts'),
      'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/tree-sitter.js'),
    },
  });
}

/** Drivers whose board rows the benchmark checks on the real tree, with the node each must reach. */
const DRIVER_ROWS = [
  { driver: 'drivers/net/ethernet/broadcom/genet/bcmgenet.c', expect: 'bcm2711-rpi-4-b.dts:/scb/ethernet@7d580000' },
  { driver: 'drivers/mmc/host/sdhci-iproc.c', expect: 'bcm2711-rpi-4-b.dts:/emmc2bus/mmc@7e340000' },
];

/** The board rows the editor gives each driver of DRIVER_ROWS, in a fresh process, with the time to find them. */
function driverRowFigures(tree) {
  const drivers = DRIVER_ROWS.map((entry) => ({ ...entry, file: join(tree, entry.driver) })).filter((entry) =>
    existsSync(entry.file),
  );
  if (drivers.length === 0) return null;
  const run = spawnSync(
    process.execPath,
    [join(root, 'out/bench/devicetree-driver-rows.mjs'), ...drivers.map((entry) => entry.file)],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`driver rows: ${run.stderr}`);
  const found = JSON.parse(run.stdout);
  return drivers.map((entry, index) => ({
    driver: entry.driver,
    expect: entry.expect,
    // A node with the same DMA configuration as a row shares it (listed in the row's alsoOn).
    reached: found[index].rows.some((row) => [row.id, ...row.alsoOn].some((id) => id.endsWith(entry.expect))),
    rows: found[index].rows,
    ms: found[index].ms,
  }));
}

async function bundleDriverRowsProbe() {
  await esbuild.build({
    stdin: {
      contents: `
        import { readFileSync } from 'node:fs';
        import { BoardDocuments, findDriverBoards, ofCompatibles } from './server/src/board-editor';
        async function main() {
          const boards = new BoardDocuments();
          const answers = [];
          for (const file of process.argv.slice(2)) {
            const started = performance.now();
            const rows = await findDriverBoards(boards, file, ofCompatibles(readFileSync(file, 'utf8')), 3);
            answers.push({
              ms: performance.now() - started,
              rows: rows.map((row) => ({
                id: row.profile.id,
                compatible: row.compatible,
                alsoOn: row.alsoOn.map((other) => other.board + ':' + other.node),
              })),
            });
          }
          process.stdout.write(JSON.stringify(answers));
        }
        await main();
      `,
      resolveDir: root,
      sourcefile: 'devicetree-driver-rows.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The protocol package's JSON-RPC library requires Node's modules at run time.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    target: 'node20',
    outfile: join(root, 'out/bench/devicetree-driver-rows.mjs'),
    logLevel: 'warning',
    alias: {
      '@dmalens/core': join(root, 'core/src/index.ts'),
      'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/tree-sitter.js'),
    },
  });
}

function reasonOf(line) {
  // `file:line:col: error: message` -> the message with numbers and names folded, to group failures.
  const message = line.replace(/^.*?: error: /, '');
  return message.replace(/'[^']*'/g, "'…'").replace(/0x[0-9a-f]+|\d+/gi, 'N');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const tree = ensureKernelTree(options.tree, log);
  const boards = boardsOf(tree).slice(0, options.limit);
  const overlays = boards.filter((file) => readFileSync(file, 'utf8').includes('/plugin/'));
  const bases = boards.filter((file) => !overlays.includes(file));
  log(`${boards.length} .dts files under arch/{${ARCHES.join(',')}}/boot/dts of ${tree} (${overlays.length} overlays)`);
  const workerFile = await bundleWorker();
  await bundleEditorProbe();
  await bundleDriverRowsProbe();
  if (!existsSync(join(root, 'grammars/tree-sitter-devicetree.wasm'))) throw new Error('run npm run build first');

  log(`resolving ${bases.length} boards on ${options.workers} worker thread(s)`);
  const resolved = await runPool(workerFile, 'resolve', bases, options.workers);
  const failed = resolved.results.filter((result) => result.failed);
  const reasons = new Map();
  for (const result of failed) {
    const reason = reasonOf(result.errors[0] ?? 'unknown');
    const entry = reasons.get(reason) ?? {
      count: 0,
      example: `${relative(tree, result.file)}: ${result.errors[0] ?? ''}`,
    };
    entry.count++;
    reasons.set(reason, entry);
  }
  const sum = (key) => resolved.results.reduce((total, result) => total + result[key], 0);
  const figures = {
    tree,
    machine: { cpus: cpus().length, loadavg: loadavg().map((value) => Number(value.toFixed(2))) },
    boards: bases.length,
    overlays: overlays.length,
    resolved: bases.length - failed.length,
    failed: failed.length,
    failures: [...reasons.values()].sort((a, b) => b.count - a.count),
    devices: sum('devices'),
    devicesWithWindows: sum('withWindows'),
    devicesWithTwoOrMoreWindows: sum('multiWindows'),
    resolveWallMs: resolved.wallMs,
    workers: options.workers,
    boardMedianMs: median(resolved.results.map((result) => result.ms)),
    boardMaxMs: Math.max(...resolved.results.map((result) => result.ms)),
    editor: editorFigures(tree),
    driverRows: driverRowFigures(tree),
    dtc: null,
  };
  if (options.dtc) {
    log(`comparing with cpp + dtc on ${options.workers} thread(s)`);
    const compared = await runPool(workerFile, 'dtc', bases, options.workers);
    const built = compared.results.filter((result) => result.dtcError === null);
    const differing = built.filter((result) => result.differences.length > 0);
    figures.dtc = {
      wallMs: compared.wallMs,
      dtcBuilds: built.length,
      dtcRejects: compared.results.length - built.length,
      sameTree: built.length - differing.length,
      differing: differing.length,
      differences: differing
        .slice(0, 20)
        .map((result) => `${relative(tree, result.file)}: ${result.differences.join('; ')}`),
      dtcOnlyMs: compared.results.reduce((total, result) => total + result.dtcMs, 0),
    };
  }
  print(figures);
  if (options.json) writeFileSync(options.json, `${JSON.stringify(figures, null, 2)}\n`);
}

function print(figures) {
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [
    `Device trees of ${figures.tree} (${figures.machine.cpus} CPUs, load ${figures.machine.loadavg.join(' ')})`,
    '',
    `| figure | value |`,
    `|---|---:|`,
    `| boards (.dts without /plugin/) | ${figures.boards} |`,
    `| resolved | ${figures.resolved} |`,
    `| failed | ${figures.failed} |`,
    `| overlays (.dts with /plugin/, applied to their bases in the editor and with --overlay) | ${figures.overlays} |`,
    `| device nodes listed (enabled, with a compatible) | ${figures.devices} |`,
    `| device nodes with DMA windows | ${figures.devicesWithWindows} |`,
    `| device nodes with two or more windows | ${figures.devicesWithTwoOrMoreWindows} |`,
    `| all boards, ${figures.workers} thread(s) | ${s(figures.resolveWallMs)} |`,
    `| one board, median / slowest (in a warm worker) | ${figures.boardMedianMs.toFixed(1)} ms / ${figures.boardMaxMs.toFixed(0)} ms |`,
  ];
  if (figures.editor)
    lines.push(
      `| editor: RPi 4 cold (parser load + first resolve) | ${figures.editor.coldMs.toFixed(0)} ms |`,
      `| editor: RPi 4 again after an edit, median / max of 20 | ${figures.editor.editMedianMs.toFixed(1)} ms / ${figures.editor.editMaxMs.toFixed(1)} ms |`,
    );
  for (const entry of figures.driverRows ?? [])
    lines.push(
      `| board rows of ${entry.driver} (editor, fresh process) | ${entry.reached ? 'reaches' : 'MISSES'} ${entry.expect}; ${entry.rows.length} row(s) in ${(entry.ms / 1000).toFixed(1)} s |`,
    );
  if (figures.dtc) {
    const d = figures.dtc;
    lines.push(
      `| cpp + dtc on every board, ${figures.workers} thread(s) (with our comparison) | ${s(d.wallMs)} |`,
      `| boards dtc builds | ${d.dtcBuilds} (rejects ${d.dtcRejects}) |`,
      `| of those, the same tree as ours, byte for byte | ${d.sameTree} |`,
      `| of those, different | ${d.differing} |`,
      `| ratio: our resolve time / cpp + dtc process time (summed per board) | ${((figures.resolveWallMs * figures.workers) / d.dtcOnlyMs).toFixed(2)}× |`,
    );
  }
  lines.push('');
  if (figures.failures.length) {
    lines.push('Failures by reason:');
    for (const failure of figures.failures) lines.push(`  ${failure.count} × ${failure.example}`);
  }
  if (figures.dtc?.differences.length) {
    lines.push('Differences from dtc:');
    for (const difference of figures.dtc.differences) lines.push(`  ${difference}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench:dt: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
