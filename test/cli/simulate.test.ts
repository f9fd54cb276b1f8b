// `dmalens simulate` as a process: its JSON contract, text output, --ops from a file and
// from stdin, and exit codes. Expected addresses and costs come from the spec's vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runJson } from './run-cli';

type Json = Record<string, any>;

const V01 = ['map_single', '--phys', '0x123456789', '--size', '0x200', '--dir', 'to_device'];

function assertResultShape(result: Json): void {
  assert.deepEqual(
    Object.keys(result)
      .filter((key) => key !== 'details')
      .sort(),
    ['costs', 'dma', 'error', 'op', 'path', 'rule', 'stages'],
  );
  assert.ok(
    [
      'dma-direct',
      'swiotlb',
      'dma-iommu',
      'dma-iommu-bounce',
      'ppc-tce',
      'dart',
      'xen-swiotlb',
      'xen-grant',
      'no-dma-api',
      'error',
    ].includes(result.path),
  );
  for (const stage of result.stages) {
    for (const key of ['fn', 'in', 'out', 'note', 'ref']) assert.ok(key in stage, `stage has ${key}`);
    for (const key of ['in', 'out'])
      assert.ok(stage[key] === null || /^0x[0-9a-f]+$/.test(stage[key]), `${key} is 0x hex: ${stage[key]}`);
  }
  assert.deepEqual(Object.keys(result.costs).sort(), [
    'bounceBytes',
    'cacheLines',
    'hypercalls',
    'iotlbFlushes',
    'other',
  ]);
  assert.deepEqual(Object.keys(result.costs.bounceBytes).sort(), ['map', 'sync', 'unmap']);
  assert.deepEqual(Object.keys(result.costs.cacheLines).sort(), ['clean', 'invalidate']);
  for (const call of result.costs.hypercalls) for (const key of ['name', 'count', 'when']) assert.ok(key in call);
  assert.ok(result.dma === null || /^0x[0-9a-f]+$/.test(result.dma));
  assert.equal(result.dma === null, result.error !== null || result.path === 'error' || result.dma === null);
}

test('--json prints exactly one object {platform, params, results} (V01: x86_64 dma-direct 0x123456789)', () => {
  const out = runJson(['simulate', '--platform', 'x86_64', '--json', ...V01]) as Json;
  assert.deepEqual(Object.keys(out), ['platform', 'params', 'results']);
  assert.equal(out.platform, 'x86_64');
  assert.equal(typeof out.params, 'object');
  assert.ok('dma_mask' in out.params && 'ram' in out.params);
  assert.equal(out.results.length, 1);
  assertResultShape(out.results[0]);
  assert.equal(out.results[0].op, 'map_single');
  assert.equal(out.results[0].path, 'dma-direct');
  assert.equal(out.results[0].dma, '0x123456789');
  assert.equal(out.results[0].error, null);
  assert.deepEqual(out.results[0].costs.hypercalls, []);
});

test('several platforms (repeated or comma-separated) give an array in --platform order', () => {
  const comma = runJson(['simulate', '--platform', 'x86_64,x86_64-sev-guest', '--json', ...V01]) as Json[];
  const repeated = runJson([
    'simulate',
    '--platform',
    'x86_64',
    '--platform',
    'x86_64-sev-guest',
    '--json',
    ...V01,
  ]) as Json[];
  assert.deepEqual(
    comma.map((entry) => entry.platform),
    ['x86_64', 'x86_64-sev-guest'],
  );
  assert.deepEqual(repeated, comma);
  for (const entry of comma) assertResultShape(entry.results[0]);
  // SEV guests bounce every streaming map through swiotlb (spec §1.6), copying the buffer at map time.
  assert.equal(comma[1]!.results[0].path, 'swiotlb');
  assert.equal(comma[1]!.results[0].costs.bounceBytes.map, 0x200);
});

test('--set overrides parameters and shows in params (V02: mask 32, 8 GiB -> swiotlb at S)', () => {
  const out = runJson([
    'simulate',
    '--platform',
    'x86_64',
    '--set',
    'dma_mask=32',
    '--set',
    'ram=8G',
    '--json',
    'map_single',
    '--phys',
    '0x123456789',
    '--size',
    '0x200',
    '--dir',
    'from_device',
  ]) as Json;
  assert.equal(out.params.dma_mask, '0xffffffff');
  assert.equal(out.results[0].path, 'swiotlb');
  // S = 0xBBF00000 is the spec's example pool start for this machine (§10, V02), first slot of area 0.
  assert.equal(out.results[0].dma, '0xbbf00000');
  assert.equal(out.results[0].costs.bounceBytes.map, 0x200);
});

