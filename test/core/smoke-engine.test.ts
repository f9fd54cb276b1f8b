import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSession, resultToJson, parseRequest } from '@dmalens/core';

test('smoke', () => {
  const s = createSession('x86_64', { dma_mask: 32 });
  const r = s.run(parseRequest({ op: 'map_single', phys: '0x123456789', size: '0x200', dir: 'from_device' }));
  console.log(JSON.stringify(resultToJson(r), null, 1));
  const u = s.run({ op: 'unmap', of: 0 });
  console.log(JSON.stringify(resultToJson(u)));
  assert.ok(r);
});
