// The v6.5 rule `dma_kmalloc_needs_bounce` (include/linux/dma-map-ops.h, CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC,
// §9): once arm64 dropped ARCH_KMALLOC_MINALIGN to 8, small kmalloc objects may share a cache line with
// other data, so a non-coherent device that writes into one must bounce. Absent in 6.1 (vector V72).
import type { Direction } from '../types';
import type { DmaContext } from '../engine/ops';

/** kmalloc cache sizes with ARCH_KMALLOC_MINALIGN 8 (mm/slab_common.c kmalloc_info). */
const KMALLOC_SIZES = [8, 16, 32, 64, 96, 128, 192, 256];

/** `kmalloc_size_roundup`: the size of the kmalloc cache an object of `size` bytes comes from. */
export function kmallocSizeRoundup(size: number): number {
  for (const cache of KMALLOC_SIZES) if (size <= cache) return cache;
  let power = 512;
  while (power < size) power *= 2;
  return power;
}

export function dmaKmallocNeedsBounce(ctx: DmaContext, size: bigint, dir: Direction): boolean {
  const { session, trace } = ctx;
  if (!(session.params.kmalloc_bounce as boolean) || session.dev.coherent || dir === 'to_device') return false;
  const minAlign = session.params.arch_dma_minalign as number;
  const cacheAlign = session.params.cache_line as number;
  if (size >= BigInt(2 * minAlign)) return false;
  const rounded = kmallocSizeRoundup(Number(size));
  if (rounded % cacheAlign === 0) return false;
  trace.stage(
    'dma_kmalloc_needs_bounce',
    null,
    null,
    `v6.5+: ${size} bytes < 2 * ARCH_DMA_MINALIGN (${2 * minAlign}) and kmalloc_size_roundup(${size}) = ${rounded} is not a multiple of the ${cacheAlign}-byte cache alignment, so the buffer bounces.`,
    'include/linux/dma-map-ops.h:dma_kmalloc_needs_bounce',
    '§9',
  );
  return true;
}
