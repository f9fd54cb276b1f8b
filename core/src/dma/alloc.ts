// `dma_alloc_attrs` / `dma_free_attrs` (kernel/dma/mapping.c, §1.7): dma-direct or ops->alloc.
import type { DmaAttr } from '../types';
import type { DmaContext, MappingRecord } from '../engine/ops';
import { dmaGoDirect } from './mapping';
import { dmaDirectAlloc, dmaDirectFree } from './coherent';

const MAPPING_C = 'kernel/dma/mapping.c';

export function dmaAllocAttrs(ctx: DmaContext, size: bigint, blocking: boolean, attrs: DmaAttr[]): MappingRecord {
  const { session, trace } = ctx;
  const ops = session.ops();
  const direct = dmaGoDirect(session, session.dev.coherentDmaMask, ops);
  trace.stage(
    'dma_alloc_attrs',
    null,
    null,
    direct ? 'dma_alloc_direct: dma-direct allocation (memory is always zeroed).' : `Calls ${ops!.name}.alloc.`,
    `${MAPPING_C}:dma_alloc_attrs`,
    '§1.7',
  );
  // dma-direct ignores the attributes it knows (DMA_ATTR_NO_KERNEL_MAPPING only changes the CPU mapping, not the pages or the handle).
  const outcome = direct
    ? dmaDirectAlloc(ctx, size, blocking)
    : ops!.alloc
      ? ops!.alloc(ctx, size, blocking, attrs)
      : null;
  if (outcome === null) {
    trace.fail(`${ops!.name} has no alloc method`);
    return {
      op: 'alloc_coherent',
      phys: 0n,
      size,
      dir: 'bidirectional',
      attrs,
      dma: null,
      path: 'error',
      direct,
      released: false,
    };
  }
  trace.path = outcome.path;
  const record: MappingRecord = {
    op: 'alloc_coherent',
    phys: outcome.phys ?? 0n,
    size: outcome.size,
    dir: 'bidirectional',
    attrs,
    dma: outcome.dma,
    path: outcome.path,
    direct,
    released: false,
  };
  if (outcome.phys !== null) record.pages = { phys: outcome.phys, size: outcome.size };
  if (outcome.opsData !== undefined) record.opsData = outcome.opsData;
  return record;
}

export function dmaFreeAttrs(ctx: DmaContext, record: MappingRecord): void {
  const ops = ctx.session.ops();
  ctx.trace.stage(
    'dma_free_attrs',
    record.dma,
    null,
    record.direct ? 'dma-direct free.' : `Calls ${ops!.name}.free.`,
    `${MAPPING_C}:dma_free_attrs`,
    '§1.7',
  );
  ctx.trace.path = record.path;
  if (record.direct) dmaDirectFree(ctx, record);
  else ops?.free?.(ctx, record);
}
