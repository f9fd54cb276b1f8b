// A node's DMA configuration in words, shared by `dmalens dt` and the editor: the windows with their
// offsets, the limit and masks, coherence, IOMMU, restricted pool, and what the kernel logs about them.
import { formatAddress } from '@dmalens/core';
import type { Board } from './board';
import type { DmaConfig, DmaWindow } from './dma-config';
import type { DtNode } from './tree';

/** 1 GiB, 512 MiB, 64 KiB, or hex when the size is not a whole unit. */
export function sizeText(bytes: bigint): string {
  const units: [bigint, string][] = [
    [1n << 40n, 'TiB'],
    [1n << 30n, 'GiB'],
    [1n << 20n, 'MiB'],
    [1n << 10n, 'KiB'],
  ];
  for (const [unit, name] of units) if (bytes >= unit && bytes % unit === 0n) return `${bytes / unit} ${name}`;
  return `${formatAddress(bytes)} bytes`;
}

/** `dma = phys + 0xc000_0000` (or minus), the window's translation rule. */
export function offsetText(window: DmaWindow): string {
  const offset = BigInt.asUintN(64, window.dma - window.cpu);
  if (offset === 0n) return 'dma = phys';
  const negative = window.dma < window.cpu;
  const magnitude = negative ? window.cpu - window.dma : window.dma - window.cpu;
  return `dma = phys ${negative ? '-' : '+'} ${formatAddress(magnitude)}`;
}

export function windowText(window: DmaWindow): string {
  const cpuEnd = BigInt.asUintN(64, window.cpu + window.size - 1n);
  return `cpu ${formatAddress(window.cpu)}..${formatAddress(cpuEnd)} -> dma ${formatAddress(window.dma)} (${sizeText(window.size)}; ${offsetText(window)})`;
}

function maskBits(mask: bigint): number {
  return mask.toString(2).replace(/^0+/, '').length;
}

/** The configuration as lines of plain text, most important first. */
export function describeConfig(config: DmaConfig): string[] {
  const lines: string[] = [];
  if (config.pciDevice) lines.push(`a PCI device: configured from its host bridge ${config.configNode.path}`);
  if (config.windows) {
    const count = config.windows.length;
    lines.push(
      `dma_range_map from the dma-ranges of ${config.rangesNode?.path} (${count} window${count === 1 ? '' : 's'}):`,
    );
    for (const window of config.windows) lines.push(`  ${windowText(window)}`);
  } else lines.push('no dma_range_map: dma = phys for every address');
  const limit = config.busDmaLimit === null ? 'none' : formatAddress(config.busDmaLimit);
  lines.push(
    `bus_dma_limit ${limit}; masks at probe ${maskBits(config.dmaMask)} bits (the bus default of 32, clipped by of_dma_configure)`,
  );
  lines.push(`${config.coherent ? 'coherent' : 'non-coherent'} (${config.coherentWhy})`);
  if (config.iommu) lines.push(`behind the IOMMU ${config.iommu.node.path} (${config.iommu.property})`);
  else lines.push(`no IOMMU${config.iommuWhy ? ` (${config.iommuWhy})` : ''}`);
  if (config.restrictedPool) {
    const { node, base, size } = config.restrictedPool;
    const where = base === null ? 'allocated at boot' : `at ${formatAddress(base)}`;
    lines.push(`restricted DMA pool ${node.path}: ${sizeText(size)} ${where}; every streaming map bounces through it`);
  }
  if (config.error) lines.push(`error: ${config.error}`);
  for (const note of [...config.notes, ...config.remarks]) lines.push(`note: ${note}`);
  return lines;
}

/** The board's header line: file, architecture and RAM. */
export function describeBoard(board: Board, name: string): string[] {
  const arch = board.arch ? `${board.arch} (${board.archWhy})` : 'architecture unknown';
  const ram = board.memory.length
    ? board.memory.map((bank) => `${formatAddress(bank.base)}..${formatAddress(bank.base + bank.size - 1n)}`).join(', ')
    : 'not in the tree (the bootloader fills in the memory node)';
  return [`${name}: ${arch}`, `RAM: ${ram}`];
}

export function compatibleText(node: DtNode): string {
  return (node.strings('compatible') ?? []).join(', ');
}
