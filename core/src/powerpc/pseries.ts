// pseries LPAR (PowerVM or KVM/QEMU) DMA setup, spec §4.3: the default 32-bit TCE window from
// ibm,dma-window and the dynamic DMA window (DDW) that enable_ddw creates for 64-bit masks.
import type { DmaContext } from '../engine/ops';
import type { Params } from '../params/spec';
import { hex, orderBase2 } from '../engine/bits';
import { IommuTable } from './tce-table';
import { pseriesLparOps, type PseriesFirmware, type TceTableOps } from './table-ops';
import { ppcIommuState } from './iommu-state';
import { TCES_PER_HCALL, recordHypercalls } from './tce';
import { DMA_BIT_MASK_64, ddwPageShift, ramEnd, windowEntries } from './util';

const SOURCE = 'arch/powerpc/platforms/pseries/iommu.c';
/** IOMMU_PAGE_SHIFT_4K: the default window always uses 4 KiB TCEs. */
const DEFAULT_WINDOW_SHIFT = 12;

/**
 * FW_FEATURE_PUT_TCE_IND / STUFF_TCE after boot: from the firmware list, both cleared by
 * multitce=off (disable_multitce), PUT_TCE_IND cleared in a secure VM.
 */
export function pseriesFirmware(params: Params): PseriesFirmware {
  const features = params.fw_features as string[];
  const multitce = params.multitce === 'on';
  const secure = params.mem_encrypt === 'svm';
  return {
    putTceInd: multitce && !secure && features.includes('PUT_TCE_IND'),
    stuffTce: multitce && features.includes('STUFF_TCE'),
  };
}

export function pseriesTableOps(params: Params): TceTableOps {
  return pseriesLparOps(pseriesFirmware(params));
}

/** `iommu_table_setparms_lpar` + `iommu_init_table(tbl, node, 0, 0)` for the default window. */
export function pseriesDefaultTable(params: Params): IommuTable {
  const base = params.tce_window_base as bigint;
  const size = params.tce_window_size as bigint;
  return IommuTable.init({
    itOffset: base >> BigInt(DEFAULT_WINDOW_SHIFT),
    itSize: windowEntries('tce_window_size', size, DEFAULT_WINDOW_SHIFT),
    itPageShift: DEFAULT_WINDOW_SHIFT,
    itBlocksize: params.it_blocksize as number,
  });
}

/** `pci_dma_dev_setup_pSeriesLP`: the device gets the default window's table. */
export function pseriesDevSetup(ctx: DmaContext): void {
  const { params } = ctx.session;
  // Bad DDW geometry is reported when the session is built, not at the first 64-bit dma_set_mask.
  if (params.ddw !== 'off') {
    const shift = ddwPageShift(params);
    if (params.ddw === 'table')
      windowEntries('ddw_table_size', 1n << BigInt(orderBase2(params.ddw_table_size as bigint)), shift);
  }
  const state = ppcIommuState(ctx.session);
  if (!state.defaultTable) {
    state.defaultTable = pseriesDefaultTable(params);
    state.table = state.defaultTable;
  }
  const table = state.defaultTable;
  ctx.trace.stage(
    'pci_dma_dev_setup_pSeriesLP',
    null,
    null,
    `Default DMA window from ibm,dma-window: bus ${hex(table.itOffset << 12n)}..${hex(((table.itOffset + BigInt(table.itSize)) << 12n) - 1n)}, ${table.itSize} TCEs of 4 KiB, ${table.nrPools} pool(s) of ${table.poolsize} + large pool from entry ${table.largePool.start}.`,
    `${SOURCE}:pci_dma_dev_setup_pSeriesLP`,
    '§4.3',
  );
}

/** Setup cost of a direct DDW: tce_setrange_multi_pSeriesLP over all RAM (walk_system_ram_range). */
function recordDirectWindowSetup(ctx: DmaContext, winAddr: bigint, pageShiftDdw: number): void {
  const { params } = ctx.session;
  const firmware = pseriesFirmware(params);
  const tceSize = 1n << BigInt(pageShiftDdw);
  const start = params.ram_base as bigint;
  const end = ramEnd(params);
  const first = start & ~(tceSize - 1n);
  const numTce = Number((end - first + tceSize - 1n) / tceSize);
  const rwTce = (phys: bigint): string => hex(phys | 3n);
  if (firmware.putTceInd) {
    const calls = Math.ceil(numTce / TCES_PER_HCALL);
    recordHypercalls(
      ctx.trace,
      'H_PUT_TCE_INDIRECT',
      'setup',
      [
        `(L2, ioba=${hex(winAddr + first)}, __pa(tce_page), ${Math.min(numTce, TCES_PER_HCALL)}) TCEs ${rwTce(first)},…`,
      ],
      calls,
    );
    ctx.trace.stage(
      'tce_setrange_multi_pSeriesLP',
      start,
      winAddr + start,
      `All RAM is pre-mapped once: ${numTce} TCEs of ${tceSize / 1024n} KiB, ${TCES_PER_HCALL} per H_PUT_TCE_INDIRECT = ${calls} calls.`,
      `${SOURCE}:tce_setrange_multi_pSeriesLP`,
      '§4.3',
    );
  } else {
    recordHypercalls(
      ctx.trace,
      'H_PUT_TCE',
      'setup',
      [`(L2, ioba=${hex(winAddr + first)}, tce=${rwTce(first)})`],
      numTce,
    );
    ctx.trace.stage(
      'tce_setrange_multi_pSeriesLP',
      start,
      winAddr + start,
      `Without FW_FEATURE_PUT_TCE_IND all RAM is pre-mapped with one H_PUT_TCE per TCE: ${numTce} calls.`,
      `${SOURCE}:tce_setrange_multi_pSeriesLP`,
      '§4.3',
    );
  }
  ctx.trace.note('ibm,query-pe-dma-window and ibm,create-pe-dma-window RTAS calls', 'setup');
}

