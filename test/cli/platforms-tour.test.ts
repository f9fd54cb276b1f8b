// `dmalens platforms`, `dmalens tour` and the generated reference page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, runJson } from './run-cli';

type Json = Record<string, any>;

/** The profile ids the CLI must offer: one per platform family the spec describes. */
const REQUIRED = [
  'x86_64',
  'x86_64-vtd',
  'x86_64-sme-host',
  'x86_64-sev-guest',
  'x86_64-tdx-guest',
  'arm64',
  'arm64-smmu',
  'pseries',
  'pseries-svm',
  'powernv',
  'cell',
  'dart-u3',
  'dart-u4',
  'fsl-pci',
  'ppc32-pci-dram-offset',
  'rpi4-soc',
  'rpi4-pcie',
  'rpi1',
  'rpi2-3',
  'keystone',
  'rcar-h2-pcie',
  'stm32mp151-mlahb',
  'loongson64',
  'octeon-pcie',
  'octeon-pcie2',
  's390-pv',
  'xen-pv',
  'xen-grant',
];

test('platforms --json lists every required profile and every parameter with its kind and default', () => {
  const out = runJson(['platforms', '--json']) as Json;
  const ids = out.profiles.map((profile: Json) => profile.id);
  for (const id of REQUIRED) assert.ok(ids.includes(id), `profile ${id}`);
  for (const profile of out.profiles)
    for (const key of ['id', 'title', 'arch', 'description', 'sources', 'params'])
      assert.ok(key in profile, `${profile.id}.${key}`);
  const keys = out.parameters.map((param: Json) => param.key);
  for (const key of [
    'ram',
    'page_size',
    'dma_mask',
    'coherent_mask',
    'bus_dma_limit',
    'coherent',
    'swiotlb_force',
    'iommu_mode',
    'virtio_transport',
    'virtio_features',
  ])
    assert.ok(keys.includes(key), `parameter ${key}`);
  for (const param of out.parameters)
    for (const key of ['kind', 'default', 'doc', 'ref']) assert.ok(key in param, `${param.key}.${key}`);
});

test('platforms (text) names every profile', () => {
  const run = runCli(['platforms']);
  assert.equal(run.status, 0, run.stderr);
  for (const id of REQUIRED) assert.match(run.stdout, new RegExp(`^${id.replace(/[-.]/g, '\\$&')}\\s`, 'm'));
});

test('tour maps one buffer on at least eight platforms side by side within 100 columns', () => {
  const run = runCli(['tour']);
  assert.equal(run.status, 0, run.stderr);
  // The scan of the example drivers at the end is compiler-style output (one finding per line, any width).
  const [tour, scan] = run.stdout.split(/^The bundled example drivers, scanned: .*$/m);
  assert.ok(scan !== undefined, 'the tour ends with a scan of the example drivers');
  assert.match(scan, /examples\/\S+\.c:\d+:\d+: /);
  const table = tour!.split('\n\n').find((block) => /platform\s+path\s+device address/.test(block))!;
  const rows = table.split('\n').filter((line) => /^[ *] \S/.test(line) && !line.includes('differs'));
  const platforms = new Set(rows.map((line) => line.slice(2).split(/\s{2,}/)[0]));
  assert.ok(platforms.size >= 8, `${platforms.size} platforms: ${[...platforms].join(', ')}`);
  for (const line of tour!.split('\n')) assert.ok(line.length <= 100, `within 100 columns: ${line}`);
  // The buffer below 1 GiB lands at phys + 0xC000_0000 on the RPi4 soc window (spec §5.1, V43).
  assert.match(run.stdout, /rpi4-soc\s+dma-direct\s+0xd234_5000/);
});

test("the tour shows the example board's two windows and the example driver's call site on it", () => {
  const run = runCli(['tour']);
  assert.equal(run.status, 0, run.stderr);
  const [tour] = run.stdout.split(/^The bundled example drivers, scanned: .*$/m);
  // examples/demo-board.dts: /soc's dma-ranges <0x80000000 0x0 0x0 1G>, <0xc0000000 0x8 0x0 1G>.
  assert.match(tour!, /cpu 0x0\.\.0x3fff_ffff -> dma 0x8000_0000 \(1 GiB; dma = phys \+ 0x8000_0000\)/);
  assert.match(tour!, /cpu 0x8_0000_0000\.\.0x8_3fff_ffff -> dma 0xc000_0000/);
  // The driver's dma_map_sg buffer (the 0x1234_5000 example) is in window 1 on the engine without a pool,
  // and bounces through the restricted pool at 0x3000_0000 (window 1 as well) on the other.
  assert.match(tour!, /capture@10040000\s+dma-direct\s+0x9234_5000/);
  assert.match(tour!, /capture@10050000\s+swiotlb\s+0xb000_0000/);
  // RAM outside both windows: the default swiotlb pool is out of reach too, so the map fails.
  assert.match(tour!, /RAM outside every window: phys 0x4000_0000 -> fails: swiotlb addr/);
});

test('the committed reference page equals freshly generated output', () => {
  const run = runCli(['reference']);
  assert.equal(run.status, 0, run.stderr);
  const committed = readFileSync(join(ROOT, 'docs', 'reference', 'platforms.md'), 'utf8');
  assert.equal(
    committed,
    run.stdout,
    'regenerate with: node server/dist/cli.js reference > docs/reference/platforms.md',
  );
  for (const id of REQUIRED) assert.ok(run.stdout.includes(`\`${id}\``), `page lists ${id}`);
});
