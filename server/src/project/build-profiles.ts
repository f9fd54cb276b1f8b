// What kernel each built-in platform profile stands for, in the build system's terms: the architecture
// folder (SRCARCH), the ARCH make variable, the machine symbols its configuration says yes (or no) to, and
// the platform folders whose other options stay the user's choice. The simulation parameters of a profile
// live in the core; this table only answers "can this file be built for that machine".
//
// A profile id the table does not know (a custom profile) gets its architecture's generic kernel: the
// arch symbols only, every machine choice off.

export type SrcArch = 'x86' | 'arm64' | 'arm' | 'powerpc' | 'mips' | 's390';

export interface BuildProfile {
  id: string;
  srcarch: SrcArch;
  /** The ARCH make variable, compared by `"$(ARCH)" = "x86"` in Kconfig. */
  arch: string;
  /** Symbols the machine fixes: true = y, false = n. */
  symbols: Readonly<Record<string, boolean>>;
  /** Platform folders (arch/powerpc/platforms/pseries/, arch/arm/mach-bcm/) whose options stay free. */
  folders: readonly string[];
}

const X86_64 = { X86_64: true, X86_32: false, '64BIT': true };
const XEN = { ...X86_64, XEN: true };
const PPC64_BOOK3S = { PPC64: true, PPC_BOOK3S_64: true };
const ARM64 = { ARM64: true };
const RPI4 = { ...ARM64, ARCH_BCM: true, ARCH_BCM2835: true };

interface Entry {
  srcarch: SrcArch;
  arch: string;
  symbols: Record<string, boolean>;
  folders?: string[];
}

const TABLE: Record<string, Entry> = {
  x86_64: { srcarch: 'x86', arch: 'x86_64', symbols: X86_64 },
  // The IOMMU, memory encryption and TDX options of these are the user's choice on any x86-64 kernel:
  // they change what the DMA API does, not which drivers build.
  'x86_64-vtd': { srcarch: 'x86', arch: 'x86_64', symbols: X86_64 },
  'x86_64-sme-host': { srcarch: 'x86', arch: 'x86_64', symbols: X86_64 },
  'x86_64-sev-guest': { srcarch: 'x86', arch: 'x86_64', symbols: X86_64 },
  'x86_64-tdx-guest': { srcarch: 'x86', arch: 'x86_64', symbols: X86_64 },
  'xen-pv': {
    srcarch: 'x86',
    arch: 'x86_64',
    symbols: XEN,
    folders: ['arch/x86/xen/'],
  },
  'xen-grant': { srcarch: 'x86', arch: 'x86_64', symbols: XEN, folders: ['arch/x86/xen/'] },
  arm64: { srcarch: 'arm64', arch: 'arm64', symbols: ARM64 },
  'arm64-smmu': { srcarch: 'arm64', arch: 'arm64', symbols: ARM64 },
  'rpi4-soc': { srcarch: 'arm64', arch: 'arm64', symbols: RPI4 },
  'rpi4-pcie': { srcarch: 'arm64', arch: 'arm64', symbols: RPI4 },
  rpi1: {
    srcarch: 'arm',
    arch: 'arm',
    symbols: { ARCH_MULTIPLATFORM: true, ARCH_MULTI_V6: true, ARCH_BCM: true, ARCH_BCM2835: true },
    folders: ['arch/arm/mach-bcm/'],
  },
  'rpi2-3': {
    srcarch: 'arm',
    arch: 'arm',
    symbols: { ARCH_MULTIPLATFORM: true, ARCH_MULTI_V7: true, ARCH_BCM: true, ARCH_BCM2835: true },
    folders: ['arch/arm/mach-bcm/'],
  },
  keystone: {
    srcarch: 'arm',
    arch: 'arm',
    symbols: { ARCH_MULTIPLATFORM: true, ARCH_MULTI_V7: true, ARCH_KEYSTONE: true },
    folders: ['arch/arm/mach-keystone/'],
  },
  'rcar-h2-pcie': {
    srcarch: 'arm',
    arch: 'arm',
    symbols: { ARCH_MULTIPLATFORM: true, ARCH_MULTI_V7: true, ARCH_RENESAS: true, ARCH_R8A7790: true },
    folders: ['arch/arm/mach-shmobile/'],
  },
  'stm32mp151-mlahb': {
    srcarch: 'arm',
    arch: 'arm',
    symbols: { ARCH_MULTIPLATFORM: true, ARCH_MULTI_V7: true, ARCH_STM32: true, MACH_STM32MP157: true },
    folders: ['arch/arm/mach-stm32/'],
  },
  pseries: {
    srcarch: 'powerpc',
    arch: 'powerpc',
    symbols: { ...PPC64_BOOK3S, PPC_PSERIES: true, PPC_SVM: false },
    folders: ['arch/powerpc/platforms/pseries/'],
  },
  'pseries-svm': {
    srcarch: 'powerpc',
    arch: 'powerpc',
    symbols: { ...PPC64_BOOK3S, PPC_PSERIES: true, PPC_SVM: true },
    folders: ['arch/powerpc/platforms/pseries/'],
  },
  powernv: {
    srcarch: 'powerpc',
    arch: 'powerpc',
    symbols: { ...PPC64_BOOK3S, PPC_POWERNV: true },
    folders: ['arch/powerpc/platforms/powernv/'],
  },
  cell: {
    srcarch: 'powerpc',
    arch: 'powerpc',
    symbols: { ...PPC64_BOOK3S, CPU_BIG_ENDIAN: true, PPC_IBM_CELL_BLADE: true },
    folders: ['arch/powerpc/platforms/cell/'],
  },
  'dart-u3': {
    srcarch: 'powerpc',
    arch: 'powerpc',
    symbols: { ...PPC64_BOOK3S, CPU_BIG_ENDIAN: true, PPC_PMAC: true },
    folders: ['arch/powerpc/platforms/powermac/'],
  },
  'dart-u4': {
    srcarch: 'powerpc',
    arch: 'powerpc',
    symbols: { ...PPC64_BOOK3S, CPU_BIG_ENDIAN: true, PPC_PMAC: true },
    folders: ['arch/powerpc/platforms/powermac/'],
  },
  'fsl-pci': {
    srcarch: 'powerpc',
    arch: 'powerpc',
    // e500 is Book-E: the 32-bit CPU family choice makes PPC_BOOK3S_32 (PowerMac, CHRP) impossible.
    symbols: { PPC64: false, PPC_85xx: true, PPC_BOOK3S_32: false, CPU_BIG_ENDIAN: true, FSL_SOC_BOOKE: true },
    folders: ['arch/powerpc/platforms/85xx/'],
  },
  // The CHRP board the profile's offset comes from. The Book3S-32 multiplatform kernel also drives
  // PowerMacs, but a PowerMac leaves pci_dram_offset at 0 (arch/powerpc/platforms/powermac/ never sets
  // it): PowerMac drivers reach this profile only as their architecture's stand-in.
  'ppc32-pci-dram-offset': {
    srcarch: 'powerpc',
    arch: 'powerpc',
    symbols: { PPC64: false, PPC_BOOK3S_32: true, CPU_BIG_ENDIAN: true, PPC_CHRP: true },
    folders: ['arch/powerpc/platforms/chrp/'],
  },
  loongson64: {
    srcarch: 'mips',
    arch: 'mips',
    symbols: { '64BIT': true, MACH_LOONGSON64: true, CPU_LOONGSON64: true },
    folders: ['arch/mips/loongson64/'],
  },
  'octeon-pcie': {
    srcarch: 'mips',
    arch: 'mips',
    symbols: { '64BIT': true, CAVIUM_OCTEON_SOC: true, CPU_CAVIUM_OCTEON: true },
    folders: ['arch/mips/cavium-octeon/'],
  },
  'octeon-pcie2': {
    srcarch: 'mips',
    arch: 'mips',
    symbols: { '64BIT': true, CAVIUM_OCTEON_SOC: true, CPU_CAVIUM_OCTEON: true },
    folders: ['arch/mips/cavium-octeon/'],
  },
  's390-pv': { srcarch: 's390', arch: 's390', symbols: { '64BIT': true, PROTECTED_VIRTUALIZATION_GUEST: true } },
};

