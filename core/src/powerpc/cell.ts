// IBM Cell blades (QS20 Spider, QS21/QS22 Axon), spec §4.5 (6.1 semantics; removed upstream ~v6.14).
import { hex } from '../engine/bits';
import type { DmaContext } from '../engine/ops';
import type { Params } from '../params/spec';
import { IommuTable } from './tce-table';
import { cellOps, type TceTableOps } from './table-ops';
import { ppcIommuState } from './iommu-state';
import { DMA_BIT_MASK_64, ramEnd, windowEntries } from './util';

const SOURCE = 'arch/powerpc/platforms/cell/iommu.c';
/** SPIDER_DMA_OFFSET. */
export const SPIDER_DMA_OFFSET = 0x80000000n;
/** IO_SEGMENT_SHIFT: the fixed mapping starts on a 256 MiB segment. */
const IO_SEGMENT_SIZE = 1n << 28n;
/** Above 32 GiB of fixed mapping the dynamic window is moved (cell_iommu_fixed_mapping_init). */
const FIXED_MAPPING_LIMIT = 0x800000000n;

/**
 * `cell_iommu_init`: the IOMMU stays off with iommu=off or when RAM fits below 2 GiB (unless forced),
 * except that cell_iommu_init_disabled refuses when the DMA window cannot cover RAM (the IOMMU is then
 * force-enabled). With Axon + dma-ranges the fixed mapping serves 64-bit devices, others use the
 * dynamic window.
 */
export function cellMode(params: Params): { enabled: boolean; fixed: boolean } {
  const setting = params.cell_iommu as string;
  const windowEnd = (params.tce_window_base as bigint) + (params.tce_window_size as bigint);
  const wantsOff = setting === 'off' || (setting === 'auto' && ramEnd(params) <= 0x80000000n);
  const canBeOff = windowEnd >= ramEnd(params);
  const enabled = !(wantsOff && canBeOff);
  return { enabled, fixed: enabled && params.cell_axon === true };
}

/** `cell_dma_nommu_offset`: SPIDER_DMA_OFFSET without Axon, plus the first ibm,dma-window base. */
export function cellNommuOffset(params: Params): bigint {
  return (params.cell_axon ? 0n : SPIDER_DMA_OFFSET) + (params.tce_window_base as bigint);
}

/** `cell_iommu_fixed_mapping_init`: fbase = ALIGN(dbase + dsize, 256 MiB), 0 when above 32 GiB [M]. */
export function cellFixedBase(params: Params): bigint {
  const end = (params.tce_window_base as bigint) + (params.tce_window_size as bigint);
  const fbase = ((end + IO_SEGMENT_SIZE - 1n) / IO_SEGMENT_SIZE) * IO_SEGMENT_SIZE;
  return fbase + ramEnd(params) > FIXED_MAPPING_LIMIT ? 0n : fbase;
}

export function cellTableOps(params: Params): TceTableOps {
  return cellOps(BigInt(params.cell_ioid as number));
}

/**
 * `cell_iommu_setup_window`: 4 KiB IOPTEs, it_blocksize 16, first page reserved for the Spider workaround.
 * cell_iommu_init_one passes SPIDER_DMA_OFFSET as the IOPTE offset for a Spider bridge (pci-internal), so
 * it_offset = (base >> 12) + (0x8000_0000 >> 12) and the device sees the window at bus base + 2 GiB; an Axon
 * bridge passes 0.
 */
export function cellDynamicTable(params: Params): IommuTable {
  const spider = params.cell_axon ? 0n : SPIDER_DMA_OFFSET;
  return IommuTable.init({
    itOffset: ((params.tce_window_base as bigint) >> 12n) + (spider >> 12n),
    itSize: windowEntries('tce_window_size', params.tce_window_size as bigint, 12),
    itPageShift: 12,
    itBlocksize: params.it_blocksize as number,
  });
}

/** `cell_dma_dev_setup`. */
export function cellDevSetup(ctx: DmaContext): void {
  const { params, dev } = ctx.session;
  const mode = cellMode(params);
  const ref = `${SOURCE}:cell_dma_dev_setup`;
  if (!mode.enabled) {
    dev.dmaOffset = cellNommuOffset(params);
    ctx.trace.stage(
      'cell_dma_dev_setup',
      null,
      null,
      `IOMMU off: direct DMA with archdata.dma_offset = ${params.cell_axon ? '' : 'SPIDER_DMA_OFFSET + '}window base = ${hex(dev.dmaOffset)}.`,
      ref,
      '§4.5',
    );
    return;
  }
  const state = ppcIommuState(ctx.session);
  if (!state.defaultTable) {
    state.defaultTable = cellDynamicTable(params);
    state.table = state.defaultTable;
  }
  if (mode.fixed) {
    dev.dmaOffset = (params.cell_fixed_dev_addr as bigint) + cellFixedBase(params);
    ctx.trace.stage(
      'cell_dma_dev_setup',
      null,
      null,
      `Fixed mapping of all RAM at fbase ${hex(cellFixedBase(params))}: archdata.dma_offset = dev_addr + fbase = ${hex(dev.dmaOffset)} (used by 64-bit devices); dynamic window for the rest.`,
      ref,
      '§4.5',
    );
  } else {
    ctx.trace.stage(
      'cell_dma_dev_setup',
      null,
      null,
      'IOMMU on without a fixed mapping: the device uses the dynamic window of 4 KiB IOPTEs.',
      ref,
      '§4.5',
    );
  }
}

/** `cell_pci_iommu_bypass_supported`: exactly DMA_BIT_MASK(64) and a fixed address. */
export function cellBypassSupported(ctx: DmaContext, mask: bigint): boolean {
  const ok = cellMode(ctx.session.params).fixed && mask === DMA_BIT_MASK_64;
  ctx.trace.stage(
    'cell_pci_iommu_bypass_supported',
    null,
    null,
    ok
      ? '64-bit mask and a fixed mapping: the device bypasses the dynamic window.'
      : 'No fixed mapping for this mask: the dynamic window is used.',
    `${SOURCE}:cell_pci_iommu_bypass_supported`,
    '§4.5',
  );
  return ok;
}
