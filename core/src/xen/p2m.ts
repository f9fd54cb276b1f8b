// Xen PV physical-to-machine translation (drivers/xen/swiotlb-xen.c:xen_phys_to_bus, §5.6).
import type { EngineSession } from '../engine/ops';

const XEN_PAGE_SHIFT = 12n;
const XEN_PAGE_MASK = (1n << XEN_PAGE_SHIFT) - 1n;

/** `pfn_to_bfn`: the p2m entry, or the pfn itself when the p2m parameter does not list it. */
export function pfnToBfn(session: EngineSession, pfn: bigint): bigint {
  const p2m = session.params.xen_p2m as Record<string, string>;
  for (const [key, value] of Object.entries(p2m)) if (BigInt(key) === pfn) return BigInt(value);
  return pfn;
}

/** `xen_phys_to_bus`. */
export function xenPhysToBus(session: EngineSession, phys: bigint): bigint {
  return (pfnToBfn(session, phys >> XEN_PAGE_SHIFT) << XEN_PAGE_SHIFT) | (phys & XEN_PAGE_MASK);
}

/**
 * `range_straddles_page_boundary`: true when consecutive pfns are not consecutive machine frames. The
 * kernel walks the pages one by one; here the answer is computed from the p2m's listed entries, since
 * every pfn the parameter does not list maps to itself: with d = bfn(first) - first, the first pfn whose
 * bfn - pfn differs from d is either a listed one or, when d is not 0, the first unlisted one. A size of
 * any width costs the number of listed entries, not the number of pages.
 */
export function rangeStraddlesPageBoundary(
  session: EngineSession,
  phys: bigint,
  size: bigint,
): { straddles: boolean; at: bigint | null } {
  const first = phys >> XEN_PAGE_SHIFT;
  const pages = ((phys & XEN_PAGE_MASK) + size + XEN_PAGE_MASK) >> XEN_PAGE_SHIFT;
  const end = first + pages;
  const offset = pfnToBfn(session, first) - first;
  const listed = new Map(
    Object.entries(session.params.xen_p2m as Record<string, string>).map(([pfn, bfn]) => [BigInt(pfn), BigInt(bfn)]),
  );
  let at: bigint | null = null;
  for (const [pfn, bfn] of listed)
    if (pfn > first && pfn < end && bfn - pfn !== offset && (at === null || pfn < at)) at = pfn;
  if (offset !== 0n) {
    let unlisted = first + 1n;
    while (listed.has(unlisted)) unlisted++;
    if (unlisted < end && (at === null || unlisted < at)) at = unlisted;
  }
  return at === null ? { straddles: false, at: null } : { straddles: true, at };
}
