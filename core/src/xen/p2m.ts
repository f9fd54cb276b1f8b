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

/** `range_straddles_page_boundary`: true when consecutive pfns are not consecutive machine frames. */
export function rangeStraddlesPageBoundary(
  session: EngineSession,
  phys: bigint,
  size: bigint,
): { straddles: boolean; at: bigint | null } {
  let pfn = phys >> XEN_PAGE_SHIFT;
  const pages = ((phys & XEN_PAGE_MASK) + size + XEN_PAGE_MASK) >> XEN_PAGE_SHIFT;
  let nextBfn = pfnToBfn(session, pfn);
  for (let i = 1n; i < pages; i++) {
    pfn += 1n;
    nextBfn += 1n;
    if (pfnToBfn(session, pfn) !== nextBfn) return { straddles: true, at: pfn };
  }
  return { straddles: false, at: null };
}
