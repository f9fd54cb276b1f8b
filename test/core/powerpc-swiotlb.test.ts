// The swiotlb pool on powerpc. arch/powerpc/mm/mem.c:mem_init turns memblock bottom-up and then calls
// swiotlb_init(ppc_swiotlb_enable, ppc_swiotlb_flags): kernel/dma/swiotlb.c:swiotlb_init_remap returns
// without a pool unless the platform set ppc_swiotlb_enable or the command line says swiotlb=force, and the
// pool it allocates sits low in RAM. A 6.1 pseries guest booted with swiotlb=force bounced its virtio maps
// through the direct DDW window at slot + 2^59, 2 KiB slots, a 64 KiB map starting on a 64 KiB boundary
// (docs/fidelity.md, pseries-swiotlb-ddw).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSession } from '@dmalens/core';
import { swiotlbPool } from '../../core/src/dma/swiotlb';

const DDW_OFFSET = 1n << 59n;
const SIXTY_FOUR_BIT = (1n << 64n) - 1n;

function mapOnce(session: ReturnType<typeof createSession>, phys: bigint, size: number) {
  const result = session.run({ op: 'map_page', phys, size: BigInt(size), dir: 'to_device' });
  assert.equal(result.error, null);
  return result.dma!;
}

test('pseries: no pool unless booted with swiotlb=force; direct-window maps stay direct', () => {
  const session = createSession('pseries', { ram: '2G' });
  assert.equal(swiotlbPool(session), null);
  session.run({ op: 'set_mask', mask: SIXTY_FOUR_BIT });
  assert.equal(mapOnce(session, 0x8a92110n, 16), 0x8a92110n + DDW_OFFSET);
});

test('pseries with swiotlb=force: direct-window maps bounce through a pool low in RAM', () => {
  const session = createSession('pseries', { ram: '2G', swiotlb_force: true });
  const pool = swiotlbPool(session);
  assert.ok(pool, 'swiotlb=force allocates the pool');
  assert.ok(pool.end <= 256n << 20n, `bottom-up: the pool [0x${pool.start.toString(16)}, ...) sits low in RAM`);
  session.run({ op: 'set_mask', mask: SIXTY_FOUR_BIT });
  const first = mapOnce(session, 0x8a92110n, 16);
  assert.equal(first, pool.start + DDW_OFFSET, 'slot 0, seen through the direct window');
  // A map of a whole 64 KiB page starts on a page boundary: the slot search strides by PAGE_SIZE.
  assert.equal(mapOnce(session, 0xa890000n, 0x10000), pool.start + 0x10000n + DDW_OFFSET);
  assert.equal(mapOnce(session, 0x8a92120n, 1), pool.start + 0x20000n + DDW_OFFSET);
  assert.equal(mapOnce(session, 0x835b140n, 0x30), pool.start + 0x20800n + DDW_OFFSET);
});

test('pseries secure VM: its forced pool is allocated bottom-up too, not near the top of RAM', () => {
  const session = createSession('pseries-svm', { ram: '8G' });
  const pool = swiotlbPool(session);
  assert.ok(pool);
  assert.ok(pool.end <= 256n << 20n, `pool at 0x${pool.start.toString(16)}`);
});

test('the boot trace says the powerpc pool was placed bottom-up, and that its start is an example', () => {
  const session = createSession('pseries', { swiotlb_force: true });
  const stage = session.setupResult.stages.find((item) => item.fn === 'swiotlb_init_remap');
  assert.ok(stage);
  assert.match(stage.note, /bottom-up by mem_init/);
  assert.match(stage.note, /an example/);
});
