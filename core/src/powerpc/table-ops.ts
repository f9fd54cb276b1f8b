// `struct iommu_table_ops` (it_ops) of each powerpc IOMMU flavour: how the TCEs chosen by the common
// allocator are written into the hardware table and what that costs (§4.3-§4.6).
import { hex } from '../engine/bits';
import type { Direction, When } from '../types';
import type { TraceBuilder } from '../engine/trace';
import type { IommuTable } from './tce-table';
import { TCES_PER_HCALL, powernvTce, pseriesTce, recordHypercalls } from './tce';

export interface TceTableOps {
  /** Kernel name of it_ops->set, e.g. `tce_buildmulti_pSeriesLP`. */
  readonly setFn: string;
  readonly clearFn: string;
  /** Source file of the ops. */
  readonly source: string;
  /** The table entry value written for one IOMMU page at `phys`. */
  encode(phys: bigint, shift: number, dir: Direction): bigint;
  /** it_ops->set for entries [entry, entry + tces.length); `entry` is absolute (it_offset included). */
  set(trace: TraceBuilder, table: IommuTable, entry: bigint, tces: bigint[], when: When): void;
  /** it_ops->clear. */
  clear(trace: TraceBuilder, table: IommuTable, entry: bigint, npages: number, when: When): void;
  /** it_ops->flush, called after a map, a map_sg and a free. */
  flush?(trace: TraceBuilder, table: IommuTable, when: When): void;
}

/**
 * The argument lists of the hypercalls that cover `total` TCEs at most TCES_PER_HCALL at a time (one
 * 4 KiB page of TCEs per H_PUT_TCE_INDIRECT; the same limit for H_STUFF_TCE); `describe` gets the index
 * of the call's first TCE and its count.
 */
function chunkedCalls(total: number, describe: (first: number, count: number) => string): string[] {
  const calls: string[] = [];
  for (let first = 0; first < total; first += TCES_PER_HCALL)
    calls.push(describe(first, Math.min(total - first, TCES_PER_HCALL)));
  return calls;
}

function ioba(table: IommuTable, entry: bigint): string {
  return `ioba=${hex(entry << BigInt(table.itPageShift))}`;
}

/** Firmware features of an LPAR that decide the hypercall choice (arch/powerpc/platforms/pseries/firmware.c). */
export interface PseriesFirmware {
  /** FW_FEATURE_PUT_TCE_IND: H_PUT_TCE_INDIRECT is available. */
  putTceInd: boolean;
  /** FW_FEATURE_STUFF_TCE: H_STUFF_TCE is available. */
  stuffTce: boolean;
}

/**
 * `iommu_table_lpar_multi_ops` (arch/powerpc/platforms/pseries/iommu.c): every TCE update is a
 * hypercall to the hypervisor that owns the real table; there is no flush.
 */
