// Small readers of the session parameters shared by the powerpc platform files.
import type { Params } from '../params/spec';
import { ilog2 } from '../engine/bits';
import { ParamError } from '../params/parse';

/** PAGE_SHIFT from the page_size parameter. */
export function pageShift(params: Params): number {
  return ilog2(params.page_size as bigint);
}

/** memblock_end_of_DRAM() / memory_hotplug_max() for a single RAM bank starting at ram_base. */
export function ramEnd(params: Params): bigint {
  return (params.ram_base as bigint) + (params.ram as bigint);
}

/** PAGE_OFFSET of the linear map: 0xc000000000000000 on ppc64, 0xc0000000 on ppc32. */
export function pageOffset(params: Params): bigint {
  return params.ppc_platform === 'ppc32' || params.ppc_platform === 'fsl' ? 0xc0000000n : 0xc000000000000000n;
}

export const DMA_BIT_MASK_64 = (1n << 64n) - 1n;

/**
 * Number of TCEs in a window of `size` bytes with 2^shift-byte TCEs, refusing windows the kernel could
 * not build a table for (fewer than two entries) with an error that names the parameter.
 */
export function windowEntries(key: string, size: bigint, shift: number): number {
  const entries = size >> BigInt(shift);
  if (entries < 2n || entries > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ParamError(
      `bad value 0x${size.toString(16)} for parameter '${key}': the window must hold at least two TCEs of ${2 ** (shift - 10)} KiB`,
    );
  }
  return Number(entries);
}

/** IO page sizes ibm,query-pe-dma-window can offer (iommu_get_page_shift). */
const DDW_PAGE_SHIFTS = [12, 16, 21, 24, 25, 26, 27, 28, 34];

export function ddwPageShift(params: Params): number {
  const size = params.ddw_page_size as bigint;
  const shift = ilog2(size);
  if (size !== 1n << BigInt(shift) || !DDW_PAGE_SHIFTS.includes(shift)) {
    throw new ParamError(
      `bad value 0x${size.toString(16)} for parameter 'ddw_page_size': expected one of 4K, 64K, 2M, 16M, 32M, 64M, 128M, 256M, 16G`,
    );
  }
  return shift;
}
