// The symbolic rule a hover shows when the address is not known: how phys becomes dma
// on this device right now.
import type { DmaContext } from './ops';
import { hex, minNotZero, u64 } from './bits';
import { isSwiotlbActive, isSwiotlbForceBounce, poolPlacement, swiotlbPool } from '../dma/swiotlb';
import { forceDmaUnencrypted, smeMask } from '../dma/direct';
import { dmaMapDirect } from '../dma/mapping';
import { dmaAddressingLimited } from '../dma/max-mapping';

/** Operations that allocate DMA memory rather than map a buffer. */
const ALLOCATIONS = new Set(['alloc_coherent', 'free_coherent', 'dma_pool_alloc']);

function grouped(value: bigint): string {
  const digits = value.toString(16);
  const padded = digits.padStart(Math.ceil(digits.length / 4) * 4, '0');
  return `0x${padded.replace(/(.{4})(?=.)/g, '$1_')}`;
}

export function symbolicRule(ctx: DmaContext): string {
  const { session } = ctx;
  const ops = session.ops();
  if (ops !== null && !dmaMapDirect(session)) return ops.rule?.(ctx) ?? `dma = address allocated by ${ops.name}`;
  const pool = swiotlbPool(session);
  // Coherent and pool allocations never bounce: dma_direct_alloc takes pages the device reaches (decrypted
  // where memory is encrypted); only a restricted pool hands out swiotlb slots, and then the path says so.
  const allocates = ALLOCATIONS.has(ctx.trace.op) && ctx.trace.path !== 'swiotlb';
  if (!allocates && isSwiotlbForceBounce(session) && pool)
    return `dma = swiotlb slot in [${hex(pool.start)}, ${hex(pool.end)}) (every map bounces; pool ${poolPlacement(session)})`;
  // Only a device that cannot reach all of RAM ever bounces (dma_addressing_limited).
  const bounce =
    !allocates && isSwiotlbActive(session) && dmaAddressingLimited(session)
      ? `; swiotlb slot if above ${hex(minNotZero(session.dev.dmaMask, session.dev.busDmaLimit))}`
      : '';
  if (session.arch.physToDma) {
    if (session.arch.name === 'powerpc' || session.dev.dmaOffset !== 0n)
      return `dma = phys + ${grouped(session.dev.dmaOffset)}${bounce}`;
    return `dma = ${session.arch.name}_phys_to_dma(phys)${bounce}`;
  }
  const windows = session.dev.dmaRangeMap;
  if (windows) {
    const parts = windows.map((window) => {
      const offset = u64(window.dma - window.cpu);
      const signed = offset === 0n ? '' : offset >= 1n << 63n ? ` - ${grouped(u64(-offset))}` : ` + ${grouped(offset)}`;
      return `phys${signed} for phys in [${hex(window.cpu)}, ${hex(window.cpu + window.size)})`;
    });
    // An allocation is taken where the windows reach (ZONE_DMA), so it never falls to swiotlb.
    return `dma = ${parts.join('; ')}; else DMA_MAPPING_ERROR${!allocates && isSwiotlbActive(session) ? ' -> swiotlb' : ''}`;
  }
  const sme = smeMask(session);
  // dma_direct_alloc hands a device that must see memory unencrypted decrypted pages, at their plain address.
  if (sme !== 0n && allocates && forceDmaUnencrypted(session))
    return 'dma = phys (decrypted pages: phys_to_dma_unencrypted, no C-bit)';
  if (sme !== 0n) return `dma = phys | ${grouped(sme)} (SME C-bit)${bounce}`;
  return `dma = phys${bounce}`;
}