export function pseriesLparOps(firmware: PseriesFirmware): TceTableOps {
  const source = 'arch/powerpc/platforms/pseries/iommu.c';
  return {
    setFn: 'tce_buildmulti_pSeriesLP',
    clearFn: 'tce_freemulti_pSeriesLP',
    source,
    encode: pseriesTce,
    set(trace, table, entry, tces, when) {
      if (tces.length === 1 || !firmware.putTceInd) {
        const calls = tces.map((tce, i) => `(L, ${ioba(table, entry + BigInt(i))}, tce=${hex(tce)})`);
        recordHypercalls(trace, 'H_PUT_TCE', when, calls);
        trace.stage(
          'tce_build_pSeriesLP',
          entry << BigInt(table.itPageShift),
          tces[0] ?? null,
          tces.length === 1
            ? "One TCE: a single H_PUT_TCE hypercall writes it (L = the window's LIOBN)."
            : `FW_FEATURE_PUT_TCE_IND is off (multitce=off or a secure VM), so each of the ${tces.length} TCEs costs one H_PUT_TCE hypercall.`,
          `${source}:tce_build_pSeriesLP`,
          '§4.3',
        );
        return;
      }
      const calls = chunkedCalls(tces.length, (first, n) => {
        const shown = tces
          .slice(first, first + Math.min(n, 4))
          .map(hex)
          .join(',');
        return `(L, ${ioba(table, entry + BigInt(first))}, __pa(tce_page), ${n}) TCEs ${shown}${n > 4 ? ',…' : ''}`;
      });
      recordHypercalls(trace, 'H_PUT_TCE_INDIRECT', when, calls);
      trace.stage(
        'tce_buildmulti_pSeriesLP',
        entry << BigInt(table.itPageShift),
        tces[0] ?? null,
        `${tces.length} TCEs are written into the per-CPU TCE page and handed over with H_PUT_TCE_INDIRECT, at most ${TCES_PER_HCALL} per call: ${calls.length} call(s).`,
        `${source}:tce_buildmulti_pSeriesLP`,
        '§4.3',
      );
    },
    clear(trace, table, entry, npages, when) {
      if (!firmware.stuffTce) {
        const calls = Array.from({ length: npages }, (_, i) => `(L, ${ioba(table, entry + BigInt(i))}, tce=0)`);
        recordHypercalls(trace, 'H_PUT_TCE', when, calls);
        trace.stage(
          'tce_free_pSeriesLP',
          entry << BigInt(table.itPageShift),
          null,
          `No FW_FEATURE_STUFF_TCE: each of the ${npages} TCEs is cleared by H_PUT_TCE with tce=0.`,
          `${source}:tce_free_pSeriesLP`,
          '§4.3',
        );
        return;
      }
      const calls = chunkedCalls(npages, (first, n) => `(L, ${ioba(table, entry + BigInt(first))}, 0, ${n})`);
      recordHypercalls(trace, 'H_STUFF_TCE', when, calls);
      trace.stage(
        'tce_freemulti_pSeriesLP',
        entry << BigInt(table.itPageShift),
        null,
        `H_STUFF_TCE writes 0 into ${npages} TCE(s), at most ${TCES_PER_HCALL} per call (used even for a single TCE): ${calls.length} call(s).`,
        `${source}:tce_freemulti_pSeriesLP`,
        '§4.3',
      );
    },
  };
}

/** Which IODA PHB generation invalidates the TCE cache (§4.4). */
export type PhbModel = 'phb3' | 'phb4';

/**
 * `pnv_ioda2_iommu_ops` (arch/powerpc/platforms/powernv/pci-ioda.c): the kernel owns the TCE table in
 * memory; each build and free is followed by a TCE cache kill.
 */
export function powernvIoda2Ops(phb: PhbModel): TceTableOps {
  const source = 'arch/powerpc/platforms/powernv/pci-ioda.c';
  const kill = (trace: TraceBuilder, npages: number, when: When): void => {
    if (phb === 'phb3') {
      trace.flush({ kind: 'PHB3 TCE kill (MMIO write)', count: npages, when });
      trace.note(`${npages} TCE write(s) + ${npages} MMIO write(s) to the PHB3 TCE kill register`, when);
      trace.stage(
        'pnv_pci_phb3_tce_invalidate',
        null,
        null,
        `PHB3 invalidates its TCE cache one IOMMU page at a time: ${npages} MMIO write(s) to the kill register.`,
        `${source}:pnv_pci_phb3_tce_invalidate`,
        '§4.4',
      );
    } else {
      trace.flush({ kind: 'opal_pci_tce_kill(OPAL_PCI_TCE_KILL_PAGES)', count: 1, when });
      trace.note(`${npages} TCE write(s) + 1 opal_pci_tce_kill OPAL call`, when);
      trace.stage(
        'pnv_pci_ioda2_tce_invalidate',
        null,
        null,
        `PHB4 and later invalidate the ${npages} TCE(s) with one opal_pci_tce_kill(OPAL_PCI_TCE_KILL_PAGES) firmware call; no hypercall.`,
        `${source}:pnv_pci_ioda2_tce_invalidate`,
        '§4.4',
      );
    }
  };
  return {
    setFn: 'pnv_ioda2_tce_build',
    clearFn: 'pnv_ioda2_tce_free',
    source,
    encode: powernvTce,
    set(trace, table, entry, tces, when) {
      trace.stage(
        'pnv_tce_build',
        entry << BigInt(table.itPageShift),
        tces[0] ?? null,
        `The kernel writes ${tces.length} TCE(s) straight into the in-memory table (permissions from iommu_direction_to_tce_perm).`,
        `${source}:pnv_ioda2_tce_build`,
        '§4.4',
      );
      kill(trace, tces.length, when);
    },
    clear(trace, table, entry, npages, when) {
      trace.stage(
        'pnv_tce_free',
        entry << BigInt(table.itPageShift),
        null,
        `The kernel zeroes ${npages} TCE(s) in the in-memory table.`,
        `${source}:pnv_ioda2_tce_free`,
        '§4.4',
      );
      kill(trace, npages, when);
    },
  };
}

