// dma_alloc_coherent / dma_free_coherent through dma-direct (§1.7): zone choice from the coherent
// mask, dma_coherent_ok retries, decryption for confidential guests and the non-coherent remap.
import type { AllocOutcome, DmaContext, EngineSession, MappingRecord } from '../engine/ops';
import { U64_MAX, alignUp, hex, minNotZero } from '../engine/bits';
import { dmaBitMask } from '../params/parse';
import { dmaToPhys, forceDmaUnencrypted, physToDmaDirect } from './direct';
import { allocatePages, lowestAllocatablePage, pageAllocator } from './pages';
import { swiotlbPool } from './swiotlb';
import { ramEnd, ramHoles } from './ram';

const DIRECT_C = 'kernel/dma/direct.c';

type Zone = 'ZONE_DMA' | 'ZONE_DMA32' | 'ZONE_NORMAL';

function zoneLimit(session: EngineSession, zone: Zone): bigint {
  const end = ramEnd(session) - 1n;
  const limit =
    zone === 'ZONE_DMA'
      ? dmaBitMask(session.params.zone_dma_bits as number)
      : zone === 'ZONE_DMA32'
        ? dmaBitMask(32)
        : end;
  return limit < end ? limit : end;
}

/** `dma_coherent_ok`. */
function coherentOk(session: EngineSession, phys: bigint, size: bigint): boolean {
  const limit = minNotZero(session.dev.coherentDmaMask, session.dev.busDmaLimit);
  return physToDmaDirect(session, phys) + size - 1n <= limit;
}

function allocInZone(ctx: DmaContext, size: bigint, zone: Zone): bigint | null {
  const { session } = ctx;
  const pool = swiotlbPool(session);
  const reserved = [...ramHoles(session), ...(pool ? [{ phys: pool.start, size: pool.end - pool.start }] : [])];
  return allocatePages(
    ctx,
    size,
    session.params.page_size as bigint,
    lowestAllocatablePage(session),
    zoneLimit(session, zone),
    reserved,
  );
}

/** `__dma_direct_alloc_pages`: zone from phys_limit, then the GFP_DMA32 / GFP_DMA retries. */
function directAllocPages(ctx: DmaContext, size: bigint): bigint | null {
  const { session, trace } = ctx;
  const limit = minNotZero(session.dev.coherentDmaMask, session.dev.busDmaLimit);
  const physLimit = dmaToPhys(session, limit);
  const zoneBits = session.params.zone_dma_bits as number;
  let zone: Zone =
    physLimit <= dmaBitMask(zoneBits) ? 'ZONE_DMA' : physLimit <= dmaBitMask(32) ? 'ZONE_DMA32' : 'ZONE_NORMAL';
  trace.stage(
    'dma_direct_optimal_gfp_mask',
    limit,
    physLimit,
    `phys_limit = dma_to_phys(min_not_zero(coherent_dma_mask, bus_dma_limit)) = ${hex(physLimit)}, so the pages come from ${zone}${zone === 'ZONE_DMA' ? ` (zone_dma_bits ${zoneBits})` : ''}.`,
    `${DIRECT_C}:dma_direct_optimal_gfp_mask`,
    '§1.7',
  );
  for (;;) {
    const phys = allocInZone(ctx, size, zone);
    if (phys !== null && coherentOk(session, phys, size)) {
      trace.stage(
        '__dma_direct_alloc_pages',
        null,
        phys,
        `${size / (session.params.page_size as bigint)} page(s) at ${hex(phys)} from ${zone}.`,
        `${DIRECT_C}:__dma_direct_alloc_pages`,
        '§1.7',
      );
      return phys;
    }
    if (phys !== null) pageAllocator(session).free(phys);
    // GFP_DMA32 is tried only below a 64-bit phys_limit; GFP_DMA is the last resort from either zone above it.
    const next: Zone | null =
      zone === 'ZONE_NORMAL' && physLimit < U64_MAX ? 'ZONE_DMA32' : zone !== 'ZONE_DMA' ? 'ZONE_DMA' : null;
    if (next === null) return null;
    trace.stage(
      'dma_coherent_ok',
      phys,
      null,
      `The block is not addressable with the coherent mask; retry from ${next}.`,
      `${DIRECT_C}:__dma_direct_alloc_pages`,
      '§1.7',
    );
    zone = next;
  }
}

