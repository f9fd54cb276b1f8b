// A platform profile built from the plain device-tree facts of one device node: the dma-ranges windows
// (dev->dma_range_map), bus_dma_limit, the masks of_dma_configure leaves, coherence, an IOMMU, a restricted
// DMA pool, and the board's RAM. Data in, profile out: the caller resolves the tree, the core simulates the
// device as it does any built-in profile. Values the tree does not hold are stand-ins, each named in the
// description.
import type { PlatformProfile } from '../profiles/profile';
import type { Params } from '../params/spec';
import { hex } from '../engine/bits';

export type BoardArch = 'arm' | 'arm64' | 'powerpc' | 'mips' | 'riscv';

export interface BoardDeviceFacts {
  /** A stable id for settings and the command line, e.g. `bcm2711-rpi-4-b:/scb/ethernet@7d580000`. */
  id: string;
  title: string;
  /** A short column label that tells the board's nodes apart, e.g. `bcm2711-rpi-4-b:ethernet@7d580000`. */
  short: string;
  arch: BoardArch | null;
  /** Where the facts come from: the .dts and the node, then the kernel functions that computed them. */
  sources: string[];
  /** dev->dma_range_map; null when of_dma_configure set none. */
  windows: { cpu: bigint; dma: bigint; size: bigint }[] | null;
  busDmaLimit: bigint | null;
  /** The streaming and coherent masks at probe, before the driver sets its own (bits). */
  maskBits: number;
  coherent: boolean;
  /** The IOMMU node the device is attached to, or null. */
  iommu: string | null;
  /** A restricted-dma-pool from memory-region; base null when the kernel allocates it at boot. */
  restrictedPool: { base: bigint | null; size: bigint } | null;
  /** RAM banks from the memory nodes; empty when the bootloader fills them in. */
  ram: { base: bigint; size: bigint }[];
  /** A PCI device below a host bridge rather than a platform device. */
  pci: boolean;
  /** arm64's ZONE_DMA width from the smallest reach of any dma-ranges in the tree (null: arch default). */
  zoneDmaBits: number | null;
}

/** What the description says a stand-in is; also returned so an editor can show it. */
export interface BoardProfile {
  profile: PlatformProfile;
  standIns: string[];
}

const ULONG_MAX = '0xffffffffffffffff';
/** IO_TLB_DEFAULT_SIZE: the default swiotlb pool, 64 MiB. */
const DEFAULT_POOL = 64n << 20n;
/** The RAM a board is modelled with when its memory node is left to the bootloader. */
const STAND_IN_RAM = 4n << 30n;

const PROFILE_ARCH: Record<BoardArch, PlatformProfile['arch']> = {
  arm: 'arm',
  arm64: 'arm64',
  powerpc: 'ppc32',
  mips: 'mips',
  riscv: 'riscv64',
};

/** The core's arch hooks for each kernel architecture; mips and riscv boards use the generic ones. */
const ARCH_DMA: Record<BoardArch, string> = {
  arm: 'arm',
  arm64: 'arm64',
  powerpc: 'powerpc',
  mips: 'generic',
  riscv: 'generic',
};

export function boardProfile(facts: BoardDeviceFacts): BoardProfile {
  const standIns: string[] = [];
  const arch = facts.arch ?? 'arm64';
  if (!facts.arch) standIns.push('architecture unknown: simulated as arm64');
  const params: Params = {
    arch_dma: ARCH_DMA[arch],
    coherent: facts.coherent,
    bus: facts.pci ? 'pci' : 'platform',
    dma_mask: facts.maskBits,
    coherent_mask: facts.maskBits,
    dma_windows: (facts.windows ?? [])
      .map((window) => `${hex(window.cpu)}:${hex(window.dma)}:${hex(window.size)}`)
      .join(','),
    bus_dma_limit: hex(facts.busDmaLimit ?? 0n),
    zone_dma_bits: facts.zoneDmaBits ?? 32,
  };
  if (!facts.pci) params.seg_boundary = ULONG_MAX;
  Object.assign(params, ramParams(facts.ram, standIns));
  if (arch === 'arm64') Object.assign(params, arm64PoolParams(facts, params, standIns));
  if (arch === 'powerpc') {
    params.ppc_platform = 'none';
    if (facts.windows)
      standIns.push("powerpc's phys_to_dma ignores dma_range_map: dma = phys + archdata.dma_offset (0 here)");
  }
  if (arch === 'mips' || arch === 'riscv') {
    params.swiotlb_active = 'off';
    if (!facts.coherent) standIns.push(`${arch} cache maintenance for non-coherent devices is not modelled`);
  }
  if (facts.iommu) {
    params.dma_ops = 'iommu_dma_ops';
    params.iommu_kind = 'smmu';
    params.iommu_mode = 'strict';
    standIns.push(`the IOMMU ${facts.iommu} is modelled as an Arm SMMU behind dma-iommu, strict, 48-bit aperture`);
  } else if (facts.restrictedPool) Object.assign(params, restrictedPoolParams(facts, params, standIns));
  const description = [
    `The device-tree node ${facts.sources[0] ?? facts.id} as Linux 6.1 configures it at of_dma_configure time:`,
    facts.windows ? `${facts.windows.length} dma-ranges window(s)` : 'no dma-ranges (dma = phys)',
    facts.busDmaLimit === null ? 'no bus_dma_limit' : `bus_dma_limit ${hex(facts.busDmaLimit)}`,
    `masks ${facts.maskBits} bits at probe`,
    facts.coherent ? 'coherent' : 'non-coherent',
    facts.iommu ? `behind ${facts.iommu}` : 'no IOMMU',
    facts.restrictedPool ? 'a restricted DMA pool' : null,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    profile: {
      id: facts.id,
      title: facts.title,
      arch: PROFILE_ARCH[arch],
      short: facts.short,
      description: `${description}.${standIns.length ? ` Stand-ins: ${standIns.join('; ')}.` : ''}`,
      sources: facts.sources,
      params,
    },
    standIns,
  };
}