/** DARTMAP_VALID and DARTMAP_RPNMASK (arch/powerpc/sysdev/dart.h). */
const DARTMAP_VALID = 0x80000000n;
const DARTMAP_RPNMASK = 0x00ffffffn;
/** Cache line of the PowerPC 970 (G5) that dart_cache_sync flushes with dcbf. */
const G5_CACHE_LINE = 128n;

/** `dart_cache_sync(base, count)`: flushes the table lines of count+1 four-byte entries. */
function dartCacheSyncLines(index: bigint, count: number): number {
  const start = index * 4n;
  const end = start + BigInt(count + 1) * 4n;
  const first = start - (start % G5_CACHE_LINE);
  const last = ((end + G5_CACHE_LINE - 1n) / G5_CACHE_LINE) * G5_CACHE_LINE;
  return Number((last - first) / G5_CACHE_LINE);
}

export type DartModel = 'u3' | 'u4';

/**
 * `iommu_dart_ops` (arch/powerpc/sysdev/dart_iommu.c): 4-byte entries in a cache-incoherent table.
 * U4 invalidates each built page; U3 marks the TLB dirty and flushes it whole in dart_flush.
 * `dirty` is per request: every build is followed by a flush in the same request.
 */
export function dartOps(model: DartModel): TceTableOps {
  const source = 'arch/powerpc/sysdev/dart_iommu.c';
  let dirty = false;
  return {
    setFn: 'dart_build',
    clearFn: 'dart_free',
    source,
    encode(phys, shift) {
      return DARTMAP_VALID | ((phys >> BigInt(shift)) & DARTMAP_RPNMASK);
    },
    set(trace, table, entry, tces, when) {
      const lines = dartCacheSyncLines(entry - table.itOffset, tces.length);
      trace.note(`dart_cache_sync: dcbf of ${lines} table cache line(s)`, when);
      if (model === 'u4') {
        trace.flush({ kind: 'dart_tlb_invalidate_one', count: tces.length, when });
        trace.stage(
          'dart_build',
          entry << BigInt(table.itPageShift),
          tces[0] ?? null,
          `U4: ${tces.length} entr${tces.length === 1 ? 'y' : 'ies'} written, ${lines} table line(s) flushed (dart_cache_sync), then one dart_tlb_invalidate_one (register write + poll) per page.`,
          `${source}:dart_build`,
          '§4.6',
        );
      } else {
        dirty = true;
        trace.stage(
          'dart_build',
          entry << BigInt(table.itPageShift),
          tces[0] ?? null,
          `U3: ${tces.length} entr${tces.length === 1 ? 'y' : 'ies'} written and ${lines} table line(s) flushed (dart_cache_sync); the TLB is marked dirty for dart_flush.`,
          `${source}:dart_build`,
          '§4.6',
        );
      }
    },
    clear(trace, table, entry, npages, when) {
      const lines = dartCacheSyncLines(entry - table.itOffset, npages);
      trace.note(`dart_cache_sync: dcbf of ${lines} table cache line(s)`, when);
      trace.stage(
        'dart_free',
        entry << BigInt(table.itPageShift),
        null,
        `${npages} entr${npages === 1 ? 'y is' : 'ies are'} reset to the empty value and ${lines} table line(s) flushed; no TLB invalidation on free.`,
        `${source}:dart_free`,
        '§4.6',
      );
    },
    flush(trace, _table, when) {
      if (!dirty) return;
      dirty = false;
      trace.flush({ kind: 'dart_tlb_invalidate_all (DART_CNTL FLUSHTLB)', count: 1, when });
      trace.stage(
        'dart_flush',
        null,
        null,
        'U3: the dirty DART TLB is invalidated whole (DART_CNTL FLUSHTLB, then poll).',
        `${source}:dart_flush`,
        '§4.6',
      );
    },
  };
}

