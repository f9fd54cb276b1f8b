// The device's DMA fields (§0) as the bus and firmware leave them before the driver's first request.
import type { Params } from '../params/spec';
import type { DmaWindow } from '../types';
import type { DeviceState } from './ops';

export function initialDeviceState(params: Params): DeviceState {
  const windows = params.dma_windows as DmaWindow[];
  const passthrough =
    params.dma_ops === 'iommu_dma_ops' && params.iommu_mode === 'passthrough' && !(params.untrusted as boolean);
  // An identity (passthrough) default domain leaves dev->dma_ops NULL: dma-direct (§3.1). Untrusted
  // devices always get a translated domain.
  const dmaOps = passthrough ? 'none' : (params.dma_ops as string);
  return {
    dmaMask: params.dma_mask as bigint,
    coherentDmaMask: params.coherent_mask as bigint,
    busDmaLimit: params.bus_dma_limit as bigint,
    dmaRangeMap: windows.length > 0 ? windows.map((window) => ({ ...window })) : null,
    dmaOffset: params.dma_offset as bigint,
    dmaOps: dmaOps === 'none' ? null : dmaOps,
    dmaOpsBypass: false,
    coherent: params.coherent as boolean,
    isPci: params.pci as boolean,
    untrusted: params.untrusted as boolean,
    minAlignMask: params.min_align_mask as bigint,
    segBoundaryMask: params.seg_boundary as bigint,
    maxSegSize: params.max_seg_size as bigint,
  };
}
