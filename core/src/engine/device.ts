// The device's DMA fields (§0) as the bus and firmware leave them before the driver's first request.
import type { Params } from '../params/spec';
import type { DmaWindow } from '../types';
import type { DeviceBus, DeviceState } from './ops';
import { ParamError } from '../params/parse';

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
    bus: params.bus as DeviceBus,
    isPci: params.bus === 'pci',
    untrusted: params.untrusted as boolean,
    minAlignMask: params.min_align_mask as bigint,
    segBoundaryMask: params.seg_boundary as bigint,
    maxSegSize: params.max_seg_size as bigint,
  };
}

/** Buses that exist only on one architecture: a profile or override naming them elsewhere is refused. */
const BUS_ARCH: Partial<Record<DeviceBus, string>> = { vio: 'powerpc', ccw: 's390' };

export function checkBus(params: Params): void {
  const bus = params.bus as DeviceBus;
  const arch = BUS_ARCH[bus];
  if (arch !== undefined && params.arch_dma !== arch)
    throw new ParamError(
      `bad value '${bus}' for parameter 'bus': ${bus} devices exist only with arch_dma=${arch} (this session has '${String(params.arch_dma)}')`,
    );
}
