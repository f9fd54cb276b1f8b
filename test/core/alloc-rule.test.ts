// The rule a hover shows for an allocation comes from the same trace as its address: dma_direct_alloc never
// bounces, so the streaming rule ("every map bounces") must not describe a coherent allocation, and on a
// confidential guest the pages are decrypted and seen at their plain address (phys_to_dma_unencrypted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSession } from '@dmalens/core';

test('SEV guest: a coherent allocation is dma-direct at the decrypted pages, and its rule says so', () => {
  const result = createSession('x86_64-sev-guest').run({ op: 'alloc_coherent', size: 4096n });
  assert.equal(result.path, 'dma-direct');
  assert.equal(result.dma, result.details?.['cpu_addr_phys']);
  assert.doesNotMatch(result.rule, /swiotlb|bounce/);
  assert.match(result.rule, /decrypted/);
});

test('the streaming map on the same guest still bounces, and its rule says that', () => {
  const result = createSession('x86_64-sev-guest').run({
    op: 'map_single',
    phys: 0x12345000n,
    size: 4096n,
    dir: 'to_device',
  });
  assert.equal(result.path, 'swiotlb');
  assert.match(result.rule, /every map bounces/);
});
