// Address translation through the tree as Linux 6.1's drivers/of/address.c does it: the bus types (PCI, ISA,
// a 3-cell bus with a flags cell, the default), cell counts inherited from ancestors, of_translate_dma_address
// through every level's dma-ranges, and the range parser that turns a node's dma-ranges into windows,
// merging entries that continue each other.
import { readNumber } from './values';
import type { DtNode } from './tree';

/** OF_BAD_ADDR: ((u64)-1). */
export const OF_BAD_ADDR = (1n << 64n) - 1n;
const U64 = (value: bigint): bigint => BigInt.asUintN(64, value);

/** OF_ROOT_NODE_ADDR_CELLS_DEFAULT (1 except on sparc) and OF_ROOT_NODE_SIZE_CELLS_DEFAULT. */
const ROOT_ADDR_CELLS = 1;
const ROOT_SIZE_CELLS = 1;
/** OF_MAX_ADDR_CELLS. */
const MAX_ADDR_CELLS = 4;

/** of_bus_n_addr_cells: the node's own #address-cells, else the nearest ancestor's, else the root default. */
export function busAddrCells(node: DtNode): number {
  for (let at: DtNode | null = node; at; at = at.parent) {
    const cells = at.u32('#address-cells');
    if (cells !== null) return cells;
  }
  return ROOT_ADDR_CELLS;
}

export function busSizeCells(node: DtNode): number {
  for (let at: DtNode | null = node; at; at = at.parent) {
    const cells = at.u32('#size-cells');
    if (cells !== null) return cells;
  }
  return ROOT_SIZE_CELLS;
}

/** of_n_addr_cells: the cells a node's addresses take, i.e. its parent's #address-cells. */
export function addrCells(node: DtNode): number {
  return busAddrCells(node.parent ?? node);
}

export function sizeCells(node: DtNode): number {
  return busSizeCells(node.parent ?? node);
}

/** OF_CHECK_COUNTS: 1..4 address cells and at least one size cell. */
function countsValid(na: number, ns: number): boolean {
  return na > 0 && na <= MAX_ADDR_CELLS && ns > 0;
}

export type BusName = 'pci' | 'isa' | 'default-flags' | 'default';

const IORESOURCE_IO = 0x100;
const IORESOURCE_MEM = 0x200;
const IORESOURCE_PREFETCH = 0x2000;
const IORESOURCE_MEM_64 = 0x100000;

interface OfBus {
  name: BusName;
  flagCells: 0 | 1;
  countCells(child: DtNode): { na: number; ns: number };
  map(addr: number[], range: readonly number[], na: number, ns: number, pna: number): bigint;
  getFlags(addr: readonly number[]): number;
}

/** of_bus_pci_match: device_type pci, pciex, vci or ht, or a node named `pcie` (with a warning in the log). */
export function isPciBus(node: DtNode): boolean {
  const type = node.strings('device_type')?.[0];
  return type === 'pci' || type === 'pciex' || type === 'vci' || type === 'ht' || node.baseName === 'pcie';
}

/** of_bus_pci_get_flags: the space code and prefetch bit of phys.hi. */
export function pciFlags(cell: number): number {
  let flags = 0;
  switch ((cell >>> 24) & 3) {
    case 1:
      flags |= IORESOURCE_IO;
      break;
    case 2:
      flags |= IORESOURCE_MEM;
      break;
    case 3:
      flags |= IORESOURCE_MEM | IORESOURCE_MEM_64;
      break;
  }
  if (cell & 0x40000000) flags |= IORESOURCE_PREFETCH;
  return flags;
}

function skipFlagsMap(addr: readonly number[], range: readonly number[], na: number, ns: number, pna: number): bigint {
  const cp = readNumber(range, 1, na - 1);
  const size = readNumber(range, na + pna, ns);
  const da = readNumber(addr, 1, na - 1);
  if (da < cp || da >= U64(cp + size)) return OF_BAD_ADDR;
  return U64(da - cp);
}

