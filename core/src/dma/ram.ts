// Where RAM is: one bank from ram_base, split around an MMIO hole when the profile has one (x86 keeps
// the 32-bit PCI hole free and remaps the RAM it would have covered above 4 GiB). max_pfn, zone tops,
// pfn_valid and the page allocator all read this.
import type { EngineSession } from '../engine/ops';

export interface RamRange {
  start: bigint;
  /** Exclusive end. */
  end: bigint;
}

export function ramRanges(session: EngineSession): RamRange[] {
  const base = session.params.ram_base as bigint;
  const size = session.params.ram as bigint;
  const holeStart = session.params.mmio_hole_start as bigint;
  const holeSize = session.params.mmio_hole_size as bigint;
  if (holeSize === 0n || base + size <= holeStart || holeStart < base) return [{ start: base, end: base + size }];
  const below = holeStart - base;
  return [
    { start: base, end: holeStart },
    { start: holeStart + holeSize, end: holeStart + holeSize + (size - below) },
  ];
}

/** End of the highest RAM range (max_pfn << PAGE_SHIFT). */
export function ramEnd(session: EngineSession): bigint {
  const ranges = ramRanges(session);
  return ranges[ranges.length - 1]!.end;
}

/** `pfn_valid` for the modelled memory. */
export function isRam(session: EngineSession, phys: bigint): boolean {
  return ramRanges(session).some((range) => phys >= range.start && phys < range.end);
}

/** The MMIO hole as a block the page allocator must never hand out, if there is one. */
export function ramHoles(session: EngineSession): { phys: bigint; size: bigint }[] {
  const ranges = ramRanges(session);
  return ranges.length > 1 ? [{ phys: ranges[0]!.end, size: ranges[1]!.start - ranges[0]!.end }] : [];
}
