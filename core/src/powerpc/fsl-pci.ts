// Freescale/NXP PCI host bridges (85xx/86xx/QorIQ), spec §4.7: inbound window 1 maps RAM from PCI
// address 0 up to the outbound windows; with more RAM a second window at pci64_dma_offset maps all
// of it for 64-bit devices, and everyone else bounces through swiotlb above bus_dma_limit.
import type { DmaContext } from '../engine/ops';
import type { Params } from '../params/spec';
import { ramEnd } from './util';
import { hex, orderBase2 } from '../engine/bits';

const SOURCE = 'arch/powerpc/sysdev/fsl_pci.c';

export interface FslInbound {
  /** hose->dma_window_size: RAM reachable through inbound window 1 at PCI 0. */
  windowSize: bigint;
  /** pci64_dma_offset, or null when RAM fits in window 1 (or the bridge is not PCIe). */
  pci64DmaOffset: bigint | null;
}

/** `setup_pci_atmu`: window 1 = min(RAM, lowest outbound PCI address); window 2 at 2^ceil(log2 RAM). */
export function fslInbound(params: Params): FslInbound {
  const mem = ramEnd(params);
  const paddrLo = params.fsl_outbound_lowest as bigint;
  const windowSize = mem < paddrLo ? mem : paddrLo;
  if (windowSize === mem || params.fsl_pcie !== true) return { windowSize, pci64DmaOffset: null };
  // The next power of two at or above the RAM size (the kernel's ilog2, plus one unless exact).
  return { windowSize, pci64DmaOffset: 1n << BigInt(orderBase2(mem)) };
}

/** Device setup: RAM beyond window 1 needs swiotlb (pci_dma_dev_setup_swiotlb sets bus_dma_limit). */
export function fslDevSetup(ctx: DmaContext): void {
  const { params, dev } = ctx.session;
  const inbound = fslInbound(params);
  dev.dmaOffset = 0n;
  if (inbound.windowSize < ramEnd(params)) {
    dev.busDmaLimit = inbound.windowSize - 1n;
    ctx.trace.stage(
      'pci_dma_dev_setup_swiotlb',
      null,
      null,
      `Inbound window 1 maps only ${hex(inbound.windowSize)} bytes of RAM: ppc_swiotlb_enable = 1 and bus_dma_limit = ${hex(dev.busDmaLimit)}${inbound.pci64DmaOffset !== null ? `; window 2 maps all RAM at pci64_dma_offset ${hex(inbound.pci64DmaOffset)} for 64-bit masks` : ''}.`,
      `${SOURCE}:setup_pci_atmu`,
      '§4.7',
    );
  } else {
    ctx.trace.stage(
      'setup_pci_atmu',
      null,
      null,
      `Inbound window 1 maps all ${hex(inbound.windowSize)} bytes of RAM at PCI 0: dma = phys.`,
      `${SOURCE}:setup_pci_atmu`,
      '§4.7',
    );
  }
}

/** `fsl_pci_dma_set_mask` (ppc_md.dma_set_mask): masks reaching window 2 switch to its offset. */
export function fslSetMask(ctx: DmaContext, mask: bigint): void {
  const { params, dev } = ctx.session;
  const { pci64DmaOffset } = fslInbound(params);
  if (pci64DmaOffset === null || !dev.isPci) return;
  if (mask >= pci64DmaOffset * 2n - 1n) {
    dev.busDmaLimit = 0n;
    dev.dmaOffset = pci64DmaOffset;
    ctx.trace.stage(
      'fsl_pci_dma_set_mask',
      null,
      null,
      `Mask ${hex(mask)} >= 2 * pci64_dma_offset - 1: bus_dma_limit = 0 and archdata.dma_offset = ${hex(pci64DmaOffset)}, so dma = phys + ${hex(pci64DmaOffset)}.`,
      `${SOURCE}:fsl_pci_dma_set_mask`,
      '§4.7',
    );
  } else {
    ctx.trace.stage(
      'fsl_pci_dma_set_mask',
      null,
      null,
      `Mask ${hex(mask)} cannot reach window 2 (needs ${hex(pci64DmaOffset * 2n - 1n)}): the device stays on window 1 with swiotlb above bus_dma_limit.`,
      `${SOURCE}:fsl_pci_dma_set_mask`,
      '§4.7',
    );
  }
}