/**
 * `enable_ddw`: create (once) a dynamic DMA window. With ddw=direct it covers RAM, is pre-mapped and
 * the device bypasses the IOMMU at dma_offset = win_addr; with ddw=table it becomes the device's TCE
 * table (it_offset = win_addr >> page_shift). Returns whether the window is a direct mapping.
 */
function enableDdw(ctx: DmaContext): boolean {
  const { params, dev } = ctx.session;
  const state = ppcIommuState(ctx.session);
  if (state.ddw) {
    ctx.trace.stage(
      'enable_ddw',
      null,
      null,
      `The dynamic window already exists (find_existing_ddw): ${state.ddw.direct ? 'direct mapping' : 'IOMMU table'} at ${hex(state.ddw.winAddr)}.`,
      `${SOURCE}:enable_ddw`,
      '§4.3',
    );
    return state.ddw.direct;
  }
  const winAddr = params.ddw_base as bigint;
  const pageShiftDdw = ddwPageShift(params);
  const maxRamLen = orderBase2(ramEnd(params));
  if (params.ddw === 'direct') {
    const len = maxRamLen;
    recordDirectWindowSetup(ctx, winAddr, pageShiftDdw);
    dev.dmaOffset = winAddr;
    state.ddw = { direct: true, winAddr, len, table: null };
    let note = `Window of 2^${len} bytes at ${hex(winAddr)} with ${2 ** (pageShiftDdw - 10)} KiB TCEs covers all RAM: direct mapping, archdata.dma_offset = ${hex(winAddr)}.`;
    if (params.pmem) {
      // The window only covers RAM, not the persistent memory, so direct DMA is limited.
      dev.busDmaLimit = winAddr + (1n << BigInt(len));
      note += ` ibm,pmemory is present and the window is only RAM-sized: bus_dma_limit = ${hex(dev.busDmaLimit)}.`;
    }
    ctx.trace.stage('enable_ddw', null, null, note, `${SOURCE}:enable_ddw`, '§4.3');
    return true;
  }
  const size = params.ddw_table_size as bigint;
  const len = orderBase2(size);
  const shift = BigInt(pageShiftDdw);
  const m32Start = params.m32_pci_base as bigint;
  const table = IommuTable.init({
    itOffset: winAddr >> shift,
    itSize: windowEntries('ddw_table_size', 1n << BigInt(len), pageShiftDdw),
    itPageShift: pageShiftDdw,
    itBlocksize: 16,
    reservedStart: m32Start >> shift,
    reservedEnd: (1n << 32n) >> shift,
  });
  ctx.trace.note('ibm,query-pe-dma-window and ibm,create-pe-dma-window RTAS calls', 'setup');
  dev.dmaOffset = winAddr;
  state.ddw = { direct: false, winAddr, len, table };
  state.table = table;
  ctx.trace.stage(
    'enable_ddw',
    null,
    null,
    `The largest window firmware offers (2^${len} bytes) cannot map all RAM (2^${maxRamLen}): it becomes a second TCE table (tables[1]) with it_offset = ${hex(table.itOffset)} and ${2 ** (pageShiftDdw - 10)} KiB TCEs; maps still cost hypercalls.`,
    `${SOURCE}:enable_ddw`,
    '§4.3',
  );
  return false;
}

/**
 * `iommu_bypass_supported_pSeriesLP`: only a full 64-bit mask tries a dynamic window (not installed
 * at all with disable_ddw).
 */
export function pseriesBypassSupported(ctx: DmaContext, mask: bigint): boolean {
  const { params } = ctx.session;
  if (params.ddw === 'off') {
    ctx.trace.stage(
      'iommu_bypass_supported_pSeriesLP',
      null,
      null,
      'disable_ddw: the PHB has no iommu_bypass_supported hook, the device keeps the default window.',
      `${SOURCE}:iommu_init_early_pSeries`,
      '§4.3',
    );
    return false;
  }
  if (mask < DMA_BIT_MASK_64) {
    ctx.trace.stage(
      'iommu_bypass_supported_pSeriesLP',
      null,
      null,
      `Mask ${hex(mask)} is below DMA_BIT_MASK(64): no dynamic window is attempted.`,
      `${SOURCE}:iommu_bypass_supported_pSeriesLP`,
      '§4.3',
    );
    return false;
  }
  return enableDdw(ctx);
}
