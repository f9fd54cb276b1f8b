// The panel state <-> request translation: the controls' values become the kernel call sequence
// the server simulates (mask first, then the map; virtio negotiation before the add).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPipelineState, maskToHex, requestsFromState, stateFromRequests } from '../../client/src/pipeline/state';

test('DMA_BIT_MASK(n) as hex, as include/linux/dma-mapping.h defines it', () => {
  assert.equal(maskToHex('32'), '0xffffffff');
  assert.equal(maskToHex('64'), '0xffffffffffffffff');
  assert.equal(maskToHex('0xFFFFFF'), '0xffffff');
});

test('a mapping with a mask set first', () => {
  const state = { ...defaultPipelineState(['x86_64']), phys: '0x123456789', size: '0x200', mask: '32' };
  assert.deepEqual(requestsFromState(state), [
    { op: 'set_mask', mask: '0xffffffff', which: 'both' },
    { op: 'map_single', phys: '0x123456789', size: '0x200', dir: 'to_device' },
  ]);
});

test('a virtqueue add negotiates the offered features first and puts a device-written buffer in `in`', () => {
  const state = {
    ...defaultPipelineState(['pseries']),
    op: 'virtqueue_add' as const,
    dir: 'from_device' as const,
    features: ['VERSION_1', 'ACCESS_PLATFORM'],
  };
  assert.deepEqual(requestsFromState(state), [
    { op: 'virtio_negotiate', offered: ['VERSION_1', 'ACCESS_PLATFORM'] },
    { op: 'virtqueue_add', out: [], in: [{ phys: state.phys, size: state.size }] },
  ]);
});

test('the requests the server builds for a call site fill the controls and round-trip', () => {
  const requests = [
    { op: 'set_mask' as const, mask: '0xffffffff' },
    { op: 'map_single' as const, phys: '0x8000000', size: '1514', dir: 'from_device' as const },
  ];
  const source = { uri: 'file:///a.c', line: 9, api: 'dma_map_single', function: 'rx_refill' };
  const state = stateFromRequests(requests, ['x86_64', 'powernv'], source);
  assert.equal(state.op, 'map_single');
  assert.equal(state.size, '1514');
  assert.equal(state.dir, 'from_device');
  assert.equal(state.mask, '0xffffffff');
  assert.deepEqual(state.source, source);
  assert.deepEqual(requestsFromState(state), [{ ...requests[0], which: 'both' }, requests[1]]);
});

test('the panel keeps at most four platforms', () => {
  assert.equal(defaultPipelineState(['a', 'b', 'c', 'd', 'e']).platforms.length, 4);
});
