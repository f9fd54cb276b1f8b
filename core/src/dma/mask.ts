// dma_set_mask / dma_set_coherent_mask (kernel/dma/mapping.c, §0, §1.7): dma_supported decides, and
// arch/ops hooks may change the path (powerpc bypass and DDW, fsl_pci offset).
import type { DmaContext } from '../engine/ops';
import { hex, minBig } from '../engine/bits';
import { dmaBitMask } from '../params/parse';
import { maxPfn, physToDmaUnencrypted } from './direct';
import { dmaMapDirect } from './mapping';

const MAPPING_C = 'kernel/dma/mapping.c';

/** `dma_direct_supported`. */
function dmaDirectSupported(ctx: DmaContext, mask: bigint): boolean {
  const { session } = ctx;
  if (mask >= dmaBitMask(32)) return true;
  const pageSize = session.params.page_size as bigint;
  const minMask = minBig((maxPfn(session) - 1n) * pageSize, dmaBitMask(session.params.zone_dma_bits as number));
  return mask >= physToDmaUnencrypted(session, minMask);
}

/** `dma_supported`: ops->dma_supported is always called when there are ops (it sets the bypass flag). */
function dmaSupported(ctx: DmaContext, mask: bigint): boolean {
  const ops = ctx.session.ops();
  if (ops === null) return dmaDirectSupported(ctx, mask);
  return ops.dmaSupported ? ops.dmaSupported(ctx, mask) : true;
}

/** Applies one mask; returns false (-EIO) when refused. */
function setOneMask(ctx: DmaContext, mask: bigint, which: 'streaming' | 'coherent'): boolean {
  const fn = which === 'streaming' ? 'dma_set_mask' : 'dma_set_coherent_mask';
  const supported = dmaSupported(ctx, mask);
  ctx.trace.stage(
    'dma_supported',
    mask,
    null,
    supported ? `${hex(mask)} is supported.` : `dma_supported refused ${hex(mask)}.`,
    `${MAPPING_C}:dma_supported`,
    '§0',
  );
  if (!supported) return false;
  if (ctx.session.arch.setMask?.(ctx, mask, which) === false) return false;
  if (which === 'streaming') ctx.session.dev.dmaMask = mask;
  else ctx.session.dev.coherentDmaMask = mask;
  ctx.trace.stage(
    fn,
    mask,
    mask,
    `${which === 'streaming' ? '*dev->dma_mask' : 'dev->coherent_dma_mask'} = ${hex(mask)}.`,
    `${MAPPING_C}:${fn}`,
    '§0',
  );
  return true;
}

export function dmaSetMask(ctx: DmaContext, mask: bigint, which: 'streaming' | 'coherent' | 'both'): void {
  const { trace, session } = ctx;
  const order: ('streaming' | 'coherent')[] = which === 'both' ? ['streaming', 'coherent'] : [which];
  for (const one of order) {
    if (!setOneMask(ctx, mask, one)) {
      trace.fail(
        `-EIO: ${one === 'streaming' ? 'dma_set_mask' : 'dma_set_coherent_mask'}(${hex(mask)}) refused by dma_supported`,
      );
      break;
    }
  }
  const ops = session.ops();
  trace.path = ops === null || dmaMapDirect(session) ? 'dma-direct' : ops.path;
  trace.details = {
    dma_mask: session.dev.dmaMask,
    coherent_mask: session.dev.coherentDmaMask,
    dma_ops_bypass: session.dev.dmaOpsBypass,
    dma_offset: session.dev.dmaOffset,
    bus_dma_limit: session.dev.busDmaLimit,
    direct: dmaMapDirect(session),
  };
}
