// Cases for the powerpc vectors of spec §4 (V24-V42). Expected values are read from the vector (its
// address, hypercalls, window geometry and cost notes); a case only says how to run it and which
// result each expectation belongs to.
import assert from 'node:assert/strict';
import { createSession, parseRequest } from '@dmalens/core';
import type { OpResult } from '@dmalens/core';
import type { CaseRun, Vector, VectorCase, VectorCheck } from './vector-case';
import { custom, dmaIsVectorHex, hexTokens, noOtherCosts, pathIs } from './vector-checks';

type Call = Vector['expect']['costs']['hypercalls'][number];

/** Vector args and ours differ only in spelling: "ioba=" is sometimes omitted in the vector. */
function normaliseArgs(text: string): string {
  return text.replace(/ioba=/g, '').replace(/\s+/g, '');
}

function argsMatch(vectorArgs: string, ours: string): boolean {
  const shorthand = /^n=(\d+)$/.exec(vectorArgs);
  if (shorthand) return new RegExp(`, ${shorthand[1]}\\)`).test(ours);
  if (vectorArgs === 'tce=0') return ours.includes('tce=0)');
  const first = ours.split('; ')[0]!;
  return normaliseArgs(first) === normaliseArgs(vectorArgs);
}

/** Every hypercall of the vector appears at its `when` with the vector's count and arguments. */
function tceHypercalls(indexFor: Record<string, number>): VectorCheck {
  return {
    name: 'hypercalls (name, count, when, args) = vector hypercalls',
    check(run) {
      const expected = run.vector.expect.costs.hypercalls;
      for (const call of expected) {
        const when = call.when ?? 'map';
        const result = run.results[indexFor[when]!];
        assert.ok(result, `${run.vector.id}: no result for ${when}`);
        const got = result.costs.hypercalls.find((item) => item.name === call.name && item.when === when);
        assert.ok(
          got,
          `${run.vector.id}: missing ${call.name} at ${when}; got ${JSON.stringify(result.costs.hypercalls)}`,
        );
        if (typeof call.count === 'number') assert.equal(got.count, call.count, `${call.name} count`);
        if (call.args)
          assert.ok(
            argsMatch(call.args, got.args ?? ''),
            `${call.name} args: vector '${call.args}', got '${got.args}'`,
          );
      }
      // Nothing beyond the vector's calls at the times it describes.
      for (const [when, index] of Object.entries(indexFor)) {
        const names = expected
          .filter((call: Call) => (call.when ?? 'map') === when)
          .map((call: Call) => call.name)
          .sort();
        const got = run.results[index]!.costs.hypercalls.filter((item) => item.when === when)
          .map((item) => item.name)
          .sort();
        assert.deepEqual(got, names, `${run.vector.id}: hypercalls at ${when}`);
      }
    },
  };
}

/** The default window's geometry (nr_pools, poolsize, large pool start) as the vector's config states it. */
const windowGeometry = custom('TCE window geometry = vector config.window', (run) => {
  const window = run.vector.config.window as {
    nr_pools: number;
    poolsize: number;
    large_pool_start_entry: number;
    it_blocksize: number;
  };
  const state = run.session.peekState<
    { defaultTable: { nrPools: number; poolsize: number; largePool: { start: number }; itBlocksize: number } } & {
      clone(): never;
      fingerprint(): string;
    }
  >('powerpc.iommu');
  assert.ok(state?.defaultTable, 'the session has a default TCE table');
  assert.equal(state.defaultTable.nrPools, window.nr_pools);
  assert.equal(state.defaultTable.poolsize, window.poolsize);
  assert.equal(state.defaultTable.largePool.start, window.large_pool_start_entry);
  assert.equal(state.defaultTable.itBlocksize, window.it_blocksize);
});

/** The entry the vector's path names ("entry N") is the one the map used. */
function entryFromPath(index: number, tceShift: number): VectorCheck {
  return custom(`result ${index}: entry named in the vector path`, (run) => {
    const match = /entry (\d+)/.exec(run.vector.expect.path) ?? /entries (\d+)\.\./.exec(run.vector.expect.path);
    assert.ok(match, `${run.vector.id}: no entry in '${run.vector.expect.path}'`);
    assert.equal(run.results[index]!.dma! >> BigInt(tceShift), BigInt(match[1]!));
  });
}

/** "one-time setup: 128 x H_PUT_TCE_INDIRECT ..." in costs.other, paid by the set_mask request. */
function setupHypercallsFromOther(index: number): VectorCheck {
  return custom(`result ${index}: one-time setup hypercalls = vector costs.other`, (run) => {
    const text = run.vector.expect.costs.other.find((line) => /setup/.test(line));
    const match = text ? /(\d+) x (H_\w+)/.exec(text) : null;
    assert.ok(match, `${run.vector.id}: no setup hypercall count in costs.other`);
    const got = run.results[index]!.costs.hypercalls.find((call) => call.name === match[2] && call.when === 'setup');
    assert.ok(got, `${run.vector.id}: no ${match[2]} at setup`);
    assert.equal(got.count, Number(match[1]));
  });
}

