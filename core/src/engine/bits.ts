// 64-bit arithmetic helpers with the kernel's names (include/linux/align.h, bitops.h, log2.h, minmax.h).
export const U64_MAX = (1n << 64n) - 1n;
/** `DMA_MAPPING_ERROR` = ~(dma_addr_t)0. */
export const DMA_MAPPING_ERROR = U64_MAX;

export function u64(value: bigint): bigint {
  return value & U64_MAX;
}

export function alignUp(value: bigint, align: bigint): bigint {
  return ((value + align - 1n) / align) * align;
}

export function alignDown(value: bigint, align: bigint): bigint {
  return (value / align) * align;
}

/** `fls64`: 1-based index of the most significant set bit, 0 for 0. */
export function fls64(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

export function roundupPowOfTwo(value: bigint): bigint {
  return value <= 1n ? 1n : 1n << BigInt(fls64(value - 1n));
}

/** `__rounddown_pow_of_two`, 0 for 0. */
export function rounddownPowOfTwo(value: bigint): bigint {
  return value === 0n ? 0n : 1n << BigInt(fls64(value) - 1);
}

export function ilog2(value: bigint): number {
  return fls64(value) - 1;
}

/** `order_base_2(n)`: log2 rounded up, 0 for 0 and 1. */
export function orderBase2(value: bigint): number {
  return value <= 1n ? 0 : fls64(value - 1n);
}

/** `min_not_zero`. */
export function minNotZero(a: bigint, b: bigint): bigint {
  if (a === 0n) return b;
  if (b === 0n) return a;
  return a < b ? a : b;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** Plain lower-case hex with 0x, as the kernel's %llx plus prefix. */
export function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** `%pad` / `0x%016llx` formatting. */
export function hex16(value: bigint): string {
  return `0x${value.toString(16).padStart(16, '0')}`;
}
