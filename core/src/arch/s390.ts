// s390 DMA hooks (§5.5): protected virtualization forces swiotlb and shares pages with uv_set_shared.
import { registerArch, type DmaContext, type EngineSession } from '../engine/ops';
import { hex } from '../engine/bits';

function isPv(session: EngineSession): boolean {
  return (session.params.mem_encrypt as string) === 's390-pv';
}

function uvCall(ctx: DmaContext, phys: bigint, pages: number, share: boolean): void {
  const name = share ? 'UVC_CMD_SET_SHARED_ACCESS (uv_set_shared)' : 'UVC_CMD_REMOVE_SHARED_ACCESS (uv_remove_shared)';
  ctx.trace.hypercall({
    name,
    count: pages,
    when: share ? 'alloc' : 'free',
    args: `one Ultravisor call per 4 KiB page from ${hex(phys)}`,
  });
  ctx.trace.stage(
    share ? 'set_memory_decrypted' : 'set_memory_encrypted',
    phys,
    phys,
    `${pages} Ultravisor call(s), one per 4 KiB page.`,
    'arch/s390/mm/init.c:set_memory_decrypted',
    '§1.7',
  );
}

registerArch({
  name: 's390',
  forceDmaUnencrypted: isPv,
  swiotlbForce: isPv,
  swiotlbDefaultActive: isPv,
  setMemoryDecrypted(ctx, phys, pages) {
    uvCall(ctx, phys, pages, true);
  },
  setMemoryEncrypted(ctx, phys, pages) {
    uvCall(ctx, phys, pages, false);
  },
});
