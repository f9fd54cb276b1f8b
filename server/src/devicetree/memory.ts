// What the kernel reads from the flattened tree at boot before any device exists: RAM from the memory nodes
// (drivers/of/fdt.c:early_init_dt_scan_memory) and the regions of /reserved-memory
// (fdt_scan_reserved_mem, of_reserved_mem.c:fdt_init_reserved_mem), both in the root's cell sizes.
import { readNumber } from './values';
import { isAvailable, type DtNode } from './tree';

export interface MemoryBank {
  base: bigint;
  size: bigint;
  node: DtNode;
}

/** dt_root_addr_cells / dt_root_size_cells: the root's own properties or the defaults (1, 1). */
export function rootCells(root: DtNode): { addr: number; size: number } {
  return { addr: root.u32('#address-cells') ?? 1, size: root.u32('#size-cells') ?? 1 };
}

/**
 * RAM banks: available children of the root with device_type "memory", from linux,usable-memory or reg.
 * Banks of size 0 (filled in by the bootloader) are left out, as the kernel skips them.
 */
export function memoryBanks(root: DtNode): MemoryBank[] {
  const { addr, size } = rootCells(root);
  const banks: MemoryBank[] = [];
  for (const node of root.liveChildren) {
    if (node.strings('device_type')?.[0] !== 'memory' || !isAvailable(node)) continue;
    const cells = node.cells('linux,usable-memory') ?? node.cells('reg');
    if (!cells) continue;
    for (let at = 0; at + addr + size <= cells.length; at += addr + size) {
      const bankSize = readNumber(cells, at + addr, size);
      if (bankSize !== 0n) banks.push({ base: readNumber(cells, at, addr), size: bankSize, node });
    }
  }
  return banks;
}

/** Memory nodes that exist but say nothing (size 0): the bootloader writes the real size at boot. */
export function memoryFilledAtBoot(root: DtNode): boolean {
  return root.liveChildren.some(
    (node) => node.strings('device_type')?.[0] === 'memory' && isAvailable(node) && memoryBanksOf(node) === 0,
  );
}

function memoryBanksOf(node: DtNode): number {
  const cells = node.cells('reg') ?? [];
  return cells.some((cell) => cell !== 0) ? 1 : 0;
}

export interface ReservedRegion {
  node: DtNode;
  /** Null when the kernel allocates the region at boot (`size` without `reg`): the address is not in the tree. */
  base: bigint | null;
  size: bigint;
  /** Why the kernel does not set the region up, or null when it does. */
  unusable: string | null;
}

/**
 * The regions the kernel records from /reserved-memory. The whole node is ignored unless its #address-cells and
 * #size-cells equal the root's and it has `ranges` (__reserved_mem_check_root); unavailable children are skipped.
 */
export function reservedRegions(root: DtNode): { regions: Map<DtNode, ReservedRegion>; ignored: string | null } {
  const regions = new Map<DtNode, ReservedRegion>();
  const parent = root.child('reserved-memory');
  if (!parent) return { regions, ignored: null };
  const cells = rootCells(root);
  if (
    parent.u32('#size-cells') !== cells.size ||
    parent.u32('#address-cells') !== cells.addr ||
    !parent.has('ranges')
  ) {
    const ignored = `/reserved-memory is ignored by the kernel ("unsupported node format"): it needs #address-cells = <${cells.addr}>, #size-cells = <${cells.size}> (the root's) and ranges`;
    return { regions, ignored };
  }
  for (const node of parent.liveChildren) {
    if (!isAvailable(node)) continue;
    const region = reservedRegion(node, cells);
    if (region) regions.set(node, region);
  }
  return { regions, ignored: null };
}

function reservedRegion(node: DtNode, cells: { addr: number; size: number }): ReservedRegion | null {
  const entry = cells.addr + cells.size;
  const reg = node.property('reg');
  if (reg) {
    const values = node.cells('reg');
    if (reg.bytes.length && (!values || values.length % entry !== 0))
      return { node, base: null, size: 0n, unusable: 'its reg is not a whole number of (address, size) pairs' };
    if (values && values.length >= entry) {
      const base = readNumber(values, 0, cells.addr);
      const size = readNumber(values, cells.addr, cells.size);
      if (size !== 0n) return { node, base, size, unusable: null };
    }
  }
  const sizeCells = node.cells('size');
  if (!sizeCells) return reg ? { node, base: null, size: 0n, unusable: 'its reg has size 0 and it has no size' } : null;
  if (sizeCells.length !== cells.size)
    return { node, base: null, size: 0n, unusable: `its size must be ${cells.size} cell(s) (the root's #size-cells)` };
  return { node, base: null, size: readNumber(sizeCells, 0, cells.size), unusable: null };
}
