// The DMA configuration Linux 6.1 gives a device at probe, from drivers/of/device.c:of_dma_configure_id:
// the dma_range_map from the nearest dma-ranges (of_dma_get_range), bus_dma_limit and the masks clipped to the
// windows' span, coherence (of_dma_is_coherent), an IOMMU (of_iommu_configure) and, without one, a restricted
// DMA pool (of_dma_set_restricted_buffer). A platform device is configured from its own node with force_dma;
// a PCI device described under a host bridge is configured from the bridge's node (pci_dma_configure).
import {
  dmaParent,
  dmaRangesLayout,
  isPciBus,
  OF_BAD_ADDR,
  parseDmaRanges,
  phandleArgs,
  type ParsedRange,
} from './address';
import { hex } from '@dmalens/core';
import type { ReservedRegion } from './memory';
import { isAvailable, type DtNode } from './tree';

export type BoardArch = 'arm' | 'arm64' | 'powerpc' | 'mips' | 'riscv';

/** What the configuration needs from the whole board. */
export interface BoardFacts {
  arch: BoardArch | null;
  /** The kernel's default coherence for devices the tree says nothing about (see defaultCoherence). */
  defaultCoherent: boolean;
  defaultCoherentWhy: string;
  findPhandle(phandle: number): DtNode | null;
  reserved: Map<DtNode, ReservedRegion>;
  reservedIgnored: string | null;
}

/** One entry of dev->dma_range_map (struct bus_dma_region). */
export interface DmaWindow {
  cpu: bigint;
  dma: bigint;
  size: bigint;
  /** Entries of the dma-ranges property merged into this window by the range parser. */
  entries: number[];
}

export interface DmaConfig {
  node: DtNode;
  /** The node of_dma_configure_id is called with: the device itself, or a PCI device's host bridge. */
  configNode: DtNode;
  pciDevice: boolean;
  /** The node whose dma-ranges became the map; null when there is no map. */
  rangesNode: DtNode | null;
  /** dev->dma_range_map, null when none was set (no dma-ranges, or only empty ones). */
  windows: DmaWindow[] | null;
  /** Entries whose CPU address could not be translated (skipped with a pr_err). */
  untranslated: ParsedRange[];
  /** dev->bus_dma_limit, null when not set (0 in the kernel). */
  busDmaLimit: bigint | null;
  /** The masks after of_dma_configure_id clipped the bus default (32 bits) to the windows' span. */
  dmaMask: bigint;
  coherentMask: bigint;
  coherent: boolean;
  coherentWhy: string;
  iommu: { node: DtNode; property: 'iommus' | 'iommu-map' } | null;
  iommuWhy: string | null;
  restrictedPool: { node: DtNode; base: bigint | null; size: bigint } | null;
  /** The kernel's error, as it would log it, or null. */
  error: string | null;
  /** What the kernel logs or silently does that the user should know: a problem of the tree. */
  notes: string[];
  /** What the kernel does that is worth knowing but changes nothing (an -ENODEV that loses no translation). */
  remarks: string[];
}

const U64 = (value: bigint): bigint => BigInt.asUintN(64, value);
/** The bus default: of_platform_device_create_pdata and pci_setup_device both start at DMA_BIT_MASK(32). */
const DEFAULT_MASK = 0xffffffffn;

export function dmaBitMask(bits: number): bigint {
  return bits >= 64 ? U64(-1n) : (1n << BigInt(bits)) - 1n;
}

/** ilog2; -1 for 0 as the kernel's fls64(0) - 1 gives, so that DMA_BIT_MASK(ilog2(0) + 1) is 0. */
function ilog2(value: bigint): number {
  return value === 0n ? -1 : value.toString(2).length - 1;
}

/** The PCI host bridge when the node is a PCI device (its parent is a PCI bus), else null. */
export function pciHostBridge(node: DtNode): DtNode | null {
  if (!node.parent || !isPciBus(node.parent)) return null;
  let bridge = node.parent;
  while (bridge.parent && isPciBus(bridge.parent)) bridge = bridge.parent;
  return bridge;
}

interface RangeLookup {
  ranges: ParsedRange[];
  node: DtNode | null;
  /** 0, -ENODEV (no map, not an error) or -EINVAL (nothing translatable). */
  status: 0 | 'ENODEV' | 'EINVAL';
  /** For -ENODEV: a level with dma-ranges below a level without, which the kernel treats as no dma-ranges at all. */
  brokenAt: { below: DtNode; missing: DtNode } | null;
}

