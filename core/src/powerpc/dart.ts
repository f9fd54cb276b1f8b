// U3/U4 DART (PowerMac G5, JS2x), spec §4.6: one 2 GiB table of 4-byte entries at bus 0, and on U4's
// own PCIe a bypass window at 0x80_0000_0000 for masks of 40 bits or more.
import { hex } from '../engine/bits';
import type { DmaContext } from '../engine/ops';
import type { Params } from '../params/spec';
import { IommuTable } from './tce-table';
import { dartOps, type DartModel, type TceTableOps } from './table-ops';
import { ppcIommuState } from './iommu-state';
import { ramEnd } from './util';

const SOURCE = 'arch/powerpc/sysdev/dart_iommu.c';
/** DART_U4_BYPASS_BASE (arch/powerpc/sysdev/dart.h). */
export const DART_U4_BYPASS_BASE = 0x8000000000n;
/** The 2 MiB table of 4-byte entries: 524288 entries of 4 KiB = a 2 GiB window. */
const DART_TABLE_ENTRIES = 524288;

export function dartTableOps(params: Params): TceTableOps {
  return dartOps(params.dart as DartModel);
}

/** `iommu_table_dart_setup`: it_offset 0 (entry 0 reserved), it_blocksize 1, last entry reserved. */
export function dartTable(): IommuTable {
  return IommuTable.init({
    itOffset: 0n,
    itSize: DART_TABLE_ENTRIES,
    itPageShift: 12,
    itBlocksize: 1,
    reserveLastEntry: true,
  });
}

/** Whether `dart_init` sets the DART up: not with iommu=off, nor with RAM ending at or below 1 GiB unless iommu=on. */
export function dartEnabled(params: Params): boolean {
  const setting = params.dart_iommu as string;
  if (setting === 'off') return false;
  return setting === 'on' || ramEnd(params) > DART_MIN_RAM_END;
}

/** dart_init's threshold: memblock_end_of_DRAM() <= 0x40000000 keeps the DART off. */
const DART_MIN_RAM_END = 0x40000000n;

function u4Pcie(params: Params): boolean {
  return params.dart === 'u4' && params.dart_on_u4_pcie === true;
}

/** `pci_dma_dev_setup_dart`. */
export function dartDevSetup(ctx: DmaContext): void {
  const { params, dev } = ctx.session;
  if (!dartEnabled(params)) {
    ctx.trace.stage(
      'dart_init',
      null,
      null,
      params.dart_iommu === 'off'
        ? 'iommu=off: dart_init returns -ENODEV, so iommu_init_early_dart installs no DART hooks and PCI devices keep dma-direct (dma = phys).'
        : `RAM ends at ${hex(ramEnd(params))}, not above 1 GiB, and iommu=on is not given: dart_init returns -ENODEV (some default devices have 30-bit limits), so PCI devices keep dma-direct (dma = phys).`,
      `${SOURCE}:dart_init`,
      '§4.6',
    );
    return;
  }
  const state = ppcIommuState(ctx.session);
  if (!state.defaultTable) {
    state.defaultTable = dartTable();
    state.table = state.defaultTable;
  }
  if (u4Pcie(params)) dev.dmaOffset = DART_U4_BYPASS_BASE;
  ctx.trace.stage(
    'pci_dma_dev_setup_dart',
    null,
    null,
    `DART table of ${DART_TABLE_ENTRIES} 4 KiB entries (2 GiB at bus 0, first and last entry reserved)${u4Pcie(params) ? `; on U4 PCIe archdata.dma_offset = ${hex(DART_U4_BYPASS_BASE)}` : ''}.`,
    `${SOURCE}:pci_dma_dev_setup_dart`,
    '§4.6',
  );
}

/** `iommu_bypass_supported_dart`: U4, device on U4 PCIe, mask >= DMA_BIT_MASK(40). */
export function dartBypassSupported(ctx: DmaContext, mask: bigint): boolean {
  const { params } = ctx.session;
  const ok = u4Pcie(params) && mask >= (1n << 40n) - 1n;
  ctx.trace.stage(
    'iommu_bypass_supported_dart',
    null,
    null,
    ok
      ? `U4 PCIe device with a mask of at least 40 bits: bypass, dma = phys + ${hex(DART_U4_BYPASS_BASE)}.`
      : 'No bypass (U3, not on U4 PCIe, or mask below 40 bits): mappings go through the DART.',
    `${SOURCE}:iommu_bypass_supported_dart`,
    '§4.6',
  );
  return ok;
}