test('--ops FILE and --ops - run a sequence in one session (V02: the unmap copies back 0x200)', () => {
  const ops = JSON.stringify([
    { op: 'map_single', phys: '0x123456789', size: '0x200', dir: 'from_device' },
    { op: 'unmap', of: 0 },
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'dmalens-cli-'));
  const file = join(dir, 'ops.json');
  writeFileSync(file, ops);
  const args = ['simulate', '--platform', 'x86_64', '--set', 'dma_mask=32', '--json', '--ops'];
  const fromFile = runJson([...args, file]) as Json;
  const fromStdin = runJson([...args, '-'], ops) as Json;
  assert.deepEqual(fromStdin, fromFile);
  assert.deepEqual(
    fromFile.results.map((result: Json) => result.op),
    ['map_single', 'unmap'],
  );
  for (const result of fromFile.results) assertResultShape(result);
  assert.equal(fromFile.results[1].costs.bounceBytes.unmap, 0x200);
});

test('a simulated kernel failure is a result with exit 0 (V07: no pool, mask 32 -> overflow WARN)', () => {
  const run = runCli([
    'simulate',
    '--platform',
    'x86_64',
    '--set',
    'dma_mask=32',
    '--set',
    'swiotlb_active=off',
    '--json',
    'map_single',
    '--phys',
    '0x123456789',
    '--size',
    '0x200',
    '--dir',
    'to_device',
  ]);
  assert.equal(run.status, 0, run.stderr);
  const result = (JSON.parse(run.stdout) as Json).results[0];
  assert.equal(result.dma, null);
  assert.equal(result.path, 'error');
  assert.match(result.error, /overflow \(mask ffffffff, bus limit 0\)/);
});

test('text output is a pipeline with grouped hex addresses, references and costs', () => {
  const run = runCli(['simulate', '--platform', 'x86_64', ...V01]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /dma_map_page_attrs\s+0x1_2345_6789 -> /);
  assert.ok(run.stdout.includes('[kernel/dma/mapping.c:dma_map_page_attrs'));
  assert.ok(run.stdout.includes('=> map_single: 0x1_2345_6789'));
  assert.ok(run.stdout.includes('costs: none'));
  const side = runCli(['simulate', '--platform', 'x86_64,x86_64-sev-guest', ...V01]);
  assert.equal(side.status, 0, side.stderr);
  assert.match(side.stdout, /^\s+platform\s+path\s+device address\s+costs/m);
  assert.match(side.stdout, /^\* x86_64-sev-guest\s+swiotlb/m);
  for (const line of side.stdout.split('\n')) assert.ok(line.length <= 100, `line within 100 columns: ${line}`);
});

test('--svg writes the pipeline picture of the last request, one column per platform', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dmalens-svg-'));
  const file = join(dir, 'pipeline.svg');
  const run = runCli(['simulate', '--platform', 'x86_64,x86_64-sev-guest', '--svg', file, ...V01]);
  assert.equal(run.status, 0, run.stderr);
  const svg = readFileSync(file, 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.includes('>dma_map_page_attrs</text>'));
  assert.ok(svg.includes('>0x1_2345_6789</text>'), 'x86_64 device address');
  assert.equal(svg.match(/class="dl-head"/g)?.length, 2);
});

test('virtio operations from the command line (V61: no ACCESS_PLATFORM -> descriptor = guest-physical)', () => {
  const out = runJson([
    'simulate',
    '--platform',
    'x86_64',
    '--json',
    'virtqueue_add',
    '--out',
    '0x123456000:1514',
  ]) as Json;
  assert.equal(out.results[0].path, 'no-dma-api');
  assert.equal(out.results[0].dma, '0x123456000');
  const probe = runJson([
    'simulate',
    '--platform',
    'x86_64-sev-guest',
    '--json',
    'virtio_negotiate',
    '--offered',
    'VERSION_1',
  ]) as Json;
  assert.equal(probe.results[0].error, 'device must provide VIRTIO_F_ACCESS_PLATFORM');
});

function assertUsage(args: string[], pattern: RegExp, input?: string): void {
  const run = runCli(args, input);
  assert.equal(run.status, 2, `exit 2 for ${args.join(' ')}; stderr: ${run.stderr}`);
  assert.match(run.stderr, pattern);
  assert.equal(run.stdout, '', 'nothing on stdout');
}

