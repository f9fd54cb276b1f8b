// What the editor reports in a device-tree file: what cpp or dtc would reject (the resolver's problems),
// what of_dma_configure_id would log or silently degrade for a device, and three board bring-up mistakes
// the kernel does not report at all: dma-ranges windows that overlap, RAM that no window covers, and a
// restricted DMA pool too small to hold a segment. Each finding sits on what the user wrote in this file.
import { formatAddress } from '@dmalens/core';
import { sizeText, type Board, type DmaConfig, type DtNode, type Origin } from '../devicetree';
import { nodeExamples, outcomeText, ramOutside } from './board-examples';

export type BoardFindingCode =
  'dt-build' | 'dt-dma-config' | 'dt-window-overlap' | 'dt-ram-outside-windows' | 'dt-restricted-pool-size';

export interface BoardFinding {
  code: BoardFindingCode;
  severity: 'error' | 'warning' | 'information';
  message: string;
  origin: Origin;
}

/** IO_TLB_SEGSIZE slots of 1 << IO_TLB_SHIFT bytes: the largest bounce one map can take (kernel/dma/swiotlb.c). */
const SWIOTLB_SEGMENT_BYTES = 128n * 2048n;

export function boardFindings(board: Board, inFile: (path: string) => boolean): BoardFinding[] {
  const findings: BoardFinding[] = [];
  const seen = new Set<string>();
  const add = (finding: BoardFinding) => {
    const key = `${finding.origin.start}:${finding.origin.end}:${finding.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(finding);
  };
  for (const problem of board.problems)
    if (problem.origin && inFile(problem.origin.file))
      add({ code: 'dt-build', severity: problem.severity, message: problem.message, origin: problem.origin });
  const buses = new Map<DtNode, { config: DmaConfig; device: DtNode }>();
  for (const device of board.devices()) {
    const config = board.config(device);
    const at = configOrigin(config, device, inFile);
    if (at) {
      if (config.error)
        add({ code: 'dt-dma-config', severity: 'error', message: `${device.path}: ${config.error}`, origin: at });
      for (const note of config.notes)
        add({ code: 'dt-dma-config', severity: 'warning', message: `${device.path}: ${note}`, origin: at });
    }
    if (config.rangesNode && config.windows && !buses.has(config.rangesNode))
      buses.set(config.rangesNode, { config, device });
    const pool = config.restrictedPool;
    const poolAt = pool && (propertyOrigin(device, 'memory-region', inFile) ?? nameOrigin(pool.node, inFile));
    if (pool && poolAt && pool.size < SWIOTLB_SEGMENT_BYTES)
      add({
        code: 'dt-restricted-pool-size',
        severity: 'warning',
        message: `${device.path}: the restricted DMA pool ${pool.node.path} holds ${sizeText(pool.size)}, less than one swiotlb segment (${sizeText(SWIOTLB_SEGMENT_BYTES)}): every streaming map of this device bounces through it, dma_max_mapping_size() still answers ${sizeText(SWIOTLB_SEGMENT_BYTES)}, and a map larger than the pool's free slots fails with "swiotlb buffer is full" (kernel/dma/swiotlb.c:swiotlb_do_find_slots)`,
        origin: poolAt,
      });
  }
  for (const [bus, { config, device }] of buses) {
    const at = propertyOrigin(bus, 'dma-ranges', inFile);
    if (!at) continue;
    for (const message of overlaps(config))
      add({ code: 'dt-window-overlap', severity: 'warning', message, origin: at });
    const outside = ramOutside(board.memory, config.windows ?? []);
    if (outside.length > 0) add(ramFinding(board, bus, device, outside, at));
  }
  return findings;
}

/** Windows whose CPU or DMA ranges overlap: the kernel's lookups take the first window that matches. */
function overlaps(config: DmaConfig): string[] {
  const windows = config.windows ?? [];
  const messages: string[] = [];
  for (let a = 0; a < windows.length; a++)
    for (let b = a + 1; b < windows.length; b++) {
      const first = windows[a]!;
      const second = windows[b]!;
      if (intersects(first.cpu, first.size, second.cpu, second.size))
        messages.push(
          `dma-ranges windows ${a + 1} and ${b + 1} overlap in CPU addresses (from ${formatAddress(maxOf(first.cpu, second.cpu))}): translate_phys_to_dma takes window ${a + 1} there, so window ${b + 1}'s translation never applies to those addresses`,
        );
      if (intersects(first.dma, first.size, second.dma, second.size))
        messages.push(
          `dma-ranges windows ${a + 1} and ${b + 1} overlap in DMA addresses (from ${formatAddress(maxOf(first.dma, second.dma))}): translate_dma_to_phys takes window ${a + 1} there, so addresses of window ${b + 1} come back as the wrong physical address`,
        );
    }
  return messages;
}

function ramFinding(
  board: Board,
  bus: DtNode,
  device: DtNode,
  outside: readonly { base: bigint; size: bigint }[],
  origin: Origin,
): BoardFinding {
  const ranges = outside.map(({ base, size }) => `${formatAddress(base)}..${formatAddress(base + size - 1n)}`);
  const example = nodeExamples(board, device).examples.find((entry) => entry.phys === outside[0]!.base);
  const consequence = example ? `; a buffer there mapped for ${device.path}: ${outcomeText(example)}` : '';
  // Bouncing is the kernel working as designed (slower); a map that fails is a broken board.
  const fails = !example?.result || example.result.dma === null || example.result.error !== null;
  return {
    code: 'dt-ram-outside-windows',
    severity: fails ? 'warning' : 'information',
    message: `RAM ${ranges.join(', ')} is outside every dma-ranges window of ${bus.path}: dma-direct cannot give its devices an address there (dma_capable fails), so such buffers bounce through swiotlb or the map fails${consequence}`,
    origin,
  };
}

/** Where a device's configuration message belongs in this file: the dma-ranges it came from, else the node. */
function configOrigin(config: DmaConfig, device: DtNode, inFile: (path: string) => boolean): Origin | null {
  return (config.rangesNode && propertyOrigin(config.rangesNode, 'dma-ranges', inFile)) ?? nameOrigin(device, inFile);
}

function propertyOrigin(node: DtNode, name: string, inFile: (path: string) => boolean): Origin | null {
  const property = node.property(name);
  const origin = property?.nameOrigin ?? property?.origin;
  return origin && inFile(origin.file) ? origin : null;
}

function nameOrigin(node: DtNode, inFile: (path: string) => boolean): Origin | null {
  return node.nameOrigins.find((origin) => inFile(origin.file)) ?? null;
}

function intersects(a: bigint, aSize: bigint, b: bigint, bSize: bigint): boolean {
  return aSize > 0n && bSize > 0n && a < b + bSize && b < a + aSize;
}

function maxOf(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