/** `dma_direct_alloc`. */
export function dmaDirectAlloc(ctx: DmaContext, requested: bigint, blocking: boolean): AllocOutcome {
  const { session, trace } = ctx;
  const pageSize = session.params.page_size as bigint;
  const size = alignUp(requested, pageSize);
  const unencrypted = forceDmaUnencrypted(session);
  const remap = !session.dev.coherent && (session.arch.name === 'arm64' || session.arch.name === 'arm');
  trace.stage(
    'dma_direct_alloc',
    null,
    null,
    `PAGE_ALIGN(${hex(requested)}) = ${hex(size)}${unencrypted ? '; force_dma_unencrypted is true' : ''}${remap ? '; the device is not coherent, so the buffer is remapped uncached' : ''}.`,
    `${DIRECT_C}:dma_direct_alloc`,
    '§1.7',
  );
  if ((remap || unencrypted) && !blocking) {
    trace.stage(
      'dma_direct_alloc_from_pool',
      null,
      null,
      'A non-blocking allocation that needs remapping or decryption comes from the pre-decrypted atomic pool (kernel/dma/pool.c).',
      `${DIRECT_C}:dma_direct_alloc_from_pool`,
      '§1.7',
    );
  }
  const phys = directAllocPages(ctx, size);
  if (phys === null) {
    const message = `dma_alloc_coherent: no ${hex(size)}-byte block addressable under coherent_dma_mask ${hex(session.dev.coherentDmaMask)}`;
    trace.fail(message);
    return { dma: null, phys: null, size, path: 'dma-direct' };
  }
  if (remap) {
    const lines = Number(size / BigInt(session.params.cache_line as number));
    const ref =
      session.arch.name === 'arm64'
        ? 'arch/arm64/mm/dma-mapping.c:arch_dma_prep_coherent'
        : 'arch/arm/mm/dma-mapping.c:__dma_clear_buffer';
    trace.stage(
      session.arch.name === 'arm64' ? 'arch_dma_prep_coherent' : '__dma_clear_buffer',
      phys,
      phys,
      `Cleans and invalidates the ${lines} cache lines of the new buffer before it is mapped uncached.`,
      ref,
      '§1.5',
    );
    trace.cacheLines('flush', lines);
  }
  if (unencrypted && blocking) {
    // dma_set_decrypted passes PFN_UP(size): pages of PAGE_SIZE, one per 64 KiB page on ppc64.
    const pages = Number(size / pageSize);
    trace.stage(
      'dma_set_decrypted',
      phys,
      phys,
      `set_memory_decrypted(${pages} page(s)) shares the buffer with the host.`,
      `${DIRECT_C}:dma_set_decrypted`,
      '§1.7',
    );
    session.arch.setMemoryDecrypted?.(ctx, phys, pages);
  }
  const dma = physToDmaDirect(session, phys);
  trace.stage(
    'phys_to_dma_direct',
    phys,
    dma,
    unencrypted ? 'Unencrypted memory: phys_to_dma_unencrypted, no C-bit.' : 'phys_to_dma of the pages.',
    `${DIRECT_C}:phys_to_dma_direct`,
    '§1.7',
  );
  return { dma, phys, size, path: 'dma-direct' };
}

/** `dma_direct_free`. */
export function dmaDirectFree(ctx: DmaContext, record: MappingRecord): void {
  const { session, trace } = ctx;
  const pages = record.pages!;
  if (forceDmaUnencrypted(session)) {
    const count = Number(pages.size / (session.params.page_size as bigint));
    trace.stage(
      'dma_set_encrypted',
      pages.phys,
      pages.phys,
      `set_memory_encrypted(${count} page(s)) takes the pages back from the host.`,
      `${DIRECT_C}:dma_set_encrypted`,
      '§1.7',
    );
    session.arch.setMemoryEncrypted?.(ctx, pages.phys, count);
  }
  pageAllocator(session).free(pages.phys);
  trace.stage(
    '__dma_direct_free_pages',
    pages.phys,
    null,
    `Frees ${hex(pages.size)} bytes.`,
    `${DIRECT_C}:__dma_direct_free_pages`,
    '§1.7',
  );
}
