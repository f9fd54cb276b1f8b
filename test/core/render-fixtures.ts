// Results built by hand for the renderer tests, with addresses computed here from the spec's rules.
import { TraceBuilder } from '../../core/src/engine/trace';
import type { OpResult } from '../../core/src/types';
import type { PlatformResult } from '../../core/src/render/labels';

export const PHYS = 0x1234_5678n;
/** powernv/pseries bypass base (spec §4.4, V33): dma = phys + 1<<59. */
export const BYPASS = 1n << 59n;

export function directResult(): OpResult {
  const trace = new TraceBuilder('map_single');
  trace.stage(
    'dma_map_page_attrs',
    PHYS,
    PHYS,
    'dma_map_direct: no dma_map_ops.',
    'kernel/dma/mapping.c:dma_map_page_attrs',
    '§1.1',
  );
  trace.stage(
    'phys_to_dma',
    PHYS,
    PHYS,
    'No dma_range_map: dma = phys.',
    'include/linux/dma-direct.h:phys_to_dma',
    '§1.2',
  );
  trace.rule = 'dma = phys';
  return trace.finish(PHYS);
}

export function bypassResult(): OpResult {
  const trace = new TraceBuilder('map_single');
  trace.path = 'dma-direct';
  trace.stage(
    'dma_map_page_attrs',
    PHYS,
    PHYS,
    'dma_ops_bypass set by DDW.',
    'kernel/dma/mapping.c:dma_map_page_attrs',
    '§1.1',
  );
  trace.stage(
    'phys_to_dma',
    PHYS,
    PHYS + BYPASS,
    'powerpc: phys + archdata.dma_offset.',
    'arch/powerpc/include/asm/dma-direct.h:phys_to_dma',
    '§1.2',
  );
  trace.rule = 'dma = phys + 0x0800_0000_0000_0000';
  return trace.finish(PHYS + BYPASS);
}

export function tceResult(): OpResult {
  const trace = new TraceBuilder('map_single');
  trace.path = 'ppc-tce';
  trace.stage('iommu_map_page', PHYS, 0x1678n, 'TCE entry 1.', 'arch/powerpc/kernel/iommu.c:iommu_map_page', '§4.2');
  trace.hypercall({ name: 'H_PUT_TCE', count: 1, when: 'map', args: '(L, 0x1000, 0x12345001)' });
  trace.rule = 'dma = TCE entry << 12 | offset';
  return trace.finish(0x1678n);
}

export function bounceResult(): OpResult {
  const trace = new TraceBuilder('map_single');
  trace.path = 'swiotlb';
  trace.stage(
    'swiotlb_tbl_map_single',
    PHYS,
    0xbbf0_0000n,
    'Forced bounce.',
    'kernel/dma/swiotlb.c:swiotlb_tbl_map_single',
    '§2.2',
  );
  trace.bounce('map', 1514);
  trace.cacheLines('clean', 24);
  trace.flush({ kind: 'PSI', count: 1, when: 'unmap' });
  return trace.finish(0xbbf0_0000n);
}

export function failedResult(message: string): OpResult {
  const trace = new TraceBuilder('map_single');
  trace.stage(
    'dma_direct_map_page',
    PHYS,
    (1n << 64n) - 1n,
    'Not dma_capable and no pool.',
    'kernel/dma/direct.h:dma_direct_map_page',
    '§1.4',
  );
  trace.fail(message);
  return trace.finish(null);
}

export function row(id: string, title: string, result: OpResult): PlatformResult {
  return { platform: { id, title }, result };
}
