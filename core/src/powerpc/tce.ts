// TCE encodings and the hypercall-cost bookkeeping shared by the powerpc table ops.
import type { Direction, When } from '../types';
import type { TraceBuilder } from '../engine/trace';

/** TCE_PCI_READ / TCE_PCI_WRITE (arch/powerpc/include/asm/tce.h). */
export const TCE_PCI_READ = 0x1n;
export const TCE_PCI_WRITE = 0x2n;
/** TCE_ENTRY_SIZE: one TCE is 8 bytes, so one 4 KiB page holds 512 of them (§4.3). */
export const TCE_ENTRY_SIZE = 8;
/** Most TCEs one H_PUT_TCE_INDIRECT or H_STUFF_TCE call handles: 4096 / TCE_ENTRY_SIZE. */
export const TCES_PER_HCALL = 4096 / TCE_ENTRY_SIZE;

/**
 * pseries `tce_build_pSeriesLP` / `tce_buildmulti_pSeriesLP`: READ always, WRITE unless the
 * direction is DMA_TO_DEVICE.
 */
export function pseriesTce(phys: bigint, shift: number, dir: Direction): bigint {
  const rpn = phys >> BigInt(shift);
  return (rpn << BigInt(shift)) | TCE_PCI_READ | (dir === 'to_device' ? 0n : TCE_PCI_WRITE);
}

/**
 * `iommu_direction_to_tce_perm` (arch/powerpc/kernel/iommu.c), used by powernv's `pnv_tce_build`:
 * TO_DEVICE is read-only, FROM_DEVICE write-only, BIDIRECTIONAL both.
 */
export function tcePerm(dir: Direction): bigint {
  switch (dir) {
    case 'bidirectional':
      return TCE_PCI_READ | TCE_PCI_WRITE;
    case 'from_device':
      return TCE_PCI_WRITE;
    case 'to_device':
      return TCE_PCI_READ;
    case 'none':
      return 0n;
  }
}

export function powernvTce(phys: bigint, shift: number, dir: Direction): bigint {
  return ((phys >> BigInt(shift)) << BigInt(shift)) | tcePerm(dir);
}

/** How many calls are spelled out in a hypercall's `args` before the rest is summarised. */
const SHOWN_CALLS = 3;

/**
 * Adds `calls` hypercalls of one kind to the trace, merging with an earlier entry of the same name and
 * time so that a map shows "H_PUT_TCE x3" rather than three lines. `args` lists the first calls;
 * `total` is the number of calls when only the first few arguments were spelled out.
 */
export function recordHypercalls(
  trace: TraceBuilder,
  name: string,
  when: When,
  callArgs: string[],
  total = callArgs.length,
): void {
  if (total === 0) return;
  const existing = trace.costs.hypercalls.find((call) => call.name === name && call.when === when);
  if (existing) {
    const shown = existing.args ? existing.args.split('; ').filter((part) => !part.startsWith('… ')) : [];
    existing.count += total;
    existing.args = summariseCalls([...shown, ...callArgs], existing.count);
    return;
  }
  trace.hypercall({ name, count: total, when, args: summariseCalls(callArgs, total) });
}

function summariseCalls(callArgs: string[], total: number): string {
  const shown = callArgs.slice(0, SHOWN_CALLS);
  return total > shown.length ? `${shown.join('; ')}; … ${total - shown.length} more` : shown.join('; ');
}