function run(profile: string, overrides: Record<string, unknown>, ops: unknown[]): OpResult[] {
  const session = createSession(profile, overrides);
  return ops.map((op) => session.run(parseRequest(op)));
}

/** V34: "map: 1 TCE write + 1 TCE kill (PHB3: N MMIO write ...; PHB4: M opal_pci_tce_kill ...)", "unmap: same". */
const powernvKillCosts = custom('TCE kill per PHB model = vector costs.other (map and unmap)', (check: CaseRun) => {
  const text = check.vector.expect.costs.other.find((line) => /PHB3/.test(line))!;
  const phb3 = Number(/PHB3: (\d+) MMIO/.exec(text)![1]);
  const phb4 = Number(/PHB4: (\d+) opal_pci_tce_kill/.exec(text)![1]);
  assert.ok(check.vector.expect.costs.other.some((line) => /unmap: same/.test(line)));
  for (const [phb, count] of [
    ['phb3', phb3],
    ['phb4', phb4],
  ] as const) {
    const input = check.vector.input as { phys: string; size: string; dir: string };
    const results = run('powernv', { dma_mask: 32, phb }, [
      { op: 'map_single', ...input },
      { op: 'unmap', of: 0 },
    ]);
    for (const result of results) {
      assert.deepEqual(result.costs.hypercalls, [], `${phb} ${result.op}: no hypercalls`);
      assert.equal(result.costs.iotlbFlushes.length, 1, `${phb} ${result.op}: one kill`);
      assert.equal(result.costs.iotlbFlushes[0]!.count, count, `${phb} ${result.op}: kill count`);
    }
  }
});

/** The vector's input as a CLI JSON op. */
function input(vectorInput: { phys: string; size: string; dir: string }): Record<string, string> {
  return { op: 'map_single', phys: vectorInput.phys, size: vectorInput.size, dir: vectorInput.dir };
}

const V24_MAP = input({ phys: '0x12345000', size: '0x1000', dir: 'DMA_TO_DEVICE' });
const PSERIES_32 = { dma_mask: 32, coherent_mask: 32, cpu: 0 };