/** of_dma_get_range from the bus node up: the first non-empty dma-ranges, with the kernel's -ENODEV rule. */
function dmaGetRange(start: DtNode | null, facts: BoardFacts): RangeLookup {
  let node = start;
  let found = false;
  let previous: DtNode | null = null;
  while (node) {
    const property = node.property('dma-ranges');
    if (property && property.bytes.length > 0) break;
    // Once a dma-ranges has been seen, a level without one ends the walk. The first level is never held to
    // this: the loop sets `found` after it whatever it held.
    if (found && !property) return { ranges: [], node: null, status: 'ENODEV', brokenAt: brokenAt(previous, node) };
    found = true;
    previous = node;
    node = dmaParent(node, facts.findPhandle);
  }
  if (!node) return { ranges: [], node: null, status: 'ENODEV', brokenAt: null };
  const ranges = parseDmaRanges(node, facts.findPhandle);
  const status = ranges.some((range) => range.cpuAddress !== OF_BAD_ADDR) ? 0 : 'EINVAL';
  return { ranges, node, status, brokenAt: null };
}

/** The parser reads whole entries only: cells left over at the end are ignored without a word from the kernel. */
export function raggedCells(node: DtNode): string | null {
  const cells = node.cells('dma-ranges');
  const { na, pna, ns, entryCells } = dmaRangesLayout(node);
  if (!cells || entryCells <= 0 || cells.length % entryCells === 0) return null;
  return `dma-ranges of ${node.path} has ${cells.length} cells, not a multiple of ${entryCells} (child #address-cells ${na} + parent #address-cells ${pna} + #size-cells ${ns}): the last ${cells.length % entryCells} cell(s) are ignored`;
}

/** Only a level that itself has `dma-ranges;` makes the missing one above it worth a word. */
function brokenAt(below: DtNode | null, missing: DtNode): { below: DtNode; missing: DtNode } | null {
  return below && below.has('dma-ranges') ? { below, missing } : null;
}

/** of_dma_is_coherent: dma-coherent or dma-noncoherent on the node or its nearest dma ancestor, else the default. */
function coherence(node: DtNode, facts: BoardFacts): { coherent: boolean; why: string } {
  if (facts.arch === 'powerpc')
    return {
      coherent: facts.defaultCoherent,
      why: `${facts.defaultCoherentWhy}; powerpc decides coherence per platform, not per device`,
    };
  for (let at: DtNode | null = node; at; at = dmaParent(at, facts.findPhandle)) {
    if (at.has('dma-coherent')) return { coherent: true, why: `dma-coherent on ${at.path}` };
    if (at.has('dma-noncoherent')) return { coherent: false, why: `dma-noncoherent on ${at.path}` };
  }
  return { coherent: facts.defaultCoherent, why: facts.defaultCoherentWhy };
}

/** of_iommu_configure for a platform device (`iommus`) or a PCI device (the bridge's `iommu-map` by requester id). */
function iommuOf(
  device: DtNode,
  configNode: DtNode,
  pci: boolean,
  facts: BoardFacts,
): Pick<DmaConfig, 'iommu' | 'iommuWhy'> {
  if (pci) {
    const map = configNode.cells('iommu-map');
    if (!map) return { iommu: null, iommuWhy: null };
    if (map.length === 0 || map.length % 4 !== 0)
      return {
        iommu: null,
        iommuWhy: `iommu-map of ${configNode.path} is not a list of 4-cell entries: -EINVAL, no IOMMU`,
      };
    const rid = ((device.cells('reg')?.[0] ?? 0) >>> 8) & 0xffff;
    const mask = configNode.u32('iommu-map-mask') ?? 0xffffffff;
    const masked = (rid & mask) >>> 0;
    for (let at = 0; at < map.length; at += 4) {
      const [base, phandle, , length] = [map[at]!, map[at + 1]!, map[at + 2]!, map[at + 3]!];
      if (masked < base || masked >= base + length) continue;
      const target = facts.findPhandle(phandle);
      if (!target) return { iommu: null, iommuWhy: `iommu-map entry for RID 0x${rid.toString(16)} names no node` };
      if (!isAvailable(target)) return { iommu: null, iommuWhy: `the IOMMU ${target.path} is disabled` };
      return {
        iommu: { node: target, property: 'iommu-map' },
        iommuWhy: `iommu-map of ${configNode.path} maps RID 0x${rid.toString(16)} to ${target.path}`,
      };
    }
    return { iommu: null, iommuWhy: `no iommu-map entry of ${configNode.path} covers RID 0x${rid.toString(16)}` };
  }
  if (!configNode.has('iommus')) return { iommu: null, iommuWhy: null };
  const first = phandleArgs(configNode, 'iommus', '#iommu-cells', 0, facts.findPhandle);
  if (!first)
    return {
      iommu: null,
      iommuWhy: `iommus of ${configNode.path} cannot be parsed (a target without #iommu-cells?): no IOMMU`,
    };
  if (!isAvailable(first.node)) return { iommu: null, iommuWhy: `the IOMMU ${first.node.path} is disabled: no IOMMU` };
  return { iommu: { node: first.node, property: 'iommus' }, iommuWhy: `iommus = <&${first.node.name} ...>` };
}

