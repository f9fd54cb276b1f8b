// Where the default swiotlb pool lands. kernel/dma/swiotlb.c:swiotlb_init_remap allocates it with
// mm/memblock.c:memblock_alloc_low(PAGE_ALIGN(nslabs << IO_TLB_SHIFT), PAGE_SIZE), which searches top-down
// below the low-memory limit: a larger pool ends where the small one ends and starts lower. The x86 profiles
// model that limit with swiotlb_end = 0xBFF00000, the end of spec §V's 8 GiB example pool [0xBBF00000, 0xBFF00000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamError, createSession, parseRequest } from '@dmalens/core';
import { swiotlbPool } from '../../core/src/dma/swiotlb';

const GIB = 1n << 30n;
const MIB = 1n << 20n;
const IO_TLB_SIZE = 2048n;
const IO_TLB_SEGSIZE = 128n;
/** The end of the spec's example pool for an 8 GiB x86 machine (spec §V: S = 0xBBF00000, 64 MiB). */
const SPEC_POOL_START = 0xbbf00000n;
const SPEC_POOL_END = SPEC_POOL_START + 64n * MIB;

function poolOf(profile: string, overrides: Record<string, unknown> = {}) {
  const session = createSession(profile, overrides);
  const pool = swiotlbPool(session);
  assert.ok(pool, `${profile}: no swiotlb pool`);
  return { session, pool };
}

function assertOutsideMmioHole(profile: string, overrides: Record<string, unknown> = {}): void {
  const { session, pool } = poolOf(profile, overrides);
  const holeStart = session.params.mmio_hole_start as bigint;
  const holeEnd = holeStart + (session.params.mmio_hole_size as bigint);
  assert.ok(holeEnd > holeStart, `${profile}: the profile models an MMIO hole`);
  assert.ok(
    pool.end <= holeStart || pool.start >= holeEnd,
    `${profile}: pool [0x${pool.start.toString(16)}, 0x${pool.end.toString(16)}) overlaps the MMIO hole`,
  );
}

test('x86_64 with 8 GiB: the 64 MiB pool is the spec example [0xBBF00000, 0xBFF00000)', () => {
  const { pool } = poolOf('x86_64', { ram: '8G' });
  assert.equal(pool.start, SPEC_POOL_START);
  assert.equal(pool.end, SPEC_POOL_END);
});

test('x86_64-sev-guest with 8 GiB: the 6% pool ends at 0xBFF00000 and starts lower (F-ENG-1 slot count)', () => {
  // sev_setup_arch: size = 8 GiB * 6 / 100 (within [64 MiB, 1 GiB]); swiotlb_adjust_size rounds it to 2 KiB
  // slots and up to a whole 128-slot segment (one area).
  const size = (8n * GIB * 6n) / 100n;
  const slots = (size + IO_TLB_SIZE - 1n) / IO_TLB_SIZE;
  const nslabs = ((slots + IO_TLB_SEGSIZE - 1n) / IO_TLB_SEGSIZE) * IO_TLB_SEGSIZE;
  assert.equal(nslabs, 251776n);
  const { pool } = poolOf('x86_64-sev-guest', { ram: '8G' });
  assert.equal(BigInt(pool.nslabs), nslabs);
  assert.equal(pool.start, SPEC_POOL_END - nslabs * IO_TLB_SIZE);
  assert.equal(pool.end, SPEC_POOL_END);
  assertOutsideMmioHole('x86_64-sev-guest', { ram: '8G' });
});

test('every x86 profile keeps its pool out of the MMIO hole, up to the 1 GiB SEV/TDX maximum', () => {
  for (const profile of ['x86_64', 'x86_64-vtd', 'x86_64-sme-host', 'x86_64-sev-guest', 'x86_64-tdx-guest']) {
    for (const ram of ['8G', '64G']) assertOutsideMmioHole(profile, { ram, swiotlb_active: 'on' });
  }
  const { pool } = poolOf('x86_64-tdx-guest', { ram: '64G' });
  assert.equal(pool.end - pool.start, GIB);
  assert.equal(pool.end, SPEC_POOL_END);
});

test('the boot trace and the rule say how the pool was placed', () => {
  const { session } = poolOf('x86_64-sev-guest', { ram: '8G' });
  const stage = session.setupResult.stages.find((item) => item.fn === 'swiotlb_init_remap');
  assert.ok(stage, 'setup trace has swiotlb_init_remap');
  assert.match(stage.note, /top-down by memblock_alloc_low below swiotlb_end 0xbff00000/i);
  const rule = session.run(
    parseRequest({ op: 'map_single', phys: '0x123456789', size: '0x200', dir: 'to_device' }),
  ).rule;
  assert.match(rule, /swiotlb slot in \[0x[0-9a-f_]+, 0xbff00000\).*memblock_alloc_low/i);
  const fixed = createSession('arm64', { swiotlb_active: 'on' });
  const fixedStage = fixed.setupResult.stages.find((item) => item.fn === 'swiotlb_init_remap');
  assert.ok(fixedStage, 'arm64 setup trace has swiotlb_init_remap');
  assert.match(fixedStage.note, /start = swiotlb_start/);
});

test('an explicit swiotlb_start wins over the profile swiotlb_end; both at once is a ParamError', () => {
  const { session, pool } = poolOf('x86_64-sev-guest', { swiotlb_start: '0x80000000' });
  assert.equal(pool.start, 0x80000000n);
  assert.equal(session.params.swiotlb_end, 0n);
  assert.throws(
    () => createSession('x86_64', { swiotlb_start: '0x80000000', swiotlb_end: '0xBFF00000' }),
    (error: unknown) => {
      assert.ok(error instanceof ParamError);
      assert.match(error.message, /swiotlb_start/);
      assert.match(error.message, /swiotlb_end/);
      return true;
    },
  );
  // A different end moves the pool with it: the highest 4 KiB-aligned 64 MiB block below 0x7FFFF123.
  const moved = poolOf('x86_64', { swiotlb_end: '0x7FFFF123' }).pool;
  assert.equal(moved.start, 0x7bfff000n);
  assert.equal(moved.end, 0x7ffff000n);
});

test('a swiotlb_end below the pool size is a ParamError naming swiotlb_end', () => {
  assert.throws(
    () => createSession('x86_64', { swiotlb_end: '0x100000' }),
    (error: unknown) => error instanceof ParamError && /swiotlb_end/.test(error.message),
  );
});

// memblock hands out the memory map (64 bytes of struct page per 4 KiB page) and the kernel's other early
// allocations top-down before mem_init runs swiotlb_init; with all RAM below swiotlb_end they sit above the
// pool. A real 2 GiB q35 guest (Debian 6.1, docs/fidelity.md) puts its pool at 0x7980_0000.
test('x86_64 with 2 GiB and swiotlb=force: the pool follows the RAM size, below the memory map, as a real q35 guest places it', () => {
  const { pool } = poolOf('x86_64', { ram: '2G', swiotlb_force: true });
  const memmap = ((2n * GIB) / 4096n) * 64n;
  assert.equal(pool.end, 2n * GIB - memmap - 8n * MIB);
  assert.equal(pool.start, 0x7980_0000n);
  const smaller = poolOf('x86_64', { ram: '1G', swiotlb_force: true }).pool;
  assert.ok(smaller.end < pool.end, 'a smaller machine puts its pool lower');
});