export const cases: VectorCase[] = [
  {
    id: 'V24',
    profile: 'pseries',
    overrides: PSERIES_32,
    ops: [V24_MAP, { op: 'unmap', of: 0 }],
    checks: [
      dmaIsVectorHex(0),
      pathIs(0, 'ppc-tce', /TCE/),
      entryFromPath(0, 12),
      tceHypercalls({ map: 0, unmap: 1 }),
      windowGeometry,
    ],
  },
  {
    id: 'V25',
    profile: 'pseries',
    overrides: PSERIES_32,
    ops: [input({ phys: '0x12345000', size: '0x3000', dir: 'DMA_BIDIRECTIONAL' }), { op: 'unmap', of: 0 }],
    checks: [dmaIsVectorHex(0), pathIs(0, 'ppc-tce', /TCE/), entryFromPath(0, 12), tceHypercalls({ map: 0, unmap: 1 })],
  },
  {
    id: 'V26',
    profile: 'pseries',
    overrides: PSERIES_32,
    ops: [input({ phys: '0x12345234', size: '0x3000', dir: 'DMA_TO_DEVICE' }), { op: 'unmap', of: 0 }],
    checks: [dmaIsVectorHex(0), pathIs(0, 'ppc-tce', /iommu_num_pages/), tceHypercalls({ map: 0, unmap: 1 })],
  },
  {
    id: 'V28',
    profile: 'pseries',
    overrides: { ...PSERIES_32, multitce: 'off' },
    note: 'multitce=off on the command line clears both FW_FEATURE_PUT_TCE_IND and FW_FEATURE_STUFF_TCE.',
    ops: [input({ phys: '0x12345000', size: '0x3000', dir: 'DMA_BIDIRECTIONAL' }), { op: 'unmap', of: 0 }],
    checks: [dmaIsVectorHex(0), pathIs(0, 'ppc-tce', /TCE/), entryFromPath(0, 12), tceHypercalls({ map: 0, unmap: 1 })],
  },
  {
    id: 'V29',
    profile: 'pseries',
    overrides: PSERIES_32,
    ops: [input({ phys: '0x10000000', size: '0x100000', dir: 'DMA_TO_DEVICE' }), { op: 'unmap', of: 0 }],
    checks: [
      dmaIsVectorHex(0),
      pathIs(0, 'ppc-tce', /large pool/),
      entryFromPath(0, 12),
      tceHypercalls({ map: 0, unmap: 1 }),
    ],
  },
  {
    id: 'V31',
    profile: 'pseries',
    overrides: {
      ram: '4G',
      dma_mask: 32,
      coherent_mask: 32,
      ddw: 'direct',
      ddw_base: '0x0800000000000000',
      ddw_page_size: '64K',
    },
    note: "The device starts with a 32-bit mask so that the driver's dma_set_mask_and_coherent(64) is the request that creates the direct window (and pays its one-time setup).",
    ops: [
      { op: 'set_mask', mask: 64, which: 'both' },
      input({ phys: '0x12345678', size: '0x100', dir: 'DMA_TO_DEVICE' }),
      { op: 'unmap', of: 1 },
    ],
    checks: [
      dmaIsVectorHex(1),
      pathIs(1, 'dma-direct', /bypass/),
      setupHypercallsFromOther(0),
      custom('0 hypercalls per map/unmap', (check) => {
        assert.ok(check.vector.expect.costs.other.some((line) => /0 hypercalls per map/.test(line)));
        assert.deepEqual(check.results[1]!.costs.hypercalls, []);
        assert.deepEqual(check.results[2]!.costs.hypercalls, []);
      }),
    ],
  },
  {
    id: 'V32',
    profile: 'pseries',
    overrides: { dma_mask: 64, ddw: 'table', ddw_base: '0x0800000000000000', ddw_page_size: '64K' },
    note: 'ddw=table: the dynamic window cannot map all RAM and becomes tables[1].',
    ops: [input({ phys: '0x12345678', size: '0x100', dir: 'DMA_TO_DEVICE' }), { op: 'unmap', of: 0 }],
    checks: [
      custom('dma = B + 0x5678 (the last hex number of dma_addr_or_rule)', (check) => {
        const tokens = hexTokens(check.vector.expect.dma_addr_or_rule);
        assert.equal(check.results[0]!.dma, tokens[tokens.length - 1]);
      }),
      pathIs(0, 'ppc-tce', /dma_iommu_ops/),
      tceHypercalls({ map: 0, unmap: 1 }),
    ],
  },
  {
    id: 'V33',
    profile: 'powernv',
    overrides: { dma_mask: 64 },
    ops: [input({ phys: '0x12345678', size: '0x100', dir: 'DMA_TO_DEVICE' })],
    checks: [dmaIsVectorHex(0), pathIs(0, 'dma-direct', /dma-direct/), noOtherCosts()],
  },
  {
    id: 'V34',
    profile: 'powernv',
    overrides: { dma_mask: 32, cpu: 0 },
    ops: [input({ phys: '0x12345678', size: '0x1000', dir: 'DMA_TO_DEVICE' }), { op: 'unmap', of: 0 }],
    checks: [dmaIsVectorHex(0), pathIs(0, 'ppc-tce', /TCE/), entryFromPath(0, 16), powernvKillCosts],
  },
  {
    id: 'V36',
    profile: 'cell',
    note: 'The cell profile is a QS20 (Spider) with 1 GiB of RAM, so the IOMMU stays off.',
    ops: [input({ phys: '0x12345678', size: '0x100', dir: 'DMA_TO_DEVICE' })],
    checks: [dmaIsVectorHex(0), pathIs(0, 'dma-direct', /dma-direct/), noOtherCosts()],
  },
  {
    id: 'V37',
    profile: 'cell',
    overrides: {
      cell_axon: true,
      ram: '4G',
      dma_mask: 64,
      tce_window_base: 0,
      tce_window_size: '0x80000000',
      cell_fixed_dev_addr: 0,
    },
    ops: [input({ phys: '0x40000000', size: '0x100', dir: 'DMA_TO_DEVICE' })],
    checks: [dmaIsVectorHex(0), pathIs(0, 'dma-direct', /bypass/), noOtherCosts()],
  },
  {
    id: 'V38',
    profile: 'dart-u4',
    overrides: { dma_mask: 40, dart_on_u4_pcie: true },
    ops: [input({ phys: '0x12345678', size: '0x100', dir: 'DMA_TO_DEVICE' })],
    checks: [dmaIsVectorHex(0), pathIs(0, 'dma-direct', /bypass -> dma-direct/), noOtherCosts()],
  },
  {
    id: 'V40',
    profile: 'fsl-pci',
    overrides: { ram: '8G', fsl_outbound_lowest: '0x80000000', dma_mask: 32 },
    note: "The device starts with a 32-bit mask; the driver's dma_set_mask(64) is what switches it to pci64_dma_offset.",
    ops: [
      { op: 'set_mask', mask: 64, which: 'streaming' },
      input({ phys: '0x123456000', size: '0x100', dir: 'DMA_TO_DEVICE' }),
    ],
    checks: [
      dmaIsVectorHex(1),
      pathIs(1, 'dma-direct', /dma-direct/),
      custom('archdata.dma_offset = config.pci64_dma_offset', (check) => {
        assert.equal(check.session.dev.dmaOffset, BigInt(check.vector.config.pci64_dma_offset as string));
      }),
      noOtherCosts(),
    ],
  },
  {
    id: 'V42',
    profile: 'ppc32-pci-dram-offset',
    overrides: { pci_dram_offset: '0x80000000' },
    ops: [input({ phys: '0x01234000', size: '0x100', dir: 'DMA_TO_DEVICE' })],
    checks: [dmaIsVectorHex(0), pathIs(0, 'dma-direct', /dma-direct/), noOtherCosts()],
  },
];
