// A board node as a platform: its DMA configuration and the board's RAM turned into the plain facts the core
// builds a profile from (core/src/devicetree/board-profile.ts).
import { basename } from 'node:path';
import { boardProfile, type BoardDeviceFacts, type BoardProfile } from '@dmalens/core';
import { maxDmaCpuAddress } from './address';
import type { Board } from './board';
import { isAvailable, type DtNode } from './tree';

/** `bcm2711-rpi-4-b`: the board's file name without its extension. */
export function boardName(board: Board): string {
  return basename(board.file).replace(/\.(dts|dtsi|dtso)$/, '');
}

/** The id a board node has as a platform: `bcm2711-rpi-4-b:/scb/ethernet@7d580000`. */
export function boardPlatformId(board: Board, node: DtNode): string {
  return `${boardName(board)}:${node.path}`;
}

/** arm64's zone_dma_bits = min(32, fls64(of_dma_get_max_cpu_address(NULL))); null on other arches. */
export function zoneDmaBits(board: Board): number | null {
  if (board.arch !== 'arm64') return null;
  const max = maxDmaCpuAddress(board.root, board.facts.findPhandle, isAvailable);
  return Math.min(32, max === 0n ? 0 : max.toString(2).length);
}

export function boardDeviceFacts(board: Board, node: DtNode): BoardDeviceFacts {
  const config = board.config(node);
  const name = boardName(board);
  const model = board.root.strings('model')?.[0];
  return {
    id: boardPlatformId(board, node),
    title: `${model ?? name} ${node.path}`,
    short: `${name}:${node.name}`,
    arch: board.arch,
    sources: [
      `${board.file} ${node.path}`,
      'drivers/of/device.c:of_dma_configure_id',
      'drivers/of/address.c:of_dma_get_range',
    ],
    windows: config.windows?.map(({ cpu, dma, size }) => ({ cpu, dma, size })) ?? null,
    busDmaLimit: config.busDmaLimit,
    maskBits: config.dmaMask.toString(2).replace(/^0+/, '').length,
    coherent: config.coherent,
    iommu: config.iommu?.node.path ?? null,
    restrictedPool: config.restrictedPool
      ? { base: config.restrictedPool.base, size: config.restrictedPool.size }
      : null,
    ram: board.memory.map(({ base, size }) => ({ base, size })),
    pci: config.pciDevice,
    zoneDmaBits: zoneDmaBits(board),
  };
}

export function boardNodeProfile(board: Board, node: DtNode): BoardProfile {
  return boardProfile(boardDeviceFacts(board, node));
}