test('bad usage exits 2 with a message that says what is wrong', () => {
  assertUsage(['simulate', '--platform', 'nope', ...V01], /unknown platform 'nope'/);
  assertUsage(['simulate', ...V01], /--platform is required/);
  assertUsage(['simulate', '--platform', 'x86_64', 'map_everything', '--phys', '0x1'], /unknown op "map_everything"/);
  assertUsage(['simulate', '--platform', 'x86_64', '--set', 'colour=blue', ...V01], /unknown parameter 'colour'/);
  assertUsage(['simulate', '--platform', 'x86_64', '--set', 'dma_mask=wide', ...V01], /dma_mask/);
  assertUsage(['simulate', '--platform', 'x86_64', '--set', 'novalue', ...V01], /--set expects key=value/);
  assertUsage(
    ['simulate', '--platform', 'x86_64', 'map_single', '--phys', '0x1000', '--size', '0x10', '--dir', 'sideways'],
    /dir.*sideways/,
  );
  const broken = '[\n  {"op": }\n]';
  const column = broken.split('\n')[1]!.indexOf('}') + 1;
  assertUsage(
    ['simulate', '--platform', 'x86_64', '--ops', '-'],
    new RegExp(`malformed JSON at line 2, column ${column}: unexpected '}'`),
    broken,
  );
  const truncated = '[{"op":"map_single"';
  assertUsage(
    ['simulate', '--platform', 'x86_64', '--ops', '-'],
    new RegExp(`malformed JSON at line 1, column ${truncated.length + 1}: unexpected the end of the input`),
    truncated,
  );
  assertUsage(
    ['simulate', '--platform', 'x86_64', '--ops', '-'],
    /request \[1\]: .*size/,
    JSON.stringify([
      { op: 'map_single', phys: '0x1000', size: '0x10', dir: 'to_device' },
      { op: 'map_single', phys: '0x1000', size: 'big', dir: 'to_device' },
    ]),
  );
  assertUsage(['simulate', '--platform', 'x86_64', '--ops', '-'], /expected a JSON array/, '{"op":"map_single"}');
  assertUsage(['simulate', '--platform', 'x86_64', '--ops', '/nonexistent/ops.json'], /no such file/);
  assertUsage(
    ['simulate', '--platform', 'x86_64', '--ops', '-'],
    /request \[0\] \(unmap\).*earlier request/,
    '[{"op":"unmap","of":0}]',
  );
  assertUsage(['simulate', '--platform', 'x86_64', '--bogus', ...V01], /unknown option --bogus/);
  assertUsage(['frobnicate'], /unknown command 'frobnicate'/);
});

test('bad values and missing fields name the key and what it accepts, never a stack trace', () => {
  assertUsage(
    ['simulate', '--platform', 'x86_64', 'map_single', '--phys', '0x1000', '--size', '0x10'],
    /dir: missing; expected a direction: to_device, from_device, bidirectional/,
  );
  assertUsage(
    ['simulate', '--platform', 'x86_64', '--set', 'page_size=3000', ...V01],
    /'page_size': expected a power-of-two byte count from 4096 to 262144/,
  );
  assertUsage(
    ['simulate', '--platform', 'x86_64', '--set', 'dma_mask=65', ...V01],
    /'dma_mask': expected a bit count 1\.\.64/,
  );
  assertUsage(['simulate', '--platform', 'x86_64', 'set_mask', '--mask', '99'], /mask: expected a bit count 1\.\.64/);
  assertUsage(
    ['simulate', '--platform', 'x86_64', 'unmap', '--of', '0'],
    /there is none before it, so run it in an --ops sequence/,
  );
  assertUsage(
    ['simulate', '--platform', 'x86_64', '--ops', '-'],
    /"extra"; accepted: op, phys, size, dir, attrs, cpu/,
    '[{"op":"map_single","phys":"0x1000","size":16,"dir":"to_device","extra":1}]',
  );
  for (const args of [
    ['simulate', '--platform', 'x86_64', '--set', 'ram=0', ...V01],
    ['simulate', '--platform', 'x86_64', 'virtqueue_add'],
  ]) {
    const run = runCli(args);
    assert.equal(run.status, 2, args.join(' '));
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('--help works for every command and exits 0', () => {
  for (const args of [
    ['--help'],
    ['simulate', '--help'],
    ['platforms', '--help'],
    ['tour', '--help'],
    ['reference', '--help'],
  ]) {
    const run = runCli(args);
    assert.equal(run.status, 0, args.join(' '));
    assert.match(run.stdout, /Usage/);
  }
});
