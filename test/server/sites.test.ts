// The sites layer: each operation kind of the DMA API is simulated as itself (the catalogue's operation),
// an unmap or sync after the map it refers to, the driver's constant mask first, map_resource at an MMIO
// address, and the core runs every one of them on a real profile.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_PHYS, EXAMPLE_SIZE } from '@dmalens/protocol';
import { analyzeFileText } from '../../server/src/analysis/file-analysis';
import type { CallSite } from '../../server/src/analysis/callsite';
import { initParser } from '../../server/src/parse/parser';
import {
  createPlatformModel,
  driverContext,
  requestsOn,
  siteRows,
  simulationFor,
  type DriverContext,
} from '../../server/src/sites';
import { repoRoot } from './lsp-client';

const FIXTURE = readFileSync(join(repoRoot, 'test/fixtures/sites/operation-kinds.c'), 'utf8');
const phys = BigInt(EXAMPLE_PHYS);
const exampleSize = BigInt(EXAMPLE_SIZE);

let sites: CallSite[] = [];
let context: DriverContext;

before(async () => {
  await initParser();
  sites = analyzeFileText(FIXTURE, 'operation-kinds.c').sites;
  context = driverContext(createPlatformModel(['x86_64', 'pseries'], {}).model, { sites, text: FIXTURE });
});

function site(api: string): CallSite {
  const found = sites.find((candidate) => candidate.api === api);
  assert.ok(found, `the fixture has a ${api} call`);
  return found;
}

/**
 * What each call is, written from the kernel's API: the size and direction arguments of the fixture's
 * calls, the example address for the buffer, the example size where the API takes no size (a
 * scatterlist's entries, a pool's blocks, a virtqueue buffer), and for unmaps and syncs the map of the
 * family the catalogue names (dma_unmap_sg releases what dma_map_sg made).
 */
const EXPECTED: Record<string, { requests: unknown[]; examples: string[] }> = {
  dma_map_single: { requests: [{ op: 'map_single', phys, size: 1514n, dir: 'to_device' }], examples: ['phys'] },
  dma_map_page: { requests: [{ op: 'map_page', phys, size: 2048n, dir: 'from_device' }], examples: ['phys'] },
  dma_map_sg: {
    requests: [{ op: 'map_sg', entries: [{ phys, size: exampleSize }], dir: 'from_device' }],
    examples: ['phys', 'size'],
  },
  dma_map_resource: {
    requests: [{ op: 'map_resource', phys, size: 256n, dir: 'bidirectional' }],
    examples: ['phys'],
  },
  dma_sync_single_for_cpu: {
    requests: [
      { op: 'map_single', phys, size: 2048n, dir: 'from_device' },
      { op: 'sync_for_cpu', of: 0 },
    ],
    examples: ['phys'],
  },
  dma_sync_sg_for_device: {
    requests: [
      { op: 'map_sg', entries: [{ phys, size: exampleSize }], dir: 'from_device' },
      { op: 'sync_for_device', of: 0 },
    ],
    examples: ['phys', 'size'],
  },
  dma_unmap_single: {
    requests: [
      { op: 'map_single', phys, size: 1514n, dir: 'to_device' },
      { op: 'unmap', of: 0 },
    ],
    examples: ['phys'],
  },
  dma_unmap_sg: {
    requests: [
      { op: 'map_sg', entries: [{ phys, size: exampleSize }], dir: 'from_device' },
      { op: 'unmap', of: 0 },
    ],
    examples: ['phys', 'size'],
  },
  dma_unmap_resource: {
    requests: [
      { op: 'map_resource', phys, size: 256n, dir: 'bidirectional' },
      { op: 'unmap', of: 0 },
    ],
    examples: ['phys'],
  },
  dma_alloc_coherent: { requests: [{ op: 'alloc_coherent', size: 8192n }], examples: [] },
  dma_pool_alloc: {
    requests: [
      { op: 'dma_pool_create', size: exampleSize },
      { op: 'dma_pool_alloc', of: 0 },
    ],
    examples: ['size'],
  },
  virtqueue_add_inbuf: {
    requests: [{ op: 'virtqueue_add', out: [], in: [{ phys, size: exampleSize }] }],
    examples: ['phys', 'size'],
  },
};

test('every operation kind is simulated as the call itself, the call last', () => {
  for (const [api, expected] of Object.entries(EXPECTED)) {
    const simulation = simulationFor(site(api), context);
    assert.ok(simulation, `${api} is simulated`);
    assert.deepEqual(simulation.requests, expected.requests, api);
    assert.equal(simulation.focus, simulation.requests.length - 1, `${api}: the call is the last request`);
    assert.deepEqual(simulation.exampleFields, expected.examples, `${api}: example fields`);
  }
});

test('calls without an address to simulate have no simulation', () => {
  for (const api of ['dma_mapping_error']) assert.equal(simulationFor(site(api), context), null, api);
});

test('the core runs each call on every selected platform and reports it as that operation', () => {
  for (const api of Object.keys(EXPECTED)) {
    const rows = siteRows(site(api), context)!;
    const call = rows.simulation.requests[rows.simulation.focus]!;
    for (const row of rows.rows) {
      assert.equal(row.error, undefined, `${api} on ${row.platform}: ${row.error}`);
      assert.ok(row.result, `${api} on ${row.platform} has a result`);
      assert.equal(row.result.op, call.op, `${api} on ${row.platform} is traced as ${call.op}`);
    }
  }
});

test("a driver's constant DMA mask is set before the call, and `of` indexes follow", () => {
  const text = FIXTURE.replace(
    'static int opk_alloc',
    'static int opk_probe(struct opk_priv *priv)\n{\n\treturn dma_set_mask_and_coherent(priv->dev, DMA_BIT_MASK(32));\n}\n\nstatic int opk_alloc',
  );
  const masked = analyzeFileText(text, 'masked.c').sites;
  const maskedContext = driverContext(context.model, { sites: masked, text });
  assert.deepEqual(maskedContext.mask?.bits, 32);
  const unmap = masked.find((candidate) => candidate.api === 'dma_unmap_sg')!;
  const simulation = simulationFor(unmap, maskedContext)!;
  // include/linux/dma-mapping.h: DMA_BIT_MASK(32) is the low 32 bits set.
  assert.deepEqual(simulation.requests, [
    { op: 'set_mask', mask: 0xffff_ffffn, which: 'both' },
    { op: 'map_sg', entries: [{ phys, size: exampleSize }], dir: 'from_device' },
    { op: 'unmap', of: 1 },
  ]);
  assert.equal(simulation.focus, 2);
});

test('dma_map_resource runs at an MMIO address of each platform, not at the RAM example', () => {
  const simulation = simulationFor(site('dma_map_resource'), context)!;
  for (const profile of context.model.selected) {
    const [request] = requestsOn(simulation, context.model, profile.id);
    assert.ok(request && request.op === 'map_resource');
    assert.equal(request.phys, context.model.mmioExample(profile.id));
    assert.notEqual(request.phys, phys);
  }
});
