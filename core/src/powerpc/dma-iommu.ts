// `dma_iommu_ops` (arch/powerpc/kernel/dma-iommu.c, §4.1): the dma_map_ops of every powerpc PCI
// device behind a TCE-style IOMMU, and dma_iommu_dma_supported, which decides the bypass at
// dma_set_mask time.
import type { DmaContext, DmaMapOps, MappingRecord } from '../engine/ops';
import type { PhysRange } from '../types';
import { ppcIommuState } from './iommu-state';
import { ppcPlatform } from './platform';
import {
  IOMAP_MAX_ORDER,
  iommuMapCoherent,
  iommuMapPage,
  iommuUnmapCoherent,
  iommuUnmapPage,
  ppcIommuMapSg,
  ppcIommuUnmapSg,
  type SgOutSegment,
  type TceMapEnv,
} from './iommu-map';
import { allocatePages, lowestAllocatablePage, pageAllocator } from '../dma/pages';
import { ramEnd } from '../dma/ram';
import { hex, orderBase2 } from '../engine/bits';
import type { IommuTable } from './tce-table';
import { pageOffset, pageShift } from './util';

const SOURCE = 'arch/powerpc/kernel/dma-iommu.c';

/** What a TCE mapping keeps for unmap. */
export interface TceMappingData {
  npages: number;
  /** Output segments of a map_sg. */
  sgOut?: SgOutSegment[];
}

function mapEnv(ctx: DmaContext, table: IommuTable): TceMapEnv {
  const { params, dev } = ctx.session;
  const ops = ppcPlatform(params).tableOps?.(params);
  if (!ops) throw new Error(`ppc_platform '${String(params.ppc_platform)}' has no IOMMU table ops`);
  return {
    trace: ctx.trace,
    table,
    ops,
    dmaMask: dev.dmaMask,
    segBoundaryMask: dev.segBoundaryMask,
    maxSegSize: dev.maxSegSize,
    pageShift: pageShift(params),
    pageOffset: pageOffset(params),
    cpu: ctx.cpu,
    novmerge: params.iommu_novmerge === true,
  };
}

/**
 * `dma_iommu_dma_supported(dev, mask)`: a PCI device whose PHB supports bypass for this mask gets
 * dma_ops_bypass (only when bus_dma_limit is 0); otherwise it needs a table whose it_offset the mask
 * can reach.
 */
export function dmaIommuDmaSupported(ctx: DmaContext, mask: bigint): boolean {
  const { dev, params } = ctx.session;
  const platform = ppcPlatform(params);
  if (dev.isPci && platform.bypassSupported?.(ctx, mask)) {
    dev.dmaOpsBypass = dev.busDmaLimit === 0n;
    if (!dev.dmaOpsBypass) {
      ctx.trace.stage(
        'dma_iommu_dma_supported',
        null,
        null,
        `Bypass is possible but bus_dma_limit is set: dma_ops_bypass stays false ("iommu: 64-bit OK but direct DMA is limited by ${dev.busDmaLimit.toString(16)}").`,
        `${SOURCE}:dma_iommu_dma_supported`,
        '§4.1',
      );
      ctx.trace.note(`iommu: 64-bit OK but direct DMA is limited by ${dev.busDmaLimit.toString(16)}`, 'setup');
    } else {
      ctx.trace.stage(
        'dma_iommu_dma_supported',
        null,
        null,
        `Bypass: dev->dma_ops_bypass = true, maps go to dma-direct with dma = phys + archdata.dma_offset (${hex(dev.dmaOffset)}).`,
        `${SOURCE}:dma_iommu_dma_supported`,
        '§4.1',
      );
    }
    return true;
  }
  const table = ppcIommuState(ctx.session).table;
  if (!table) {
    ctx.trace.stage(
      'dma_iommu_dma_supported',
      null,
      null,
      'The device has no IOMMU table: the mask is refused.',
      `${SOURCE}:dma_iommu_dma_supported`,
      '§4.1',
    );
    ctx.trace.fail(`Warning: IOMMU dma not supported: mask 0x${mask.toString(16).padStart(8, '0')}, table unavailable`);
    return false;
  }
  if (table.itOffset > mask >> BigInt(table.itPageShift)) {
    ctx.trace.stage(
      'dma_iommu_dma_supported',
      null,
      null,
      `it_offset ${hex(table.itOffset)} is beyond mask >> it_page_shift: the mask is refused.`,
      `${SOURCE}:dma_iommu_dma_supported`,
      '§4.1',
    );
    ctx.trace.fail('Warning: IOMMU offset too big for device mask');
    return false;
  }
  dev.dmaOpsBypass = false;
  ctx.trace.stage(
    'dma_iommu_dma_supported',
    null,
    null,
    'No bypass for this mask: dma_ops_bypass = false, maps allocate entries in the IOMMU table.',
    `${SOURCE}:dma_iommu_dma_supported`,
    '§4.1',
  );
  return true;
}

