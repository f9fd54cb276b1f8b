// A pipeline panel opened from a call site simulates exactly that call: for each operation kind, the
// requests the real server builds for the call (dmalens/callSiteAt over stdio) become the panel's state,
// pass the extension's message check unchanged, and the server simulates them as that operation on every
// platform. The controls then change only the fields they express.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  MAX_SIMULATED_PLATFORMS,
  type CallSiteAtResult,
  type SimulateResult,
  type WireRequest,
} from '@dmalens/protocol';
import { validateWebviewMessage } from '../../client/src/pipeline/messages';
import {
  describeCall,
  fieldsOf,
  MAX_PANEL_PLATFORMS,
  panelPlatforms,
  stateForBuffer,
  stateForCall,
  withFields,
  withOperation,
  type PipelineState,
} from '../../client/src/pipeline/state';
import { LspClient, positionOf, repoRoot } from '../server/lsp-client';

const FIXTURE = join(repoRoot, 'test/fixtures/sites/operation-kinds.c');
const text = readFileSync(FIXTURE, 'utf8');
const uri = pathToFileURL(FIXTURE).toString();
const PLATFORMS = ['x86_64', 'pseries', 'x86_64-sev-guest'];

/**
 * Each call of the fixture and the operation the kernel runs for it, with the operation that made the
 * buffer for unmaps, syncs and pool allocations (dma_unmap_sg releases a scatterlist mapping; a pool
 * block comes from dma_pool_create's pool).
 */
const KINDS: [api: string, call: string, subject: string][] = [
  ['dma_map_single', 'map_single', 'map_single'],
  ['dma_map_page', 'map_page', 'map_page'],
  ['dma_map_sg', 'map_sg', 'map_sg'],
  ['dma_map_resource', 'map_resource', 'map_resource'],
  ['dma_unmap_single', 'unmap', 'map_single'],
  ['dma_unmap_sg', 'unmap', 'map_sg'],
  ['dma_unmap_resource', 'unmap', 'map_resource'],
  ['dma_sync_single_for_cpu', 'sync_for_cpu', 'map_single'],
  ['dma_sync_sg_for_device', 'sync_for_device', 'map_sg'],
  ['dma_alloc_coherent', 'alloc_coherent', 'alloc_coherent'],
  ['dma_pool_alloc', 'dma_pool_alloc', 'dma_pool_create'],
  ['virtqueue_add_inbuf', 'virtqueue_add', 'virtqueue_add'],
];

let client: LspClient;
const panels = new Map<string, { found: CallSiteAtResult; state: PipelineState }>();

before(async () => {
  client = await LspClient.start({ settings: { platforms: PLATFORMS } });
  await client.waitFor(
    () => client.statusNotifications.some((status: any) => status.selected.join() === PLATFORMS.join()),
    10_000,
    'the platform setting',
  );
  await client.open(uri, text);
  for (const [api] of KINDS) {
    const found = await client.request<CallSiteAtResult>('dmalens/callSiteAt', {
      uri,
      position: positionOf(text, `${api}(`, 2),
    });
    assert.ok(found.site && found.requests, `the server simulates ${api}`);
    const source = { uri, line: found.site.range.start.line, api, function: found.site.enclosingFunction };
    panels.set(api, { found, state: stateForCall(found.requests, found.exampleFields, found.platforms, source) });
  }
});
after(() => client.stop());

function panel(api: string): PipelineState {
  return panels.get(api)!.state;
}

test('each operation kind reaches the server as the call itself, on every platform of the panel', async () => {
  for (const [api, call, subject] of KINDS) {
    const { found, state } = panels.get(api)!;
    assert.equal(found.site!.api, api);
    assert.equal(describeCall(state.requests), call === subject ? call : `${call} of a ${subject}`, api);
    const checked = validateWebviewMessage({ type: 'simulate', state });
    assert.ok(checked.ok, `${api}: ${JSON.stringify(checked)}`);
    assert.deepEqual(checked.value.type === 'simulate' && checked.value.state.requests, found.requests, api);
    const simulated = await client.request<SimulateResult>('dmalens/simulate', {
      platforms: state.platforms,
      requests: state.requests,
      render: { svg: false, markdown: false },
    });
    assert.deepEqual(
      simulated.simulations.map((simulation) => simulation.platform),
      PLATFORMS,
    );
    for (const simulation of simulated.simulations) {
      assert.equal(simulation.error, undefined, `${api} on ${simulation.platform}`);
      assert.equal(simulation.results.at(-1)!.op, call, `${api} on ${simulation.platform} runs ${call}`);
    }
  }
});