/** of_dma_set_restricted_buffer: the first available restricted-dma-pool among the memory-region phandles. */
function restrictedPoolOf(
  device: DtNode,
  configNode: DtNode,
  facts: BoardFacts,
): { pool: DmaConfig['restrictedPool']; error: string | null; note: string | null; remark: string | null } {
  let owner = device;
  let list = device.cells('memory-region');
  if (!list || list.length === 0) {
    owner = configNode;
    list = configNode.cells('memory-region');
  }
  if (!list) return { pool: null, error: null, note: null, remark: null };
  const disabled: string[] = [];
  for (const phandle of list) {
    const target = facts.findPhandle(phandle);
    if (!target || !target.strings('compatible')?.includes('restricted-dma-pool')) continue;
    if (!isAvailable(target)) {
      disabled.push(target.path);
      continue;
    }
    const failed = (why: string) => ({
      pool: null,
      error: `failed to initialise "restricted-dma-pool" memory node ${target.path} (-EINVAL: ${why}); the device uses the default swiotlb`,
      note: null,
      remark: null,
    });
    if (facts.reservedIgnored) return failed(facts.reservedIgnored);
    if (target.parent?.path !== '/reserved-memory') return failed('it is not a child of /reserved-memory');
    const region = facts.reserved.get(target);
    if (!region) return failed('the kernel recorded no region for it (no reg and no size)');
    if (region.unusable) return failed(region.unusable);
    const flags = ['reusable', 'linux,cma-default', 'linux,dma-default', 'no-map'].filter((name) => target.has(name));
    if (flags.length > 0) return failed(`rmem_swiotlb_setup refuses a pool with ${flags.join(', ')}`);
    return { pool: { node: target, base: region.base, size: region.size }, error: null, note: null, remark: null };
  }
  // A restricted pool that is there but disabled is a board mistake: the device silently uses the default
  // swiotlb. A memory-region naming a CMA area or a carve-out is ordinary.
  if (disabled.length > 0)
    return {
      pool: null,
      error: null,
      note: `memory-region of ${owner.path} names the restricted-dma-pool ${disabled.join(', ')}, which is disabled: the device uses the default swiotlb`,
      remark: null,
    };
  return {
    pool: null,
    error: null,
    note: null,
    remark: `memory-region of ${owner.path} names no restricted-dma-pool node`,
  };
}