/** CBE_IOPTE_* (arch/powerpc/include/asm/cell-regs.h / platforms/cell/iommu.c). */
const CBE_IOPTE_PP_W = 0x8000000000000000n;
const CBE_IOPTE_PP_R = 0x4000000000000000n;
const CBE_IOPTE_M = 0x2000000000000000n;
const CBE_IOPTE_SO_RW = 0x1800000000000000n;
const CBE_IOPTE_RPN_MASK = 0x07fffffffffff000n;
const CBE_IOPTE_IOID_MASK = 0x7ffn;
/** invalidate_tce_cache handles up to 1 << 11 IOPTEs per register write. */
const CELL_IOPTES_PER_INVALIDATE = 1 << 11;

/**
 * The IOPTE permission CELL_IOMMU_STRICT_PROTECTION (defined in 6.1) gives each direction: tce_build_cell
 * shifts 0xc48 left by 52 + 4 * direction and keeps PP_W | PP_R, so the device may read a TO_DEVICE buffer,
 * write a FROM_DEVICE one, and do both only for BIDIRECTIONAL.
 */
const CELL_IOPTE_PERMISSION: Record<Direction, bigint> = {
  bidirectional: CBE_IOPTE_PP_W | CBE_IOPTE_PP_R,
  to_device: CBE_IOPTE_PP_R,
  from_device: CBE_IOPTE_PP_W,
  none: 0n,
};

/** What an IOPTE's PP bits let the device do, in words. */
function permissionWords(iopte: bigint | undefined): string {
  const read = iopte !== undefined && (iopte & CBE_IOPTE_PP_R) !== 0n;
  const write = iopte !== undefined && (iopte & CBE_IOPTE_PP_W) !== 0n;
  return read && write
    ? 'the device may read and write'
    : read
      ? 'the device may only read'
      : write
        ? 'the device may only write'
        : 'no access';
}

/**
 * `tce_build_cell` / `tce_free_cell` (arch/powerpc/platforms/cell/iommu.c): IOPTEs with the direction's
 * permission, then an IOPTE cache invalidation of up to 2048 entries per MMIO write.
 */
export function cellOps(ioid: bigint): TceTableOps {
  const source = 'arch/powerpc/platforms/cell/iommu.c';
  const invalidate = (trace: TraceBuilder, npages: number, when: When): number => {
    const writes = Math.ceil(npages / CELL_IOPTES_PER_INVALIDATE);
    trace.flush({ kind: 'IOC_IOPT_CacheInvd (MMIO write + poll)', count: writes, when });
    return writes;
  };
  return {
    setFn: 'tce_build_cell',
    clearFn: 'tce_free_cell',
    source,
    encode(phys, _shift, dir) {
      return (
        CELL_IOPTE_PERMISSION[dir] |
        CBE_IOPTE_M |
        CBE_IOPTE_SO_RW |
        (ioid & CBE_IOPTE_IOID_MASK) |
        (phys & CBE_IOPTE_RPN_MASK)
      );
    },
    set(trace, table, entry, tces, when) {
      const writes = invalidate(trace, tces.length, when);
      trace.stage(
        'tce_build_cell',
        entry << BigInt(table.itPageShift),
        tces[0] ?? null,
        `${tces.length} IOPTE(s) written with the direction's permission (CELL_IOMMU_STRICT_PROTECTION: ${permissionWords(tces[0])}), then ${writes} IOPTE cache invalidation(s).`,
        `${source}:tce_build_cell`,
        '§4.5',
      );
    },
    clear(trace, table, entry, npages, when) {
      const writes = invalidate(trace, npages, when);
      trace.stage(
        'tce_free_cell',
        entry << BigInt(table.itPageShift),
        null,
        `${npages} IOPTE(s) cleared, then ${writes} IOPTE cache invalidation(s).`,
        `${source}:tce_free_cell`,
        '§4.5',
      );
    },
  };
}
