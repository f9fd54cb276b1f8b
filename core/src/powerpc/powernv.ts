// powernv (bare-metal OPAL, IODA2 PHB3/PHB4), spec §4.4: TVE#1 bypass at 2^59, the PHB3 TVE#0
// 64-bit bypass for single-device PEs, otherwise the 32-bit TCE window with kernel-page-sized TCEs.
import type { DmaContext } from '../engine/ops';
import type { Params } from '../params/spec';
import { IommuTable } from './tce-table';
import { powernvIoda2Ops, type PhbModel, type TceTableOps } from './table-ops';
import { ppcIommuState } from './iommu-state';
import { hex, rounddownPowOfTwo } from '../engine/bits';
import { pageShift, ramEnd, windowEntries } from './util';

const SOURCE = 'arch/powerpc/platforms/powernv/pci-ioda.c';
/** pe->tce_bypass_base: PCI address bit 59 selects TVE#1. */
export const TCE_BYPASS_BASE = 1n << 59n;

export function powernvTableOps(params: Params): TceTableOps {
  return powernvIoda2Ops(params.phb as PhbModel);
}

/**
 * `pnv_pci_ioda2_setup_default_config`: window = min((maxblock * 8) << PAGE_SHIFT,
 * rounddown_pow_of_two(memory_hotplug_max())) at bus 0 with TCE size = PAGE_SIZE, the MMIO32 range
 * [m32_pci_base, 4G) reserved when the window reaches it.
 */
export function powernvDefaultTable(params: Params): IommuTable {
  const shift = pageShift(params);
  // MAX_ORDER in 6.1 (ARCH_FORCE_MAX_ORDER): 9 with 64 KiB pages, 13 with 4 KiB pages on ppc64.
  const maxOrder = shift >= 16 ? 9 : 13;
  const maxblock = 1n << BigInt(shift + maxOrder - 1);
  const byBitmap = (maxblock * 8n) << BigInt(shift);
  const maxMemory = rounddownPowOfTwo(ramEnd(params));
  const windowSize = byBitmap < maxMemory ? byBitmap : maxMemory;
  const m32 = params.m32_pci_base as bigint;
  const reserve = windowSize > m32;
  const fourG = 1n << 32n;
  return IommuTable.init({
    itOffset: 0n,
    itSize: windowEntries('ram', windowSize, shift),
    itPageShift: shift,
    itBlocksize: 16,
    ...(reserve
      ? { reservedStart: m32 >> BigInt(shift), reservedEnd: (windowSize < fourG ? windowSize : fourG) >> BigInt(shift) }
      : {}),
  });
}

/** `pnv_pci_ioda_dma_dev_setup`: dma_offset = tce_bypass_base and the PE's 32-bit table. */
export function powernvDevSetup(ctx: DmaContext): void {
  const { params, dev } = ctx.session;
  const state = ppcIommuState(ctx.session);
  if (!state.defaultTable) {
    state.defaultTable = powernvDefaultTable(params);
    state.table = state.defaultTable;
  }
  dev.dmaOffset = TCE_BYPASS_BASE;
  const table = state.defaultTable;
  ctx.trace.stage(
    'pnv_pci_ioda_dma_dev_setup',
    null,
    null,
    `archdata.dma_offset = tce_bypass_base ${hex(TCE_BYPASS_BASE)}; TVE#0 window of ${table.itSize} TCEs of ${2 ** (table.itPageShift - 10)} KiB at bus 0${table.reservedEnd > table.reservedStart ? `, entries ${table.reservedStart}..${table.reservedEnd - 1n} reserved for MMIO32` : ''}.`,
    `${SOURCE}:pnv_pci_ioda_dma_dev_setup`,
    '§4.4',
  );
}

/** `pnv_pci_ioda_iommu_bypass_supported`. */
export function powernvBypassSupported(ctx: DmaContext, mask: bigint): boolean {
  const { params, dev } = ctx.session;
  const ref = `${SOURCE}:pnv_pci_ioda_iommu_bypass_supported`;
  const top = TCE_BYPASS_BASE + ramEnd(params) - 1n;
  if (params.tce_bypass && mask >= top) {
    dev.dmaOffset = TCE_BYPASS_BASE;
    ctx.trace.stage(
      'pnv_pci_ioda_iommu_bypass_supported',
      null,
      null,
      `Mask covers tce_bypass_base + RAM (${hex(top)}): TVE#1 bypass, dma = phys + ${hex(TCE_BYPASS_BASE)}.`,
      ref,
      '§4.4',
    );
    return true;
  }
  const fourG = 1n << 32n;
  if (mask >> 32n !== 0n && mask > ramEnd(params) + fourG && params.single_device_pe && params.phb === 'phb3') {
    dev.dmaOffset = fourG;
    ctx.trace.note(
      'pnv_pci_ioda_dma_64bit_bypass: TVE#0 reprogrammed with 256 MiB TCEs over all RAM (OPAL calls)',
      'setup',
    );
    ctx.trace.stage(
      'pnv_pci_ioda_dma_64bit_bypass',
      null,
      null,
      'PHB3, single-device PE, mask wider than RAM + 4 GiB: TVE#0 becomes a bypass window, archdata.dma_offset = 4 GiB.',
      ref,
      '§4.4',
    );
    return true;
  }
  ctx.trace.stage(
    'pnv_pci_ioda_iommu_bypass_supported',
    null,
    null,
    `Mask ${hex(mask)} cannot reach the bypass window: the device uses the 32-bit TCE table.`,
    ref,
    '§4.4',
  );
  return false;
}