const PCI_BUS: OfBus = {
  name: 'pci',
  flagCells: 1,
  countCells: () => ({ na: 3, ns: 2 }),
  map(addr, range, na, ns, pna) {
    if ((pciFlags(addr[0]!) ^ pciFlags(range[0]!)) & (IORESOURCE_MEM | IORESOURCE_IO)) return OF_BAD_ADDR;
    return skipFlagsMap(addr, range, na, ns, pna);
  },
  getFlags: (addr) => pciFlags(addr[0]!),
};

const ISA_BUS: OfBus = {
  name: 'isa',
  flagCells: 1,
  countCells: () => ({ na: 2, ns: 1 }),
  map(addr, range, na, ns, pna) {
    if ((addr[0]! ^ range[0]!) & 1) return OF_BAD_ADDR;
    return skipFlagsMap(addr, range, na, ns, pna);
  },
  getFlags: (addr) => (addr[0]! & 1 ? IORESOURCE_IO : IORESOURCE_MEM),
};

const DEFAULT_FLAGS_BUS: OfBus = {
  name: 'default-flags',
  flagCells: 1,
  countCells: (child) => ({ na: addrCells(child), ns: sizeCells(child) }),
  map(addr, range, na, ns, pna) {
    if (addr[0] !== range[0]) return OF_BAD_ADDR;
    return skipFlagsMap(addr, range, na, ns, pna);
  },
  getFlags: (addr) => addr[0]!,
};

const DEFAULT_BUS: OfBus = {
  name: 'default',
  flagCells: 0,
  countCells: (child) => ({ na: addrCells(child), ns: sizeCells(child) }),
  map(addr, range, na, ns, pna) {
    const cp = readNumber(range, 0, na);
    const size = readNumber(range, na + pna, ns);
    const da = readNumber(addr, 0, na);
    if (da < cp || da >= U64(cp + size)) return OF_BAD_ADDR;
    return U64(da - cp);
  },
  getFlags: () => IORESOURCE_MEM,
};

/** of_match_bus: the bus type a node's children sit on. */
export function matchBus(node: DtNode): OfBus {
  if (isPciBus(node)) return PCI_BUS;
  if (node.baseName === 'isa') return ISA_BUS;
  if (busAddrCells(node) === 3) return DEFAULT_FLAGS_BUS;
  return DEFAULT_BUS;
}

/** of_bus_default_translate (and the flags variant, which keeps the first cell). */
function translateInPlace(addr: number[], offset: bigint, na: number, flagCells: number): void {
  const cells = na - flagCells;
  const value = U64(readNumber(addr, flagCells, cells) + offset);
  for (let index = flagCells; index < na; index++) addr[index] = 0;
  if (cells > 1) addr[flagCells + cells - 2] = Number((value >> 32n) & 0xffffffffn);
  addr[flagCells + cells - 1] = Number(value & 0xffffffffn);
}

/**
 * __of_get_dma_parent: the node named by `interconnects` at the "dma-mem" index of `interconnect-names`, else
 * the parent. `findPhandle` resolves a phandle to its node.
 */
export function dmaParent(node: DtNode, findPhandle: (phandle: number) => DtNode | null): DtNode | null {
  const names = node.strings('interconnect-names');
  const index = names?.indexOf('dma-mem') ?? -1;
  if (index < 0) return node.parent;
  const target = phandleArgs(node, 'interconnects', '#interconnect-cells', index, findPhandle);
  return target?.node ?? node.parent;
}