/** Configures one device node as of_dma_configure_id(dev, np, force_dma = true, NULL) does at probe. */
export function configureDma(node: DtNode, facts: BoardFacts): DmaConfig {
  const bridge = pciHostBridge(node);
  const configNode = bridge ?? node;
  const notes: string[] = [];
  const remarks: string[] = [];
  let error: string | null = null;
  // For the device's own node the search starts at its dma parent; for a bridge node passed on behalf of a
  // PCI device it starts at the bridge itself.
  const busNode = bridge ? bridge : dmaParent(node, facts.findPhandle);
  const lookup = dmaGetRange(busNode, facts);
  const untranslated = lookup.ranges.filter((range) => range.cpuAddress === OF_BAD_ADDR);
  const ragged = lookup.node ? raggedCells(lookup.node) : null;
  if (ragged) notes.push(ragged);
  for (const range of untranslated)
    notes.push(
      `translation of DMA address ${hex(range.busAddress)} to CPU address failed (${range.failure?.reason ?? 'no route'}): of_dma_get_range skips the entry`,
    );
  let windows: DmaWindow[] | null = null;
  let dmaStart = 0n;
  let size = 0n;
  if (lookup.status === 'EINVAL') {
    error = `-EINVAL: no dma-ranges entry of ${lookup.node?.path} translates to a CPU address (of_dma_get_range); the device is configured as if there were no dma-ranges`;
  } else if (lookup.status === 'ENODEV' && lookup.brokenAt) {
    const { below, missing } = lookup.brokenAt;
    const text = `of_dma_get_range returns -ENODEV: ${below.path} has dma-ranges but ${missing.path} above it has none, so the device gets no DMA range map`;
    // Harmless when nothing above translates (dma = phys either way); a problem when it drops a translation.
    const lost = translationAbove(missing, facts);
    if (lost) notes.push(`${text}, and the translation in the dma-ranges of ${lost.path} is never applied`);
    else remarks.push(text);
  } else if (lookup.status === 0) {
    windows = lookup.ranges
      .filter((range) => range.cpuAddress !== OF_BAD_ADDR)
      .map((range) => ({ cpu: range.cpuAddress, dma: range.busAddress, size: range.size, entries: range.entries }));
    // The map ends at the first region of size 0 (its terminator), for of_dma_configure_id's bounds and for
    // every later lookup (translate_phys_to_dma): windows after a size-0 entry are never used.
    const empty = windows.findIndex((window) => window.size === 0n);
    if (empty >= 0) {
      if (empty < windows.length - 1)
        notes.push(
          `a dma-ranges entry of size 0 ends dma_range_map: the ${windows.length - 1 - empty} window(s) after it are never used`,
        );
      else notes.push('a dma-ranges entry of size 0 is never used (it reads as the end of dma_range_map)');
      windows = windows.slice(0, empty);
    }
    if (windows.length === 0)
      notes.push(
        'dma_range_map holds no usable window: translate_phys_to_dma gives DMA_MAPPING_ERROR for every address, so every dma-direct map fails',
      );
    dmaStart = windows.reduce((low, window) => (window.dma < low ? window.dma : low), U64(-1n));
    const dmaEnd = windows.reduce((high, window) => {
      const end = U64(window.dma + window.size);
      return end > high ? end : high;
    }, 0n);
    size = U64(dmaEnd - dmaStart);
    if (size & 1n) {
      notes.push(`Invalid size ${hex(size)} for dma-range(s): treated as a mask, the span becomes ${hex(size + 1n)}`);
      size = U64(size + 1n);
    }
    if (size === 0n) {
      return {
        ...base(node, configNode, bridge !== null, lookup.node, untranslated, notes, remarks),
        ...coherenceFields(configNode, facts),
        iommu: null,
        iommuWhy: null,
        error: `-EINVAL: Adjusted size 0x0 invalid (of_dma_configure_id): the windows span nothing, so probe fails`,
      };
    }
  }
  const mapped = lookup.status === 0;
  if (!mapped) size = DEFAULT_MASK + 1n;
  const end = U64(dmaStart + size - 1n);
  const mask = dmaBitMask(ilog2(end) + 1);
  const iommu = iommuOf(node, configNode, bridge !== null, facts);
  const restricted = iommu.iommu ? null : restrictedPoolOf(node, configNode, facts);
  if (restricted?.error) error ??= restricted.error;
  if (restricted?.note) notes.push(restricted.note);
  if (restricted?.remark) remarks.push(restricted.remark);
  return {
    node,
    configNode,
    pciDevice: bridge !== null,
    rangesNode: mapped ? lookup.node : null,
    windows,
    untranslated,
    busDmaLimit: mapped ? end : null,
    dmaMask: DEFAULT_MASK & mask,
    coherentMask: DEFAULT_MASK & mask,
    ...coherenceFields(configNode, facts),
    ...iommu,
    restrictedPool: restricted?.pool ?? null,
    error,
    notes,
    remarks,
  };
}

function coherenceFields(configNode: DtNode, facts: BoardFacts): Pick<DmaConfig, 'coherent' | 'coherentWhy'> {
  const { coherent, why } = coherence(configNode, facts);
  return { coherent, coherentWhy: why };
}

function base(
  node: DtNode,
  configNode: DtNode,
  pciDevice: boolean,
  rangesNode: DtNode | null,
  untranslated: ParsedRange[],
  notes: string[],
  remarks: string[],
): Omit<DmaConfig, 'coherent' | 'coherentWhy' | 'iommu' | 'iommuWhy' | 'error'> {
  return {
    node,
    configNode,
    pciDevice,
    rangesNode,
    windows: null,
    untranslated,
    busDmaLimit: null,
    dmaMask: DEFAULT_MASK,
    coherentMask: DEFAULT_MASK,
    restrictedPool: null,
    notes,
    remarks,
  };
}

/** The nearest DMA ancestor from `node` up whose dma-ranges translates (is not empty), or null. */
function translationAbove(node: DtNode, facts: BoardFacts): DtNode | null {
  for (let at: DtNode | null = node; at; at = dmaParent(at, facts.findPhandle))
    if ((at.property('dma-ranges')?.bytes.length ?? 0) > 0) return at;
  return null;
}
