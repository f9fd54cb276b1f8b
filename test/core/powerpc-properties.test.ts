// Properties of the powerpc plug-ins over random valid inputs: no exception, map + unmap gives the
// allocator state back, and TCE-mapped addresses lie inside the device's window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createSession } from '@dmalens/core';

const PROFILES = [
  'pseries',
  'pseries-svm',
  'powernv',
  'cell',
  'dart-u3',
  'dart-u4',
  'fsl-pci',
  'ppc32-pci-dram-offset',
];
const DIRS = ['to_device', 'from_device', 'bidirectional'] as const;

const scenario = fc.record({
  profile: fc.constantFrom(...PROFILES),
  maskBits: fc.integer({ min: 24, max: 64 }),
  cpu: fc.integer({ min: 0, max: 15 }),
  maps: fc.array(
    fc.record({
      page: fc.integer({ min: 16, max: 8000 }),
      offset: fc.integer({ min: 0, max: 0xffff }),
      size: fc.integer({ min: 1, max: 0x40000 }),
      dir: fc.constantFrom(...DIRS),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});

test('random maps on every powerpc profile: no exception, unmap restores the allocator, TCE handles stay in the window', () => {
  fc.assert(
    fc.property(scenario, ({ profile, maskBits, cpu, maps }) => {
      const session = createSession(profile, { dma_mask: maskBits, coherent_mask: Math.max(maskBits, 32), cpu });
      const ramBytes = session.params.ram as bigint;
      for (const map of maps) {
        const phys = ((BigInt(map.page) << 16n) + BigInt(map.offset)) % (ramBytes - 0x100000n);
        const before = session.fingerprint();
        const index = session.history.length;
        const result = session.run({ op: 'map_single', phys, size: BigInt(map.size), dir: map.dir });
        if (result.dma !== null) assert.ok(result.dma >= 0n && result.dma < 1n << 64n);
        if (result.path === 'ppc-tce' || result.path === 'dart') {
          const state = session.peekState<
            { table: { itOffset: bigint; itSize: number; itPageShift: number } } & {
              clone(): never;
              fingerprint(): string;
            }
          >('powerpc.iommu')!;
          const entry = result.dma! >> BigInt(state.table.itPageShift);
          assert.ok(entry >= state.table.itOffset && entry < state.table.itOffset + BigInt(state.table.itSize));
        }
        session.run({ op: 'unmap', of: index });
        assert.equal(session.fingerprint(), before);
      }
    }),
    { numRuns: 150, seed: 4242 },
  );
});

test('random scatterlists through dma_iommu_ops: merged output covers exactly the input bytes', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('pseries', 'powernv', 'dart-u4'),
      fc.array(fc.record({ page: fc.integer({ min: 16, max: 4000 }), size: fc.integer({ min: 1, max: 0x8000 }) }), {
        minLength: 1,
        maxLength: 8,
      }),
      (profile, entries) => {
        const session = createSession(profile, { dma_mask: 32 });
        const before = session.fingerprint();
        const list = entries.map((entry) => ({ phys: BigInt(entry.page) << 16n, size: BigInt(entry.size) }));
        const result = session.run({ op: 'map_sg', entries: list, dir: 'bidirectional' });
        assert.equal(result.error, null);
        const record = session.history[0]!.record!;
        const total = (record.sgOut ?? []).reduce((sum, segment) => sum + segment.size, 0n);
        assert.equal(
          total,
          list.reduce((sum, entry) => sum + entry.size, 0n),
        );
        session.run({ op: 'unmap', of: 0 });
        assert.equal(session.fingerprint(), before);
      },
    ),
    { numRuns: 80, seed: 7 },
  );
});
