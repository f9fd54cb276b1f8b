// Property tests over every profile: random valid request sequences never throw and give well-formed
// traces; map followed by unmap gives back the allocator state; dma_to_phys inverts phys_to_dma on the
// direct path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createSession, listProfiles, type Direction, type OpResult, type Request } from '@dmalens/core';
import { dmaToPhys } from '../../core/src/dma/direct';
import { ramRanges } from '../../core/src/dma/ram';

const U64_MAX = (1n << 64n) - 1n;
const DIRS: Direction[] = ['to_device', 'from_device', 'bidirectional'];
const PROFILES = listProfiles().map((profile) => profile.id);

function inU64(value: bigint | null): boolean {
  return value === null || (value >= 0n && value <= U64_MAX);
}

function assertWellFormed(result: OpResult, where: string): void {
  assert.ok(result.stages.length > 0, `${where}: no stages`);
  for (const stage of result.stages) {
    assert.ok(stage.fn.length > 0 && /^[A-Za-z_][\w]*$/.test(stage.fn), `${where}: stage name '${stage.fn}'`);
    assert.match(stage.ref, /^[\w./-]+[^:]*:[A-Za-z_]\w*/, `${where}: ref of ${stage.fn} is '${stage.ref}'`);
    assert.ok(stage.note.length > 0, `${where}: note of ${stage.fn}`);
    assert.ok(inU64(stage.in) && inU64(stage.out), `${where}: address of ${stage.fn} outside 64 bits`);
  }
  assert.ok(inU64(result.dma), `${where}: dma outside 64 bits`);
  if (result.error !== null) assert.equal(result.dma, null, `${where}: a failed request has no address`);
  if (result.error !== null) assert.equal(result.path, 'error', `${where}: a failed request has path error`);
  for (const value of Object.values(result.costs.bounceBytes)) assert.ok(Number.isInteger(value) && value >= 0);
  assert.ok(result.costs.cacheLines.clean >= 0 && result.costs.cacheLines.invalidate >= 0);
  for (const call of result.costs.hypercalls) assert.ok(call.count > 0 && call.name.length > 0);
  assert.ok(result.rule.length > 0, `${where}: empty rule`);
}

/** A buffer inside one of the profile's RAM ranges (above the first MiB), page offset included. */
function bufferArb(profileId: string) {
  const ranges = ramRanges(createSession(profileId));
  return fc.record({
    phys: fc.nat().chain((pick) => {
      const range = ranges[pick % ranges.length]!;
      return fc.bigInt({ min: range.start + 0x100000n, max: range.end - 0x80000n });
    }),
    size: fc.oneof(fc.integer({ min: 1, max: 0x2000 }), fc.integer({ min: 1, max: 0x40000 })).map(BigInt),
    dir: fc.constantFrom(...DIRS),
  });
}

type Action = {
  kind: 'map' | 'sg' | 'alloc' | 'unmap' | 'sync_cpu' | 'sync_dev' | 'free' | 'mask' | 'pool';
  pick: number;
  cpu: number;
};

const actionArb = fc.record({
  kind: fc.constantFrom<Action['kind']>(
    'map',
    'map',
    'sg',
    'alloc',
    'unmap',
    'unmap',
    'sync_cpu',
    'sync_dev',
    'free',
    'mask',
    'pool',
  ),
  pick: fc.nat(),
  cpu: fc.integer({ min: 0, max: 3 }),
});

/** Runs a property for each profile, naming the profile when it fails. */
function forEachProfile(run: (profileId: string) => void): void {
  for (const profileId of PROFILES) {
    try {
      run(profileId);
    } catch (error) {
      if (error instanceof Error) error.message = `profile ${profileId}: ${error.message}`;
      throw error;
    }
  }
}

function pickBuffer(buffers: { phys: bigint; size: bigint; dir: Direction }[], pick: number) {
  return buffers[pick % buffers.length]!;
}

