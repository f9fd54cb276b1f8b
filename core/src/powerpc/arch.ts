// The powerpc arch hooks (§1.2, §1.5, §4): phys_to_dma = phys + archdata.dma_offset (dma_range_map is
// ignored), ppc_md.dma_set_mask (fsl_pci), arch_dma_map_page_direct (pseries), SVM's
// force_dma_unencrypted / set_memory_decrypted, and ppc32 non-coherent __dma_sync.
import type { ArchHooks, DmaContext } from '../engine/ops';
import type { Direction } from '../types';
import { ppcPlatform } from './platform';
import { fslSetMask } from './fsl-pci';
import { CACHE_OP_FN, dmaSyncOp } from './noncoherent';
import { hex, u64 } from '../engine/bits';
import { ParamError } from '../params/parse';
import { vioDevSetup } from './vio';
import { cellDevSetup, cellMode } from './cell';

/**
 * A device the firmware or device tree configured (bus=platform): pcibios_bus_add_device and the PHB's
 * dma_dev_setup run for PCI devices only, so archdata.dma_offset stays 0 (no PCI_DRAM_OFFSET, no
 * fsl_pci window limit) and the device is on dma-direct. Cell is the exception: cell_of_bus_notify gives
 * platform devices the same IOMMU setup as PCI ones (still without the PCI-only bypass).
 */
function nonPciDevSetup(ctx: DmaContext, platform: string): void {
  const { dev, params } = ctx.session;
  if (platform === 'cell') {
    dev.dmaOps = cellMode(params).enabled ? 'dma_iommu_ops' : null;
    cellDevSetup(ctx);
    return;
  }
  dev.dmaOps = null;
  dev.dmaOffset = 0n;
  ctx.trace.stage(
    'platform_dma_configure',
    null,
    null,
    `Not a PCI device (bus=${dev.bus}): pcibios_bus_add_device and the ${platform === 'none' ? 'platform' : platform} PCI DMA setup do not run, so archdata.dma_offset stays 0 and the device uses dma-direct.`,
    'drivers/base/platform.c:platform_dma_configure',
    '§4.8',
  );
}

function dmaSync(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction, caller: string): void {
  const line = BigInt(ctx.session.params.cache_line as number);
  const sync = dmaSyncOp(phys, size, dir, line);
  if (!sync) return;
  ctx.trace.cacheLines(sync.op, sync.lines);
  const why =
    sync.op === 'flush' && dir === 'from_device'
      ? ' (buffer not cache-line aligned, so flush rather than discard neighbours)'
      : '';
  ctx.trace.stage(
    caller,
    phys,
    phys,
    `__dma_sync: ${CACHE_OP_FN[sync.op]} over ${sync.lines} line(s) of ${line} bytes${why}.`,
    'arch/powerpc/mm/dma-noncoherent.c:__dma_sync',
    '§1.5',
  );
}

function pfn(phys: bigint, ctx: DmaContext): string {
  return hex(phys / (ctx.session.params.page_size as bigint));
}

export const powerpcArch: ArchHooks = {
  name: 'powerpc',

  setup(ctx) {
    const { params, dev } = ctx.session;
    const platform = ppcPlatform(params);
    if (dev.bus === 'vio') {
      if (platform.id !== 'pseries')
        throw new ParamError(
          `bad value 'vio' for parameter 'bus': VIO devices exist only on pseries (ppc_platform is '${platform.id}')`,
        );
      vioDevSetup(ctx);
      return;
    }
    if (!dev.isPci) {
      nonPciDevSetup(ctx, platform.id);
      return;
    }
    // set_pci_dma_ops(&dma_iommu_ops) happens in the platform's IOMMU init; other platforms leave
    // PCI devices on dma-direct.
    if (platform.id !== 'none') dev.dmaOps = platform.usesIommuOps(params) ? 'dma_iommu_ops' : null;
    platform.devSetup(ctx);
    if (platform.id === 'fsl') fslSetMask(ctx, dev.dmaMask);
  },

  physToDma(session, phys) {
    return u64(phys + session.dev.dmaOffset);
  },

  dmaToPhys(session, dma) {
    return u64(dma - session.dev.dmaOffset);
  },

  physToDmaNote: {
    note: 'powerpc: dma = phys + archdata.dma_offset (dma-ranges are ignored).',
    ref: 'arch/powerpc/include/asm/dma-direct.h:phys_to_dma',
  },

  // mem_init's swiotlb_init(ppc_swiotlb_enable, ...) allocates the pool only for swiotlb=force or when the
  // platform set ppc_swiotlb_enable before it; the profiles that have such a pool (fsl_pci, the secure VM)
  // say so with swiotlb_active=on.
  swiotlbDefaultActive: () => false,

  setMask(ctx, mask, which) {
    if (which === 'streaming' && ppcPlatform(ctx.session.params).id === 'fsl') fslSetMask(ctx, mask);
    return undefined;
  },

  mapPageDirect(ctx, physEnd) {
    const { dev, params } = ctx.session;
    if (params.ppc_platform !== 'pseries' || dev.busDmaLimit === 0n) return false;
    const direct = dev.busDmaLimit >= physEnd + dev.dmaOffset;
    ctx.trace.stage(
      'arch_dma_map_page_direct',
      physEnd,
      null,
      direct
        ? `bus_dma_limit ${hex(dev.busDmaLimit)} covers phys_to_dma(end): map directly through the dynamic window.`
        : `phys_to_dma(end) is beyond bus_dma_limit ${hex(dev.busDmaLimit)} (persistent memory): map through the default TCE window.`,
      'arch/powerpc/kernel/dma-iommu.c:arch_dma_map_page_direct',
      '§4.1',
    );
    return direct;
  },

  unmapPageDirect(ctx, dma) {
    const { dev, params } = ctx.session;
    if (params.ppc_platform !== 'pseries' || dev.busDmaLimit === 0n) return false;
    return dma >= dev.dmaOffset;
  },

  forceDmaUnencrypted(session) {
    return session.params.mem_encrypt === 'svm';
  },

  setMemoryDecrypted(ctx, phys, pages) {
    ctx.trace.hypercall({
      name: 'UV_SHARE_PAGE',
      count: 1,
      when: 'alloc',
      args: `(pfn=${pfn(phys, ctx)}, npages=${pages})`,
    });
    ctx.trace.stage(
      'set_memory_decrypted',
      phys,
      phys,
      `Secure VM: one uv_share_page ultracall shares ${pages} page(s) with the hypervisor.`,
      'arch/powerpc/platforms/pseries/svm.c:set_memory_decrypted',
      '§1.7',
    );
  },

  setMemoryEncrypted(ctx, phys, pages) {
    ctx.trace.hypercall({
      name: 'UV_UNSHARE_PAGE',
      count: 1,
      when: 'free',
      args: `(pfn=${pfn(phys, ctx)}, npages=${pages})`,
    });
    ctx.trace.stage(
      'set_memory_encrypted',
      phys,
      phys,
      `Secure VM: one uv_unshare_page ultracall takes ${pages} page(s) back.`,
      'arch/powerpc/platforms/pseries/svm.c:set_memory_encrypted',
      '§1.7',
    );
  },

  syncForDevice(ctx, phys, size, dir) {
    dmaSync(ctx, phys, size, dir, 'arch_sync_dma_for_device');
  },

  syncForCpu(ctx, phys, size, dir) {
    dmaSync(ctx, phys, size, dir, 'arch_sync_dma_for_cpu');
  },
};