test('the call keeps its real size and direction: 1514 bytes DMA_TO_DEVICE for the dma_map_single', () => {
  // The fixture maps OPK_FRAME_LEN (1514) bytes toward the device.
  assert.deepEqual(
    {
      size: BigInt(fieldsOf(panel('dma_map_single').requests).size!),
      dir: fieldsOf(panel('dma_map_single').requests).dir,
    },
    { size: 1514n, dir: 'to_device' },
  );
  // dma_sync_single_for_cpu syncs 2048 bytes the device wrote.
  const sync = fieldsOf(panel('dma_sync_single_for_cpu').requests);
  assert.deepEqual({ size: BigInt(sync.size!), dir: sync.dir }, { size: 2048n, dir: 'from_device' });
  // A scatterlist has no byte size in the call: the example size is labelled as one.
  assert.deepEqual(panel('dma_unmap_sg').exampleFields, ['phys', 'size']);
});

test('changing the size of a dma_unmap_sg panel changes the mapping it unmaps, and the unmap stays', () => {
  const state = panel('dma_unmap_sg');
  const changed = withFields(state, { size: '0x5ea' });
  assert.deepEqual(changed.requests, [
    { ...state.requests[0], entries: [{ ...(state.requests[0] as { entries: object[] }).entries[0], size: '0x5ea' }] },
    state.requests[1],
  ]);
  assert.deepEqual(changed.exampleFields, ['phys'], 'the size is the user’s now, not an example');
  assert.deepEqual(withFields(state, fieldsOf(state.requests)), state, 'unchanged fields change nothing');
});

test('a mask set first keeps every `of` pointing at the same request; clearing it removes it again', () => {
  const state = panel('dma_sync_sg_for_device');
  const masked = withFields(state, { mask: '32' });
  assert.deepEqual(masked.requests, [
    { op: 'set_mask', mask: '32', which: 'both' },
    state.requests[0],
    { op: 'sync_for_device', of: 1 },
  ]);
  assert.deepEqual(withFields(masked, { mask: null }).requests, state.requests);
});

test('a virtqueue add: features offered first, and the direction moves the buffer between out and in', () => {
  const state = panel('virtqueue_add_inbuf');
  const add = state.requests.at(-1) as Extract<WireRequest, { op: 'virtqueue_add' }>;
  assert.equal(add.out.length, 0, 'virtqueue_add_inbuf gives the device a buffer to fill');
  const offered = withFields(state, { offered: ['VERSION_1', 'ACCESS_PLATFORM'], dir: 'to_device' });
  assert.deepEqual(offered.requests, [
    { op: 'virtio_negotiate', offered: ['VERSION_1', 'ACCESS_PLATFORM'] },
    { op: 'virtqueue_add', out: add.in, in: [] },
  ]);
  assert.deepEqual(withFields(offered, { offered: null }).requests, [{ op: 'virtqueue_add', out: add.in, in: [] }]);
});

test('an allocation takes an address only when one is typed', () => {
  const state = panel('dma_alloc_coherent');
  assert.equal(fieldsOf(state.requests).phys, '', 'the allocator chooses');
  assert.equal(fieldsOf(state.requests).dir, null, 'an allocation has no direction');
  const placed = withFields(state, { phys: '0x40000000' });
  assert.deepEqual(placed.requests.at(-1), { ...state.requests.at(-1), phys: '0x40000000' });
  assert.deepEqual(withFields(placed, { phys: '' }).requests, state.requests);
});

test('a panel without a source call switches operations on the same buffer and mask', () => {
  const state = withFields(stateForBuffer(['x86_64'], '0x123456789', '0x200', 'from_device'), { mask: '32' });
  assert.deepEqual(withOperation(state, 'map_sg').requests, [
    { op: 'set_mask', mask: '32', which: 'both' },
    { op: 'map_sg', entries: [{ phys: '0x123456789', size: '0x200' }], dir: 'from_device' },
  ]);
  assert.deepEqual(withOperation(state, 'virtqueue_add').requests.at(-1), {
    op: 'virtqueue_add',
    out: [],
    in: [{ phys: '0x123456789', size: '0x200' }],
  });
});

test('the panel shows as many platforms as the server simulates at once, and names those beyond', () => {
  // The page's bundle does not import the protocol; the two limits must still agree.
  assert.equal(MAX_PANEL_PLATFORMS, MAX_SIMULATED_PLATFORMS);
  const many = Array.from({ length: MAX_PANEL_PLATFORMS + 2 }, (_, index) => `p${index}`);
  assert.equal(stateForBuffer(many, '0x1000', '4096', 'to_device').platforms.length, MAX_PANEL_PLATFORMS);
  assert.deepEqual(panelPlatforms(many).leftOut, ['p12', 'p13']);
  assert.deepEqual(panelPlatforms(many.slice(0, 6)), { shown: many.slice(0, 6), leftOut: [] });
});

test('a value written another way is no change: the size stays the call’s own, not an edit', () => {
  const state = panel('dma_map_single');
  const size = fieldsOf(state.requests).size!;
  assert.deepEqual(withFields(state, { size: BigInt(size).toString(), phys: fieldsOf(state.requests).phys! }), state);
});