function noTable(ctx: DmaContext): { dma: null; path: 'error' } {
  ctx.trace.stage(
    'iommu_map_page',
    null,
    null,
    'The device has no IOMMU table (tbl == NULL): the map returns DMA_MAPPING_ERROR.',
    'arch/powerpc/kernel/iommu.c:iommu_map_page',
    '§4.2',
  );
  ctx.trace.fail('DMA_MAPPING_ERROR (no IOMMU table)');
  return { dma: null, path: 'error' };
}

export const dmaIommuOps: DmaMapOps = {
  name: 'dma_iommu_ops',
  path: 'ppc-tce',
  source: SOURCE,

  setup(ctx) {
    // The driver's dma_set_mask at probe: the bypass / DDW decision happens here, once.
    dmaIommuDmaSupported(ctx, ctx.session.dev.dmaMask);
  },

  mapPage(ctx, phys, size, dir, attrs) {
    const table = ppcIommuState(ctx.session).table;
    if (!table) return noTable(ctx);
    const path = ppcPlatform(ctx.session.params).path;
    ctx.trace.path = path;
    const secure =
      ctx.session.params.mem_encrypt === 'svm'
        ? ' Secure VM: 6.1 has no SVM case here, so the TCEs point at guest-private memory (§4.3).'
        : '';
    ctx.trace.stage(
      'dma_iommu_map_page',
      phys,
      null,
      `Not bypassed: iommu_map_page on the device's table with dma_get_mask(dev).${secure}`,
      `${SOURCE}:dma_iommu_map_page`,
      '§4.1',
    );
    const { dma, npages } = iommuMapPage(mapEnv(ctx, table), phys, size, dir, attrs);
    const data: TceMappingData = { npages };
    return { dma, path, opsData: data };
  },

  unmapPage(ctx, record) {
    const table = ppcIommuState(ctx.session).table;
    if (!table || record.dma === null) return;
    ctx.trace.path = ppcPlatform(ctx.session.params).path;
    ctx.trace.stage(
      'dma_iommu_unmap_page',
      record.dma,
      null,
      "iommu_unmap_page on the device's table.",
      `${SOURCE}:dma_iommu_unmap_page`,
      '§4.1',
    );
    iommuUnmapPage(mapEnv(ctx, table), record.dma, record.size);
  },

  mapSg(ctx, entries, dir, attrs) {
    const table = ppcIommuState(ctx.session).table;
    const path = ppcPlatform(ctx.session.params).path;
    const records = (dmas: (bigint | null)[]): MappingRecord[] =>
      entries.map((entry, i) => ({
        op: 'map_sg',
        phys: entry.phys,
        size: entry.size,
        dir,
        attrs: [...attrs],
        dma: dmas[i] ?? null,
        path,
        direct: false,
        released: false,
      }));
    if (!table) {
      noTable(ctx);
      return { out: null, segments: records([]), path: 'error', errno: -22 };
    }
    ctx.trace.path = path;
    ctx.trace.stage(
      'dma_iommu_map_sg',
      null,
      null,
      "ppc_iommu_map_sg on the device's table.",
      `${SOURCE}:dma_iommu_map_sg`,
      '§4.2',
    );
    const result = ppcIommuMapSg(mapEnv(ctx, table), entries, dir, attrs);
    if (result.out === null) return { out: null, segments: records([]), path: 'error', errno: -5 };
    const out: PhysRange[] = result.out.map((segment) => ({ phys: segment.dma, size: segment.len }));
    const data: TceMappingData = { npages: 0, sgOut: result.out };
    return { out, segments: records(result.entryDma), path, opsData: data };
  },

  unmapSg(ctx, record) {
    const table = ppcIommuState(ctx.session).table;
    const data = record.opsData as TceMappingData | undefined;
    if (!table || !data?.sgOut) return;
    ctx.trace.path = ppcPlatform(ctx.session.params).path;
    ppcIommuUnmapSg(mapEnv(ctx, table), data.sgOut);
  },

  alloc(ctx, requested) {
    const { session, trace } = ctx;
    const pageSize = session.params.page_size as bigint;
    const size = ((requested + pageSize - 1n) / pageSize) * pageSize;
    const path = ppcPlatform(session.params).path;
    const ref = 'arch/powerpc/kernel/iommu.c:iommu_alloc_coherent';
    // get_order(size) for a size already in pages.
    const order = orderBase2(size / pageSize);
    if (order >= IOMAP_MAX_ORDER) {
      trace.stage(
        'iommu_alloc_coherent',
        null,
        null,
        `get_order(${hex(size)}) = ${order} >= IOMAP_MAX_ORDER (${IOMAP_MAX_ORDER}): refused.`,
        ref,
        '§4.2',
      );
      trace.fail(`iommu_alloc_consistent size too large: 0x${size.toString(16)}`);
      return { dma: null, phys: null, size, path: 'error' };
    }
    const table = ppcIommuState(session).table;
    if (!table) {
      noTable(ctx);
      return { dma: null, phys: null, size, path: 'error' };
    }
    // alloc_pages_node: any RAM will do, the TCEs make it reachable.
    const phys = allocatePages(ctx, size, pageSize, lowestAllocatablePage(session), ramEnd(session) - 1n, []);
    if (phys === null) {
      trace.fail('dma_alloc_coherent returned NULL (no free pages)');
      return { dma: null, phys: null, size, path: 'error' };
    }
    trace.path = path;
    trace.stage(
      'iommu_alloc_coherent',
      null,
      phys,
      `PAGE_ALIGN(${hex(requested)}) = ${hex(size)}: ${size / pageSize} zeroed page(s) at ${hex(phys)}, mapped BIDIRECTIONAL through the TCE table with the coherent mask.`,
      ref,
      '§4.2',
    );
    const env = mapEnv(ctx, table);
    env.dmaMask = session.dev.coherentDmaMask;
    const dma = iommuMapCoherent(env, phys, size);
    if (dma === null) {
      pageAllocator(session).free(phys);
      trace.fail('dma_alloc_coherent returned NULL (iommu_alloc failed)');
      return { dma: null, phys: null, size, path: 'error' };
    }
    return { dma, phys, size, path };
  },

  free(ctx, record) {
    const table = ppcIommuState(ctx.session).table;
    if (record.pages) pageAllocator(ctx.session).free(record.pages.phys);
    if (!table || record.dma === null) return;
    ctx.trace.path = ppcPlatform(ctx.session.params).path;
    ctx.trace.stage(
      'iommu_free_coherent',
      record.dma,
      null,
      'Clears the TCEs of the coherent buffer and frees its pages.',
      'arch/powerpc/kernel/iommu.c:iommu_free_coherent',
      '§4.2',
    );
    iommuUnmapCoherent(mapEnv(ctx, table), record.dma, record.size);
  },

  dmaSupported(ctx, mask) {
    return dmaIommuDmaSupported(ctx, mask);
  },

  rule(ctx) {
    const { dev } = ctx.session;
    if (dev.dmaOpsBypass) return `dma = phys + ${hex(dev.dmaOffset)}`;
    const table = ppcIommuState(ctx.session).table;
    if (!table) return 'DMA_MAPPING_ERROR (no IOMMU table)';
    const tceMask = table.tceSize - 1n;
    return `dma = (entry + ${hex(table.itOffset)}) << ${table.itPageShift} | (phys & ${hex(tceMask)}), entry allocated in the TCE table`;
  },
};
