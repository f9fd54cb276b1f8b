// `dma_max_mapping_size` (kernel/dma/mapping.c) and `dma_direct_max_mapping_size` (§1.7 last line).
import type { EngineSession } from '../engine/ops';
import { U64_MAX, minNotZero } from '../engine/bits';
import { dmaDirectGetRequiredMask } from './direct';
import { isSwiotlbActive, isSwiotlbForceBounce, swiotlbMaxMappingSize } from './swiotlb';
import { dmaMapDirect } from './mapping';

/** `dma_addressing_limited`. */
export function dmaAddressingLimited(session: EngineSession): boolean {
  return minNotZero(session.dev.dmaMask, session.dev.busDmaLimit) < dmaDirectGetRequiredMask(session);
}

export function maxMappingSize(session: EngineSession): bigint {
  if (dmaMapDirect(session)) {
    if (isSwiotlbActive(session) && (dmaAddressingLimited(session) || isSwiotlbForceBounce(session)))
      return swiotlbMaxMappingSize(session);
    return U64_MAX;
  }
  const ops = session.ops()!;
  return ops.maxMappingSize ? ops.maxMappingSize(session) : U64_MAX;
}
