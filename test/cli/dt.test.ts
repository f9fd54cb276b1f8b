// `dmalens dt` and `dmalens simulate --dts` as processes: the JSON contract, the text report, problems with
// file:line on stderr, exit statuses, and a board node simulated as a platform. Expected addresses follow from
// the fixture's dma-ranges by hand (see test/fixtures/devicetree/kernel/arch/arm64/boot/dts/acme/acme-a1.dtsi).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ROOT, runCli, runJson } from './run-cli';

type Json = Record<string, any>;
const ACME = join(ROOT, 'test/fixtures/devicetree/kernel/arch/arm64/boot/dts/acme');
const DEVKIT = join(ACME, 'acme-a1-devkit.dts');

test('dt --json lists every enabled device node with exactly the contract fields', () => {
  const report = runJson(['dt', DEVKIT, '--json']) as Json;
  assert.equal(report.dts, DEVKIT);
  const paths = report.nodes.map((node: Json) => node.path);
  assert.ok(paths.includes('/scb/ethernet@7d580000'));
  assert.ok(!paths.includes('/'));
  assert.ok(!paths.some((path: string) => /^\/(chosen|aliases|cpus|memory|reserved-memory)/.test(path)));
  for (const node of report.nodes) {
    assert.deepEqual(Object.keys(node), [
      'path',
      'compatible',
      'dma_ranges',
      'bus_dma_limit',
      'coherent',
      'iommu',
      'restricted_pool',
      'error',
    ]);
    for (const window of node.dma_ranges ?? [])
      for (const key of ['cpu', 'dma', 'size']) assert.match(window[key], /^0x[0-9a-f]+$/);
  }
  const dma = report.nodes.find((node: Json) => node.path === '/soc/dma-controller@7e007000');
  assert.deepEqual(dma.dma_ranges, [{ cpu: '0x0', dma: '0xc0000000', size: '0x40000000' }]);
  assert.equal(dma.bus_dma_limit, '0xffffffff');
});

test('dt --node prints one node; the text report names windows, limit, coherence and IOMMU', () => {
  const run = runCli(['dt', DEVKIT, '--node', '/scb/pcie@7d500000/pci@0,0/ethernet@0,0']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /a PCI device: configured from its host bridge \/scb\/pcie@7d500000/);
  assert.match(
    run.stdout,
    /cpu 0x1_0000_0000\.\.0x1_3fff_ffff -> dma 0x10_0000_0000 \(1 GiB; dma = phys \+ 0xf_0000_0000\)/,
  );
  assert.match(run.stdout, /bus_dma_limit 0x10_3fff_ffff/);
  assert.match(run.stdout, /coherent \(dma-coherent on \/scb\/pcie@7d500000\)/);
  assert.match(run.stdout, /behind the IOMMU \/scb\/iommu@7d900000 \(iommu-map\)/);
});

test('dt --overlay applies overlays in order', () => {
  const report = runJson(['dt', DEVKIT, '--overlay', join(ACME, 'acme-a1-camera.dtso'), '--json']) as Json;
  assert.ok(report.nodes.some((node: Json) => node.path === '/scb/isp@7dd00000'));
});

test('dt reports what dtc would reject on stderr with file:line and exits 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dmalens-dt-cli-'));
  const file = join(dir, 'broken.dts');
  writeFileSync(file, '/dts-v1/;\n/ {\n\tdev { compatible = "x"; clocks = <&nowhere>; };\n};\n');
  const run = runCli(['dt', file, '--json']);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /broken\.dts:3:\d+: error: reference to non-existent node or label '&nowhere'/);
  // What could be resolved is still printed.
  assert.equal(JSON.parse(run.stdout).nodes[0].path, '/dev');
});

test('dt usage errors exit 2 with a clear message', () => {
  assert.equal(runCli(['dt']).status, 2);
  const missing = runCli(['dt', join(ACME, 'nope.dts')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.dts: no such file/);
  const node = runCli(['dt', DEVKIT, '--node', '/scb/ethernet']);
  assert.equal(node.status, 2);
  assert.match(node.stderr, /no node \/scb\/ethernet .*did you mean \/scb\/ethernet@7d580000/);
  assert.match(runCli(['dt', DEVKIT, '--arch', 'vax']).stderr, /expected arm, arm64, powerpc, mips or riscv/);
});

test("simulate --dts --node maps through the node's own windows, beside a built-in profile", () => {
  // The DMA controller on /soc: CPU 0x1000 is inside the 1 GiB window, dma = phys + 0xc000_0000.
  const [board, rpi] = runJson([
    'simulate',
    '--dts',
    DEVKIT,
    '--node',
    '/soc/dma-controller@7e007000',
    '--platform',
    'rpi4-soc',
    '--json',
    'map_single',
    '--phys',
    '0x1000',
    '--size',
    '0x100',
    '--dir',
    'to_device',
  ]) as Json[];
  assert.equal(board!.platform, 'acme-a1-devkit:/soc/dma-controller@7e007000');
  assert.equal(board!.results[0].dma, '0xc0001000');
  assert.equal(board!.results[0].path, 'dma-direct');
  assert.equal(rpi!.platform, 'rpi4-soc');
  // The PCI NIC behind the SMMU goes through dma-iommu.
  const nic = runJson([
    'simulate',
    '--dts',
    DEVKIT,
    '--node',
    '/scb/pcie@7d500000/pci@0,0/ethernet@0,0',
    '--json',
    'map_single',
    '--phys',
    '0x1000',
    '--size',
    '0x100',
    '--dir',
    'to_device',
  ]) as Json;
  assert.equal(nic.results[0].path, 'dma-iommu');
});

test('simulate --dts: a buffer in the restricted pool device bounces through its own pool', () => {
  const run = runJson([
    'simulate',
    '--dts',
    DEVKIT,
    '--node',
    '/scb/wifi@7d600000',
    '--json',
    'map_single',
    '--phys',
    '0x1000',
    '--size',
    '0x800',
    '--dir',
    'to_device',
  ]) as Json;
  // rmem_swiotlb_device_init: SWIOTLB_FORCE, the pool at 0x7000_0000 (identity on /scb), first slot.
  assert.equal(run.results[0].path, 'swiotlb');
  assert.equal(run.results[0].dma, '0x70000000');
  // The sensor's pool at 0xc000_0000 lies outside /scb's windows: the bounce slot itself is not addressable,
  // so swiotlb_map fails with its overflow WARN.
  const far = runJson([
    'simulate',
    '--dts',
    DEVKIT,
    '--node',
    '/scb/sensor@7d630000',
    '--json',
    'map_single',
    '--phys',
    '0x1000',
    '--size',
    '0x800',
    '--dir',
    'to_device',
  ]) as Json;
  assert.equal(far.results[0].dma, null);
  assert.match(far.results[0].error, /swiotlb addr .* overflow/);
});

test('simulate --dts needs --node, and a node that exists', () => {
  assert.match(runCli(['simulate', '--dts', DEVKIT, 'map_single']).stderr, /--dts needs --node PATH/);
  assert.match(runCli(['simulate', '--node', '/x', 'map_single']).stderr, /--node needs --dts FILE/);
  assert.match(
    runCli([
      'simulate',
      '--dts',
      DEVKIT,
      '--node',
      '/nope',
      'map_single',
      '--phys',
      '0',
      '--size',
      '1',
      '--dir',
      'none',
    ]).stderr,
    /no node \/nope/,
  );
});
