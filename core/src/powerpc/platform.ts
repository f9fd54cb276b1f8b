// The powerpc platforms as plug-ins: what `controller_ops.dma_dev_setup`, `iommu_bypass_supported`
// and the table's it_ops are on each (§4.3-§4.8). Selected by the ppc_platform parameter.
import { hex } from '../engine/bits';
import type { DmaPath } from '../types';
import type { DmaContext } from '../engine/ops';
import type { Params } from '../params/spec';
import type { TceTableOps } from './table-ops';
import { pseriesBypassSupported, pseriesDevSetup, pseriesTableOps } from './pseries';
import { powernvBypassSupported, powernvDevSetup, powernvTableOps } from './powernv';
import { dartBypassSupported, dartDevSetup, dartEnabled, dartTableOps } from './dart';
import { cellBypassSupported, cellDevSetup, cellMode, cellTableOps } from './cell';
import { fslDevSetup } from './fsl-pci';

export type PpcPlatformId = 'none' | 'pseries' | 'powernv' | 'cell' | 'dart' | 'fsl' | 'ppc32';

export interface PpcPlatform {
  id: PpcPlatformId;
  /** Whether PCI devices get dma_iommu_ops (set_pci_dma_ops) with these parameters. */
  usesIommuOps(params: Params): boolean;
  /** pcibios_bus_add_device + controller_ops.dma_dev_setup. */
  devSetup(ctx: DmaContext): void;
  /** controller_ops.iommu_bypass_supported; absent = never. */
  bypassSupported?(ctx: DmaContext, mask: bigint): boolean;
  /** it_ops of the platform's tables (a fresh instance per request). */
  tableOps?(params: Params): TceTableOps;
  /** Path reported for mappings through the table. */
  path: DmaPath;
}

/** `pcibios_bus_add_device` on ppc32: archdata.dma_offset = PCI_DRAM_OFFSET. */
function ppc32DevSetup(ctx: DmaContext): void {
  const { params, dev } = ctx.session;
  dev.dmaOffset = params.pci_dram_offset as bigint;
  ctx.trace.stage(
    'pcibios_bus_add_device',
    null,
    null,
    `archdata.dma_offset = PCI_DRAM_OFFSET = ${hex(dev.dmaOffset)}: dma = phys + ${hex(dev.dmaOffset)}.`,
    'arch/powerpc/kernel/pci-common.c:pcibios_bus_add_device',
    '§4.8',
  );
}

const PLATFORMS: Record<PpcPlatformId, PpcPlatform> = {
  none: { id: 'none', usesIommuOps: () => false, devSetup: () => undefined, path: 'dma-direct' },
  pseries: {
    id: 'pseries',
    usesIommuOps: () => true,
    devSetup: pseriesDevSetup,
    bypassSupported: pseriesBypassSupported,
    tableOps: pseriesTableOps,
    path: 'ppc-tce',
  },
  powernv: {
    id: 'powernv',
    usesIommuOps: () => true,
    devSetup: powernvDevSetup,
    bypassSupported: powernvBypassSupported,
    tableOps: powernvTableOps,
    path: 'ppc-tce',
  },
  dart: {
    id: 'dart',
    usesIommuOps: dartEnabled,
    devSetup: dartDevSetup,
    bypassSupported: dartBypassSupported,
    tableOps: dartTableOps,
    path: 'dart',
  },
  cell: {
    id: 'cell',
    usesIommuOps: (params) => cellMode(params).enabled,
    devSetup: cellDevSetup,
    bypassSupported: cellBypassSupported,
    tableOps: cellTableOps,
    path: 'ppc-tce',
  },
  fsl: { id: 'fsl', usesIommuOps: () => false, devSetup: fslDevSetup, path: 'dma-direct' },
  ppc32: { id: 'ppc32', usesIommuOps: () => false, devSetup: ppc32DevSetup, path: 'dma-direct' },
};

export function ppcPlatform(params: Params): PpcPlatform {
  return PLATFORMS[(params.ppc_platform as PpcPlatformId) ?? 'none'] ?? PLATFORMS.none;
}