/**
 * The core models RAM as one bank with at most one hole: two banks map exactly; more are folded into the
 * first bank and one block from the second bank's start to the last bank's end.
 */
function ramParams(banks: BoardDeviceFacts['ram'], standIns: string[]): Params {
  const sorted = [...banks].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  if (sorted.length === 0) {
    standIns.push(
      `RAM ${hex(STAND_IN_RAM)} bytes at 0x0 (the memory node is filled in by the bootloader; set ram= to change)`,
    );
    return { ram_base: '0x0', ram: hex(STAND_IN_RAM) };
  }
  const first = sorted[0]!;
  if (sorted.length === 1) return { ram_base: hex(first.base), ram: hex(first.size) };
  const second = sorted[1]!;
  const last = sorted[sorted.length - 1]!;
  const firstEnd = first.base + first.size;
  const restSize = last.base + last.size - second.base;
  if (sorted.length > 2) standIns.push(`RAM banks from ${hex(second.base)} on are modelled as one block`);
  if (second.base <= firstEnd) return { ram_base: hex(first.base), ram: hex(last.base + last.size - first.base) };
  return {
    ram_base: hex(first.base),
    ram: hex(first.size + restSize),
    mmio_hole_start: hex(firstEnd),
    mmio_hole_size: hex(second.base - firstEnd),
  };
}

/**
 * arm64 sets up the default swiotlb pool when RAM ends beyond ZONE_DMA; memblock_alloc_low places it top-down
 * below the zone's end, so the pool is put at the top of the highest RAM below the zone's end (an estimate:
 * other reservations move it). Without memory nodes the stand-in RAM is one block.
 */
function arm64PoolParams(facts: BoardDeviceFacts, params: Params, standIns: string[]): Params {
  const zoneBits = facts.zoneDmaBits ?? 32;
  const zoneEnd = 1n << BigInt(zoneBits);
  const banks = facts.ram.length
    ? facts.ram
    : [{ base: BigInt(params.ram_base as string), size: BigInt(params.ram as string) }];
  let top: bigint | null = null;
  for (const bank of banks) {
    const end = bank.base + bank.size < zoneEnd ? bank.base + bank.size : zoneEnd;
    if (end - DEFAULT_POOL >= bank.base && (top === null || end > top)) top = end;
  }
  if (top === null) return {};
  standIns.push(
    `swiotlb pool start ${hex(top - DEFAULT_POOL)} (the top of RAM below ZONE_DMA's end ${hex(zoneEnd)}; memblock decides the real place)`,
  );
  return { swiotlb_start: hex(top - DEFAULT_POOL) };
}

/**
 * A restricted pool is a swiotlb of the device's own (rmem_swiotlb_device_init): one area, SWIOTLB_FORCE, so
 * every streaming map bounces through it.
 */
function restrictedPoolParams(facts: BoardDeviceFacts, params: Params, standIns: string[]): Params {
  const pool = facts.restrictedPool!;
  let base = pool.base;
  if (base === null) {
    const ramBase = BigInt(params.ram_base as string);
    base = ramBase;
    standIns.push(`the restricted pool is allocated at boot; placed at ${hex(base)} for the simulation`);
  }
  standIns.push('dma_alloc_coherent from the restricted pool (swiotlb_alloc) is not modelled');
  return {
    swiotlb_start: hex(base),
    swiotlb_end: '0x0',
    swiotlb_slots: Number(pool.size >> 11n),
    swiotlb_force: true,
    swiotlb_active: 'on',
    nareas: 1,
  };
}
