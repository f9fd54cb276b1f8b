// Real Linux 6.1 guests under QEMU, replayed through the simulation core: every DMA-API call of the virtio
// device must come out as the guest kernel did it (docs/fidelity.md has the table; `npm run fidelity`
// regenerates it). The guests are Debian's own 6.1 kernels, unpacked by scripts/install-test-deps.sh.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { CONFIGURATIONS } from './configurations';
import { runGuests, type GuestRun } from './run-guests';

describe('the simulator against real 6.1 guests', () => {
  let runs: GuestRun[] = [];
  const run = (id: string): GuestRun => runs.find((candidate) => candidate.config.id === id)!;

  before(async () => {
    // Two guests at a time, one per core: `npm test` runs this suite last, on its own (scripts/test.mjs).
    runs = await runGuests(CONFIGURATIONS, 2);
  });

  for (const config of CONFIGURATIONS) {
    it(`${config.id}: every row matches (${config.title})`, () => {
      const { rows } = run(config.id).replay;
      const mismatches = rows.filter((row) => !row.match);
      assert.deepEqual(
        mismatches.map((row) => `${row.operation}: simulated ${row.simulated}, real ${row.real}`),
        [],
      );
      if (config.offered)
        assert.ok(
          rows.some((row) => row.operation.startsWith('vring desc')),
          'the vring address was traced',
        );
    });
  }

  it('the guests exercise what the rows claim to check', () => {
    const operations = (id: string): string[] => run(id).replay.rows.map((row) => `${row.operation} => ${row.real}`);
    for (const id of ['x86-swiotlb-plain', 'x86-vtd-plain', 'pseries-plain'])
      assert.equal(run(id).replay.useDmaApi.real, false, `${id}: no DMA API without ACCESS_PLATFORM`);
    // Each configuration, and a row the guest must have produced for the comparison to mean what it says.
    const seen: Array<[id: string, shows: (line: string) => boolean, what: string]> = [
      ['x86-swiotlb-access-platform', (line) => line.includes('slot 0x'), 'bounces were seen'],
      ['x86-vtd-lazy', (line) => line.startsWith('fq_flush_timeout'), 'the lazy timer fired'],
      ['x86-vtd-strict', (line) => line.includes('page invalidation'), 'PSI on a strict unmap'],
      ['pseries-no-ddw', (line) => line.includes(' H_PUT_TCE'), 'a hypercall per map without DDW'],
      [
        'pseries-ddw',
        (line) => line.startsWith('dma_set_mask') && line.includes('H_PUT_TCE_INDIRECT'),
        'the direct window is built at dma_set_mask',
      ],
      ['pseries-net-no-ddw', (line) => line.includes(' H_PUT_TCE'), 'a hypercall per map without DDW'],
      [
        'pseries-swiotlb-ddw',
        (line) => /=> 0x8000000\w+ · slot 0x/.test(line),
        'maps bounced, and the slots were seen through the direct window',
      ],
      ['x86-swiotlb-net', (line) => line.includes('slot 0x'), 'network buffers bounced'],
      [
        'powernv-bypass',
        (line) => line.startsWith('map #') && /=> 0x8000000\w+$/.test(line),
        'maps went through the 64-bit TCE bypass',
      ],
      ['powernv-swiotlb-bypass', (line) => /=> 0x8000000\w+ · slot 0x/.test(line), 'bypass maps bounced'],
      [
        'x86-8g-e1000',
        (line) => /^map #\d+: dma_map_page\(phys 0x[1-9][0-9a-f]{8},.* · slot 0x/.test(line),
        'a 32-bit device bounced a buffer above 4 GiB, with no swiotlb=force',
      ],
      [
        'powernv-nobypass',
        (line) => line.startsWith('map #') && line.endsWith('· 1 opal_pci_tce_kill'),
        'a TCE kill per map in the 32-bit window',
      ],
      [
        'x86-vtd-net',
        (line) => line.startsWith('vring desc address of queue 2'),
        'receive, transmit and control queues',
      ],
    ];
    for (const [id, shows, what] of seen) assert.ok(operations(id).some(shows), `${id}: ${what}`);
    for (const id of ['x86-vtd-net', 'x86-swiotlb-net', 'pseries-net-ddw', 'pseries-net-no-ddw', 'x86-8g-e1000']) {
      const received = operations(id).filter((line) => line.includes('from_device)'));
      assert.ok(received.length > 100, `${id}: receive buffers were posted`);
    }
  });

  it('leaves no QEMU process behind', () => {
    const children = execFileSync('ps', ['-o', 'comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    assert.ok(!/qemu/.test(children), children);
  });
});
