// IOTLB invalidation models (§3.3): VT-d page-selective invalidation with its address mask, the lazy
// flush queue, and the caching-mode flush on map.
import type { DmaContext, EngineSession, SessionState } from '../engine/ops';
import { U64_MAX, hex, ilog2, roundupPowOfTwo } from '../engine/bits';

const IOVA_FQ_SIZE = 256;

export function isStrict(session: EngineSession): boolean {
  const vtdCachingMode = (session.params.iommu_kind as string) === 'vtd' && (session.params.caching_mode as boolean);
  return (session.params.iommu_mode as string) === 'strict' || session.dev.untrusted || vtdCachingMode;
}

/**
 * `iommu_flush_iotlb_psi` address mask: am = ilog2(roundup_pow_of_two(pages)). The hardware ignores the
 * low am bits of the address, so when pfn is not aligned to 2^am the kernel widens am to the lowest bit
 * above that mask in which pfn and the last pfn agree, which makes the invalidated block cover the range.
 */
export function vtdAddressMask(pfn: bigint, pages: bigint): number {
  const alignedPages = roundupPowOfTwo(pages);
  const bitmask = alignedPages - 1n;
  if ((pfn & bitmask) === 0n) return ilog2(alignedPages);
  const endPfn = pfn + pages - 1n;
  const sharedBits = ~(pfn ^ endPfn) & ~bitmask & U64_MAX;
  // __ffs(shared_bits), or BITS_PER_LONG when no bit is shared.
  return sharedBits === 0n ? 64 : ilog2(sharedBits & -sharedBits);
}

/** Invalidation of a just-unmapped (or, in caching mode, just-mapped) range, per IOMMU kind. */
export function flushRange(
  ctx: DmaContext,
  iova: bigint,
  size: bigint,
  when: 'map' | 'unmap' | 'free' | 'alloc',
): void {
  const { session, trace } = ctx;
  const granule = session.params.iommu_granule as bigint;
  const pages = size / granule;
  switch (session.params.iommu_kind as string) {
    case 'vtd': {
      const pfn = iova / granule;
      const am = vtdAddressMask(pfn, pages);
      const amRule =
        (pfn & (roundupPowOfTwo(pages) - 1n)) === 0n
          ? `ilog2(roundup_pow_of_two(${pages}))`
          : `the lowest bit above ilog2(roundup_pow_of_two(${pages})) shared by the unaligned first and last pfn`;
      trace.flush({ kind: 'PSI', count: 1, when, addr: iova, am });
      trace.stage(
        'iommu_flush_iotlb_psi',
        iova,
        iova,
        `Page-selective invalidation of ${pages} page(s) at ${hex(iova)} with address mask am = ${amRule} = ${am}; a queued-invalidation descriptor plus wait (qi_submit_sync).`,
        'drivers/iommu/intel/iommu.c:iommu_flush_iotlb_psi',
        '§3.3',
      );
      // In caching mode only the non-present to present change of a map skips the device-IOTLB flush.
      const devTlb = (session.params.ats as boolean) && (!(session.params.caching_mode as boolean) || when !== 'map');
      if (devTlb) trace.flush({ kind: 'devTLB', count: 1, when, addr: iova, am });
      if (session.params.caching_mode as boolean)
        trace.note(`${when}: the invalidation traps to the VMM (caching mode)`);
      break;
    }
    case 'amd':
      trace.flush({ kind: 'INVALIDATE_IOMMU_PAGES', count: 1, when, addr: iova });
      trace.stage(
        'amd_iommu_iotlb_sync',
        iova,
        iova,
        `One INVALIDATE_IOMMU_PAGES command for ${pages} page(s) plus a completion wait.`,
        'drivers/iommu/amd/iommu.c:amd_iommu_iotlb_sync',
        '§3.3',
      );
      break;
    default:
      trace.flush({ kind: 'TLBI', count: 1, when, addr: iova });
      trace.stage(
        'arm_smmu_iotlb_sync',
        iova,
        iova,
        `TLBI commands for ${pages} page(s) then CMD_SYNC.`,
        'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:arm_smmu_iotlb_sync',
        '§3.3',
      );
  }
}

/** Domain-wide flush of the lazy mode (`flush_iotlb_all`). */
export function flushAll(ctx: DmaContext, when: 'unmap' | 'deferred'): void {
  const { session, trace } = ctx;
  const kind = (session.params.iommu_kind as string) === 'vtd' ? 'DSI' : 'flush_iotlb_all';
  trace.flush({ kind, count: 1, when });
  if ((session.params.iommu_kind as string) === 'vtd' && (session.params.ats as boolean))
    trace.flush({ kind: 'devTLB', count: 1, when });
}

interface FqEntry {
  pfn: bigint;
  pages: bigint;
}

/** Per-CPU flush-queue rings (`struct iova_fq`, IOVA_FQ_SIZE entries, one slot kept empty). */
export class FlushQueues implements SessionState {
  constructor(readonly rings: Map<number, FqEntry[]> = new Map()) {}

  clone(): FlushQueues {
    return new FlushQueues(new Map([...this.rings].map(([cpu, ring]) => [cpu, ring.map((entry) => ({ ...entry }))])));
  }

  fingerprint(): string {
    return '';
  }

  ring(cpu: number): FqEntry[] {
    let ring = this.rings.get(cpu);
    if (!ring) {
      ring = [];
      this.rings.set(cpu, ring);
    }
    return ring;
  }

  /** Whether some CPU's ring holds IOVAs, i.e. the fq_timer is armed and a domain flush is pending. */
  pending(): boolean {
    return [...this.rings.values()].some((ring) => ring.length > 0);
  }

  /** True when the ring cannot take another entry (`fq_full`). */
  full(cpu: number): boolean {
    return this.ring(cpu).length >= IOVA_FQ_SIZE - 1;
  }
}
