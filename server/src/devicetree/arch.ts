// Which architecture's kernel boots a board, and what that kernel assumes about DMA coherence when the tree
// says nothing. The kernel build takes the board from arch/<arch>/boot/dts/; outside a kernel tree the CPUs'
// compatibles tell.
import { sep } from 'node:path';
import type { BoardArch } from './dma-config';
import type { DtNode } from './tree';

const ARCHES: readonly BoardArch[] = ['arm', 'arm64', 'powerpc', 'mips', 'riscv'];

export function isBoardArch(value: string): value is BoardArch {
  return (ARCHES as readonly string[]).includes(value);
}

/** The arch folder a .dts sits in (`.../arch/arm64/boot/dts/...`), or null. */
export function archFromPath(file: string): BoardArch | null {
  const parts = file.split(sep);
  for (let index = parts.length - 4; index >= 0; index--) {
    if (parts[index] === 'arch' && parts[index + 2] === 'boot' && parts[index + 3] === 'dts') {
      const arch = parts[index + 1]!;
      return isBoardArch(arch) ? arch : null;
    }
  }
  return null;
}

/** A guess from /cpus when the file is outside a kernel tree: 64-bit Arm cores, RISC-V harts, MIPS, PowerPC. */
export function archFromCpus(root: DtNode): BoardArch | null {
  const cpus = root.child('cpus');
  const compatibles = (cpus?.liveChildren ?? []).flatMap((cpu) => cpu.strings('compatible') ?? []);
  if (compatibles.some((name) => /^arm,(cortex-a(3[45]|5[357]|6[05]|7[2-9]|7[2-8]ae)|neoverse|armv8)/.test(name)))
    return 'arm64';
  if (compatibles.some((name) => name.startsWith('arm,'))) return 'arm';
  if (compatibles.some((name) => name.startsWith('riscv'))) return 'riscv';
  if (compatibles.some((name) => /^mips,|^mti,|^img,|^brcm,bmips/.test(name))) return 'mips';
  if ((cpus?.liveChildren ?? []).some((cpu) => /^PowerPC,/.test(cpu.name))) return 'powerpc';
  return null;
}

/**
 * The coherence a device gets without dma-coherent or dma-noncoherent: CONFIG_OF_DMA_DEFAULT_COHERENT is
 * selected by riscv and by powerpc unless NOT_COHERENT_CACHE (4xx, 8xx, MPC512x, GameCube/Wii);
 * arm, arm64 and mips (through arch_setup_dma_ops) default to non-coherent.
 */
export function defaultCoherence(arch: BoardArch | null, root: DtNode): { coherent: boolean; why: string } {
  switch (arch) {
    case 'riscv':
      return { coherent: true, why: 'riscv selects OF_DMA_DEFAULT_COHERENT' };
    case 'powerpc': {
      // The cores of the NOT_COHERENT_CACHE platforms, as their CPU nodes name them.
      const cpus = root.child('cpus')?.liveChildren ?? [];
      const noncoherent = cpus.some((cpu) => /^PowerPC,(8\d\d|8xx|40\d|4[4-7]\d|5121|gekko|broadway)/i.test(cpu.name));
      return noncoherent
        ? { coherent: false, why: 'this powerpc core selects NOT_COHERENT_CACHE (arch/powerpc/Kconfig)' }
        : { coherent: true, why: 'powerpc selects OF_DMA_DEFAULT_COHERENT (no NOT_COHERENT_CACHE on this core)' };
    }
    case 'arm':
    case 'arm64':
    case 'mips':
      return { coherent: false, why: `${arch} devices are non-coherent unless the tree says dma-coherent` };
    default:
      return { coherent: false, why: 'architecture unknown: non-coherent assumed unless the tree says dma-coherent' };
  }
}