/** of_parse_phandle_with_args: the index-th (phandle, args...) entry of a list whose arg count the target states. */
export function phandleArgs(
  node: DtNode,
  listName: string,
  cellsName: string,
  index: number,
  findPhandle: (phandle: number) => DtNode | null,
): { node: DtNode; args: number[] } | null {
  const list = node.cells(listName);
  if (!list) return null;
  let at = 0;
  for (let current = 0; at < list.length; current++) {
    const phandle = list[at]!;
    at++;
    if (phandle === 0) {
      // An empty entry (phandle 0) takes no arguments.
      if (current === index) return null;
      continue;
    }
    const target = findPhandle(phandle);
    if (!target) return null;
    const count = target.u32(cellsName);
    if (count === null || at + count > list.length) return null;
    const args = list.slice(at, at + count);
    at += count;
    if (current === index) return { node: target, args };
  }
  return null;
}

/** of_translate_one for one level; false when the address falls outside every entry (or dma-ranges is needed). */
function translateOne(
  level: DtNode,
  bus: OfBus,
  parentBus: OfBus,
  addr: number[],
  na: number,
  ns: number,
  pna: number,
  rangesName: 'ranges' | 'dma-ranges',
): boolean {
  const ranges = level.cells(rangesName);
  const property = level.property(rangesName);
  // A missing `dma-ranges` counts as an empty one (1:1); a missing `ranges` stops translation.
  if (!property && rangesName !== 'dma-ranges') return false;
  let offset: bigint;
  if (!property || property.bytes.length === 0) {
    offset = readNumber(addr, 0, na);
    for (let index = parentBus.flagCells; index < pna; index++) addr[index] = 0;
  } else {
    const entry = na + pna + ns;
    const list = ranges ?? [];
    offset = OF_BAD_ADDR;
    let matched = -1;
    for (let at = 0; at + entry <= list.length; at += entry) {
      offset = bus.map(addr, list.slice(at, at + entry), na, ns, pna);
      if (offset !== OF_BAD_ADDR) {
        matched = at;
        break;
      }
    }
    if (matched < 0) return false;
    for (let index = 0; index < pna; index++) addr[index] = list[matched + na + index]!;
  }
  translateInPlace(addr, offset, pna, parentBus.flagCells);
  return true;
}

/** Why a translation stopped, for diagnostics; null when it reached the root. */
export interface Translation {
  address: bigint;
  /** The node whose dma-ranges (or cell counts) stopped the walk. */
  failedAt: DtNode | null;
  reason: string | null;
}

/**
 * of_translate_dma_address: translates an address of `node`'s parent bus (`cells`, as many as the parent's
 * #address-cells) up through every dma parent's dma-ranges to a CPU physical address.
 */
export function translateDmaAddress(
  node: DtNode,
  cells: readonly number[],
  findPhandle: (phandle: number) => DtNode | null,
): Translation {
  const bad = (failedAt: DtNode | null, reason: string): Translation => ({ address: OF_BAD_ADDR, failedAt, reason });
  let parent = dmaParent(node, findPhandle);
  if (!parent) return bad(node, `${node.path} has no parent to translate through`);
  let bus = matchBus(parent);
  let { na, ns } = bus.countCells(node);
  if (!countsValid(na, ns))
    return bad(node, `bad cell count (#address-cells ${na}, #size-cells ${ns}) for ${node.path}`);
  const addr = [...cells.slice(0, na)];
  for (;;) {
    const dev: DtNode = parent;
    parent = dmaParent(dev, findPhandle);
    if (!parent) return { address: readNumber(addr, 0, na), failedAt: null, reason: null };
    const parentBus = matchBus(parent);
    const counts = parentBus.countCells(dev);
    if (!countsValid(counts.na, counts.ns))
      return bad(dev, `bad cell count (#address-cells ${counts.na}, #size-cells ${counts.ns}) above ${dev.path}`);
    if (!translateOne(dev, bus, parentBus, addr, na, ns, counts.na, 'dma-ranges'))
      return bad(
        dev,
        `no dma-ranges entry of ${dev.path} covers bus address 0x${readNumber(addr, bus.flagCells, na - bus.flagCells).toString(16)}`,
      );
    na = counts.na;
    ns = counts.ns;
    bus = parentBus;
  }
}