const GENERIC_BY_CORE_ARCH: Record<string, Omit<Entry, 'folders'>> = {
  x86_64: { srcarch: 'x86', arch: 'x86_64', symbols: X86_64 },
  arm64: { srcarch: 'arm64', arch: 'arm64', symbols: ARM64 },
  arm: { srcarch: 'arm', arch: 'arm', symbols: { ARCH_MULTIPLATFORM: true, ARCH_MULTI_V7: true } },
  ppc64: { srcarch: 'powerpc', arch: 'powerpc', symbols: PPC64_BOOK3S },
  ppc32: { srcarch: 'powerpc', arch: 'powerpc', symbols: { PPC64: false } },
  mips64: { srcarch: 'mips', arch: 'mips', symbols: { '64BIT': true } },
  s390x: { srcarch: 's390', arch: 's390', symbols: { '64BIT': true } },
};

/**
 * A key equal for profiles whose kernels build the same files, so that the Kconfig answers of one serve
 * all (the five x86-64 profiles are one machine to the build system).
 */
export function machineKey(profile: BuildProfile): string {
  return JSON.stringify([profile.srcarch, profile.arch, profile.symbols, profile.folders]);
}

/** The build facts of a profile: the table's entry, or the generic kernel of its core architecture. */
export function buildProfile(id: string, coreArch: string): BuildProfile | null {
  const entry = TABLE[id] ?? GENERIC_BY_CORE_ARCH[coreArch];
  if (!entry) return null;
  return { id, srcarch: entry.srcarch, arch: entry.arch, symbols: entry.symbols, folders: entry.folders ?? [] };
}

/** Profile ids the table describes, for tests that check it covers every built-in profile. */
export function describedProfileIds(): string[] {
  return Object.keys(TABLE);
}
