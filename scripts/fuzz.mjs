// The long fuzz run: `node scripts/fuzz.mjs [--mutants N] [--seconds S] [--seed K] [--tree DIR]` sends
// mutants of the repository's kernel-style fixtures (and of a few Linux files when --tree names a kernel
// tree) to the built server and prints the figures docs/robustness.md records. Exit status 1 when anything
// crashed, hung or answered with an internal error.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, totalmem } from 'node:os';
import { percentile, runFuzz } from './fuzz/harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KERNEL_FILES = [
  'drivers/virtio/virtio_ring.c',
  'drivers/net/virtio_net.c',
  'drivers/nvme/host/pci.c',
  'drivers/net/ethernet/intel/e1000e/netdev.c',
  'drivers/usb/core/hcd.c',
];

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : process.argv[at + 1];
}

/** The repository's own kernel-style C: fixtures and examples. */
export function fixtureSeeds() {
  const dirs = ['examples', 'test/fixtures', 'test/fixtures/rules', 'test/fixtures/sites'];
  return dirs.flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((name) => name.endsWith('.c'))
      .map((name) => ({ name, text: readFileSync(join(root, dir, name), 'utf8') })),
  );
}

async function main() {
  const mutants = Number(option('--mutants', '2000'));
  const seconds = Number(option('--seconds', '1800'));
  const seed = Number(option('--seed', '1'));
  const tree = option('--tree', null);
  const seeds = fixtureSeeds();
  if (tree)
    for (const path of KERNEL_FILES)
      if (existsSync(join(tree, path)))
        seeds.push({ name: path.replace(/\//g, '_'), text: readFileSync(join(tree, path), 'utf8') });
  const started = Date.now();
  const figures = await runFuzz({ serverScript: join(root, 'server/dist/server.js'), seeds, mutants, seconds, seed });
  const lines = [
    `fuzz: ${figures.inputs} inputs from ${seeds.length} seed files (seed ${seed}), ${figures.requests} requests in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    `crashes ${figures.crashes.length}, hangs ${figures.hangs.length}, internal errors ${figures.internalErrors.length}`,
    `latency p50 ${percentile(figures.latenciesMs, 50).toFixed(1)} ms, p99 ${percentile(figures.latenciesMs, 99).toFixed(1)} ms, max ${Math.max(...figures.latenciesMs).toFixed(0)} ms; peak RSS ${(figures.peakRssKb / 1024).toFixed(0)} MB`,
    `machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB; node ${process.version}`,
    ...figures.crashes.map((line) => `crash: ${line}`),
    ...figures.hangs.map((line) => `hang: ${line}`),
    ...figures.internalErrors.map((line) => `internal error: ${line}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = figures.crashes.length + figures.hangs.length + figures.internalErrors.length > 0 ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