/** One window as the range parser returns it (of_pci_range), before OF_BAD_ADDR entries are dropped. */
export interface ParsedRange {
  flags: number;
  busAddress: bigint;
  cpuAddress: bigint;
  size: bigint;
  /** Entries (0-based) of the property merged into this range. */
  entries: number[];
  /** When cpuAddress is OF_BAD_ADDR: why translation failed. */
  failure: Translation | null;
}

export interface RangeLayout {
  na: number;
  pna: number;
  ns: number;
  bus: BusName;
  /** Cells per entry (na + pna + ns). */
  entryCells: number;
}

/** parser_init for dma-ranges: the child, parent and size cell counts and the node's bus type. */
export function dmaRangesLayout(node: DtNode): RangeLayout {
  const na = busAddrCells(node);
  const pna = addrCells(node);
  const ns = busSizeCells(node);
  return { na, pna, ns, bus: matchBus(node).name, entryCells: na + pna + ns };
}

/**
 * of_pci_range_parser_one over a whole `dma-ranges`: each entry's bus address, its CPU address through
 * of_translate_dma_address, and its size; consecutive entries with the same flags that continue each other
 * on both sides are merged into one range. A partial trailing entry is ignored, as the parser does.
 */
export function parseDmaRanges(node: DtNode, findPhandle: (phandle: number) => DtNode | null): ParsedRange[] {
  const cells = node.cells('dma-ranges') ?? [];
  const { na, pna, ns, entryCells } = dmaRangesLayout(node);
  const bus = matchBus(node);
  const ranges: ParsedRange[] = [];
  const read = (at: number) => {
    const entry = cells.slice(at, at + entryCells);
    const translation = translateDmaAddress(node, entry.slice(na, na + pna), findPhandle);
    return {
      flags: bus.getFlags(entry),
      busAddress: readNumber(entry, bus.flagCells, na - bus.flagCells),
      cpuAddress: translation.address,
      size: readNumber(entry, na + pna, ns),
      failure: translation.failedAt || translation.reason ? translation : null,
    };
  };
  if (entryCells <= 0) return ranges;
  let index = 0;
  for (let at = 0; at + entryCells <= cells.length;) {
    const first = read(at);
    const range: ParsedRange = { ...first, entries: [index] };
    at += entryCells;
    index++;
    while (at + entryCells <= cells.length) {
      const next = read(at);
      if (next.flags !== range.flags) break;
      if (
        next.busAddress !== U64(range.busAddress + range.size) ||
        next.cpuAddress !== U64(range.cpuAddress + range.size)
      )
        break;
      range.size = U64(range.size + next.size);
      range.entries.push(index);
      at += entryCells;
      index++;
    }
    ranges.push(range);
  }
  return ranges;
}

/**
 * of_dma_get_max_cpu_address(NULL): the lowest last CPU address any dma-ranges in the tree reaches (PHYS_ADDR_MAX
 * when none limits it). arm64 sizes ZONE_DMA from it (zone_sizes_init).
 */
export function maxDmaCpuAddress(
  node: DtNode,
  findPhandle: (phandle: number) => DtNode | null,
  available: (node: DtNode) => boolean,
): bigint {
  let max = OF_BAD_ADDR;
  const property = node.property('dma-ranges');
  if (property && property.bytes.length > 0) {
    let cpuEnd = 0n;
    for (const range of parseDmaRanges(node, findPhandle)) {
      const end = U64(range.cpuAddress + range.size);
      if (end > cpuEnd) cpuEnd = U64(range.cpuAddress + range.size - 1n);
    }
    if (max > cpuEnd) max = cpuEnd;
  }
  for (const child of node.liveChildren) {
    if (!available(child)) continue;
    const below = maxDmaCpuAddress(child, findPhandle, available);
    if (below < max) max = below;
  }
  return max;
}
