// MIPS arch phys_to_dma overrides (§5.3): Loongson64 node bits and Cavium Octeon BAR windows.
import { registerArch, type EngineSession } from '../engine/ops';
import { ramEnd } from '../dma/ram';
import { nrSlots } from '../dma/swiotlb';

const LOONGSON = 'arch/mips/loongson64/dma.c';

function nodeIdOffset(session: EngineSession): bigint {
  return BigInt(session.params.loongson_node_id_offset as number);
}

registerArch({
  name: 'loongson64',
  physToDma(session, phys) {
    const nid = (phys >> 44n) & 3n;
    return ((nid << 44n) ^ phys) | (nid << nodeIdOffset(session));
  },
  dmaToPhys(session, dma) {
    const offset = nodeIdOffset(session);
    const nid = (dma >> offset) & 3n;
    return ((nid << offset) ^ dma) | (nid << 44n);
  },
  physToDmaNote: {
    note: 'Loongson64 moves the node id from bits 44-45 of phys to bit node_id_offset: dma = ((nid << 44) ^ phys) | (nid << node_id_offset).',
    ref: `${LOONGSON}:phys_to_dma`,
  },
  swiotlbDefaultActive: () => true,
});

const OCTEON = 'arch/mips/cavium-octeon/dma-octeon.c';
const BAR1_PHYS_BASE = 0xf0000000n;
const BAR1_PHYS_SIZE = 0x10000000n;
const BAR1_RC_BASE = 1n << 41n;
const BAR2_PCI_ADDRESS = 0x8000000000n;
const SMALL_BAR1_SIZE = 0x8000000n;

/**
 * `plat_swiotlb_setup`'s size: 64 MiB when memory reaches past the BAR1 hole (0xF000_0000), on OCTEON II when
 * memory reaches 4 GiB (its OHCI is 32-bit), and a quarter of memory up to 64 MiB on the small-BAR PCI chips;
 * otherwise PAGE_SIZE, which swiotlb_adjust_size rounds up to one 128-slot segment.
 */
function octeonSwiotlbSlots(session: EngineSession): number {
  const end = ramEnd(session);
  const big = 64n << 20n;
  let bytes = session.params.page_size as bigint;
  if (barType(session) === 'small_bar') {
    const quarter = (session.params.ram as bigint) / 4n;
    bytes = quarter < big ? quarter : big;
  } else if (end > BAR1_PHYS_BASE) bytes = big;
  if (barType(session) === 'pcie2' && end >= 1n << 32n) bytes = big;
  return nrSlots(bytes);
}

function holePhysToDma(phys: bigint): bigint {
  return phys >= BAR1_PHYS_BASE && phys < BAR1_PHYS_BASE + BAR1_PHYS_SIZE ? phys - BAR1_PHYS_BASE + BAR1_RC_BASE : phys;
}

function holeDmaToPhys(dma: bigint): bigint {
  return dma >= BAR1_RC_BASE && dma < BAR1_RC_BASE + BAR1_PHYS_SIZE ? dma - BAR1_RC_BASE + BAR1_PHYS_BASE : dma;
}

function gen1Remap(phys: bigint): bigint {
  return phys >= 0x410000000n && phys < 0x420000000n ? phys - 0x400000000n : phys;
}

function gen1Unmap(dma: bigint): bigint {
  return dma >= 0x10000000n && dma < 0x20000000n ? dma + 0x400000000n : dma;
}

function barType(session: EngineSession): string {
  return session.params.octeon_bar_type as string;
}

registerArch({
  name: 'octeon',
  physToDma(session, phys) {
    if (!session.dev.isPci) return phys;
    const bar1 = session.params.octeon_bar1_pci_phys as bigint;
    switch (barType(session)) {
      case 'pcie':
        return holePhysToDma(gen1Remap(phys));
      case 'pcie2':
        return holePhysToDma(phys);
      case 'big_bar': {
        const remapped = gen1Remap(phys);
        return remapped >= 0xf0000000n ? remapped + BAR2_PCI_ADDRESS : remapped;
      }
      default:
        return phys >= bar1 && phys < bar1 + SMALL_BAR1_SIZE ? phys - bar1 : phys + BAR2_PCI_ADDRESS;
    }
  },
  dmaToPhys(session, dma) {
    if (!session.dev.isPci) return dma;
    const bar1 = session.params.octeon_bar1_pci_phys as bigint;
    switch (barType(session)) {
      case 'pcie':
        return gen1Unmap(holeDmaToPhys(dma));
      case 'pcie2':
        return holeDmaToPhys(dma);
      case 'big_bar':
        return gen1Unmap(dma >= BAR2_PCI_ADDRESS ? dma - BAR2_PCI_ADDRESS : dma);
      default:
        return dma >= BAR2_PCI_ADDRESS ? dma - BAR2_PCI_ADDRESS : dma + bar1;
    }
  },
  physToDmaNote: {
    note: 'Octeon PCI(e) translation: the 0x4_1000_0000 alias drops to 0x1000_0000 (gen1 / big BAR), the BAR1 hole at 0xF000_0000 moves to 1<<41, big/small BAR offsets by 0x80_0000_0000.',
    ref: `${OCTEON}:octeon_gen1_phys_to_dma`,
  },
  // plat_swiotlb_setup always calls swiotlb_init(true, ...); only the size depends on the machine.
  swiotlbDefaultActive: () => true,
  swiotlbSlots: octeonSwiotlbSlots,
});