test('random request sequences on every profile never throw and give well-formed traces', () => {
  forEachProfile((profileId) => {
    fc.assert(
      fc.property(
        fc.array(bufferArb(profileId), { minLength: 1, maxLength: 4 }),
        fc.array(actionArb, { maxLength: 10 }),
        (buffers, actions) => {
          const session = createSession(profileId);
          const live: number[] = [];
          const allocs: number[] = [];
          for (const action of actions) {
            const buffer = pickBuffer(buffers, action.pick);
            let request: Request;
            if (
              (action.kind === 'unmap' || action.kind === 'sync_cpu' || action.kind === 'sync_dev') &&
              live.length > 0
            ) {
              const of = live[action.pick % live.length]!;
              request =
                action.kind === 'unmap'
                  ? { op: 'unmap', of }
                  : { op: action.kind === 'sync_cpu' ? 'sync_for_cpu' : 'sync_for_device', of };
              if (action.kind === 'unmap') live.splice(live.indexOf(of), 1);
            } else if (action.kind === 'free' && allocs.length > 0) {
              request = { op: 'free_coherent', of: allocs.pop()! };
            } else if (action.kind === 'alloc') {
              request = { op: 'alloc_coherent', size: buffer.size };
            } else if (action.kind === 'sg') {
              request = {
                op: 'map_sg',
                entries: buffers.map(({ phys, size }) => ({ phys, size })),
                dir: buffer.dir,
                cpu: action.cpu,
              };
            } else if (action.kind === 'mask') {
              request = {
                op: 'set_mask',
                mask: action.pick % 2 === 0 ? U64_MAX : 0xffffffffn,
                which: action.pick % 3 === 0 ? 'coherent' : 'both',
              };
            } else if (action.kind === 'pool') {
              const pool = session.history.findIndex((entry) => entry.request.op === 'dma_pool_create');
              request =
                pool < 0
                  ? { op: 'dma_pool_create', size: BigInt(1 + (action.pick % 3000)), align: 64n }
                  : { op: 'dma_pool_alloc', of: pool };
            } else {
              request = { op: 'map_single', phys: buffer.phys, size: buffer.size, dir: buffer.dir, cpu: action.cpu };
            }
            const index = session.history.length;
            const result = session.run(request);
            assertWellFormed(result, `${profileId} ${request.op}`);
            if ((request.op === 'map_single' || request.op === 'map_sg') && result.dma !== null) live.push(index);
            if (request.op === 'alloc_coherent' && result.dma !== null) allocs.push(index);
          }
        },
      ),
      { numRuns: 40, seed: 20261128 },
    );
  });
});

test('unmap after map gives back the allocator state on every profile', () => {
  forEachProfile((profileId) => {
    fc.assert(
      fc.property(bufferArb(profileId), fc.boolean(), fc.integer({ min: 0, max: 3 }), (buffer, scatter, cpu) => {
        const session = createSession(profileId);
        const before = session.fingerprint();
        const request: Request = scatter
          ? {
              op: 'map_sg',
              entries: [
                { phys: buffer.phys, size: buffer.size },
                { phys: buffer.phys + 0x10000n, size: 0x800n },
              ],
              dir: buffer.dir,
              cpu,
            }
          : { op: 'map_single', phys: buffer.phys, size: buffer.size, dir: buffer.dir, cpu };
        const map = session.run(request);
        if (map.dma === null) return;
        session.run({ op: 'unmap', of: 0 });
        assert.equal(session.fingerprint(), before, `${profileId}: state after map+unmap`);
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});

test('dma_to_phys(phys_to_dma(p)) == p on the direct path of every profile', () => {
  forEachProfile((profileId) => {
    fc.assert(
      fc.property(bufferArb(profileId), (buffer) => {
        const session = createSession(profileId);
        const result = session.run({ op: 'map_single', phys: buffer.phys, size: buffer.size, dir: buffer.dir });
        if (result.path !== 'dma-direct' || result.dma === null) return;
        assert.equal(dmaToPhys(session, result.dma), buffer.phys, `${profileId}: dma ${result.dma.toString(16)}`);
      }),
      { numRuns: 80, seed: 11 },
    );
  });
});

test('a clone evolves independently of its original', () => {
  for (const profileId of PROFILES) {
    const session = createSession(profileId);
    const buffer = {
      phys: (session.params.ram_base as bigint) + 0x200000n,
      size: 0x1000n,
      dir: 'bidirectional' as Direction,
    };
    session.run({ op: 'map_single', ...buffer });
    const before = session.fingerprint();
    const copy = session.clone();
    copy.run({ op: 'map_single', ...buffer });
    copy.run({ op: 'unmap', of: 0 });
    assert.equal(session.fingerprint(), before, `${profileId}: the original changed`);
    assert.equal(session.history.length, 1);
    assert.equal(copy.history.length, 3);
  }
});
