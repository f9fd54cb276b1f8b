// ppc32 non-coherent cache maintenance (CONFIG_NOT_COHERENT_CACHE), spec §1.5:
// arch_sync_dma_for_device and arch_sync_dma_for_cpu both run __dma_sync on the buffer.
import type { Direction } from '../types';

export type CacheOp = 'invalidate' | 'clean' | 'flush';

/** Kernel name of the range operation, for stage notes. */
export const CACHE_OP_FN: Record<CacheOp, string> = {
  invalidate: 'invalidate_dcache_range',
  clean: 'clean_dcache_range',
  flush: 'flush_dcache_range',
};

/**
 * `__dma_sync(vaddr, size, dir)` (arch/powerpc/mm/dma-noncoherent.c): FROM_DEVICE invalidates only a
 * line-aligned buffer (else flushes, so as not to discard neighbouring dirty data), TO_DEVICE cleans,
 * BIDIRECTIONAL flushes. Returns null for DMA_NONE, which is a BUG() in the kernel.
 */
export function dmaSyncOp(
  start: bigint,
  size: bigint,
  dir: Direction,
  line: bigint,
): { op: CacheOp; lines: number } | null {
  const end = start + size;
  const first = start - (start % line);
  const last = ((end + line - 1n) / line) * line;
  const lines = Number((last - first) / line);
  switch (dir) {
    case 'from_device':
      return { op: ((start | end) & (line - 1n)) !== 0n ? 'flush' : 'invalidate', lines };
    case 'to_device':
      return { op: 'clean', lines };
    case 'bidirectional':
      return { op: 'flush', lines };
    case 'none':
      return null;
  }
}
