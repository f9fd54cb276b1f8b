// The JSON contract of `dmalens dt --json`: per listed node, what of_dma_configure gives it, with addresses as
// plain lowercase 0x hex (no `_` grouping).
import { hex } from '@dmalens/core';
import type { Board } from './board';
import type { DmaConfig } from './dma-config';
import type { DtNode } from './tree';

export interface DmaNodeJson {
  path: string;
  compatible: string[];
  dma_ranges: { cpu: string; dma: string; size: string }[] | null;
  bus_dma_limit: string | null;
  coherent: boolean;
  iommu: boolean;
  restricted_pool: { base: string | null; size: string } | null;
  error: string | null;
}

export interface BoardJson {
  dts: string;
  nodes: DmaNodeJson[];
}

export function nodeJson(node: DtNode, config: DmaConfig): DmaNodeJson {
  return {
    path: node.path,
    compatible: node.strings('compatible') ?? [],
    dma_ranges: config.windows
      ? config.windows.map((window) => ({ cpu: hex(window.cpu), dma: hex(window.dma), size: hex(window.size) }))
      : null,
    bus_dma_limit: config.busDmaLimit === null ? null : hex(config.busDmaLimit),
    coherent: config.coherent,
    iommu: config.iommu !== null,
    restricted_pool: config.restrictedPool
      ? {
          base: config.restrictedPool.base === null ? null : hex(config.restrictedPool.base),
          size: hex(config.restrictedPool.size),
        }
      : null,
    error: config.error,
  };
}

/** `dts` is the file as the user named it; `nodes` the given nodes, or every listed device of the board. */
export function boardJson(dts: string, board: Board, nodes: readonly DtNode[] = board.devices()): BoardJson {
  return { dts, nodes: nodes.map((node) => nodeJson(node, board.config(node))) };
}
