// Small readers of the session parameters shared by the powerpc platform files.
import type { Params } from '../params/spec';
import { fls64 } from '../engine/bits';

/** PAGE_SHIFT from the page_size parameter. */
export function pageShift(params: Params): number {
  return fls64(params.page_size as bigint) - 1;
}

/** memblock_end_of_DRAM() / memory_hotplug_max() for a single RAM bank starting at ram_base. */
export function ramEnd(params: Params): bigint {
  return (params.ram_base as bigint) + (params.ram as bigint);
}

/** `order_base_2(n)`: log2 rounded up. */
export function orderBase2(value: bigint): number {
  return value <= 1n ? 0 : fls64(value - 1n);
}

/** `__rounddown_pow_of_two`. */
export function rounddownPowOfTwo(value: bigint): bigint {
  return value === 0n ? 0n : 1n << BigInt(fls64(value) - 1);
}

/** PAGE_OFFSET of the linear map: 0xc000000000000000 on ppc64, 0xc0000000 on ppc32. */
export function pageOffset(params: Params): bigint {
  return params.ppc_platform === 'ppc32' || params.ppc_platform === 'fsl' ? 0xc0000000n : 0xc000000000000000n;
}

export const DMA_BIT_MASK_64 = (1n << 64n) - 1n;
