// What a position in a device-tree file points at, for hovers and the pipeline: a device node (its name or a
// property that decides its DMA), or a bus through its dma-ranges. A bus is represented by a device it does
// not hold (never attached to the tree): what any child on it, such as a PCI function found at runtime,
// gets from those dma-ranges.
import { DtNode, isListedDevice, type Origin } from '../devicetree';

/** Properties that decide a device's DMA configuration: a hover on them explains it. */
const DMA_PROPERTIES = new Set([
  'compatible',
  'status',
  'dma-ranges',
  'dma-coherent',
  'dma-noncoherent',
  'iommus',
  'iommu-map',
  'memory-region',
]);

/** The name of the detached device that stands for a bus's devices (it shows in its platform's title). */
const BUS_DEVICE_NAME = '(device on this bus)';

export interface DmaNodeAt {
  /** The device node, or for a bus the detached child standing for its devices. */
  node: DtNode;
  /** The bus whose dma-ranges are pointed at; null for a device. */
  bus: DtNode | null;
  /** The name or property written at the position. */
  origin: Origin;
}

export function dmaNodeAt(root: DtNode, inFile: (path: string) => boolean, offset: number): DmaNodeAt | null {
  const found = nodeAt(root, inFile, offset);
  if (!found) return null;
  const { node, origin, property } = found;
  if (property !== null && !DMA_PROPERTIES.has(property)) return null;
  if (property === 'dma-ranges' || (!isListedDevice(node) && node.has('dma-ranges')))
    return { node: new DtNode(BUS_DEVICE_NAME, node), bus: node, origin };
  return isListedDevice(node) ? { node, bus: null, origin } : null;
}

/**
 * The node whose name, or one of whose properties, is written at the offset in this file. Only names and
 * properties answer: a statement's origin may cover only its first piece when macros expand inside it.
 */
function nodeAt(
  root: DtNode,
  inFile: (path: string) => boolean,
  offset: number,
): { node: DtNode; origin: Origin; property: string | null } | null {
  for (const node of root.walk()) {
    for (const property of node.properties) {
      if (property.deleted) continue;
      for (const origin of [property.nameOrigin, property.origin])
        if (origin && contains(origin, inFile, offset)) return { node, origin, property: property.name };
    }
    const name = node.nameOrigins.find((origin) => contains(origin, inFile, offset));
    if (name) return { node, origin: name, property: null };
  }
  return null;
}

function contains(origin: Origin, inFile: (path: string) => boolean, offset: number): boolean {
  return origin.start <= offset && offset <= origin.end && inFile(origin.file);
}
