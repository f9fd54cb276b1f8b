// Registers the powerpc plug-ins with the engine: parameters, the `powerpc` arch hooks and
// `dma_iommu_ops`. Imported once by the core's index.
import './params';
import { registerArch, registerDmaOps } from '../engine/ops';
import { powerpcArch } from './arch';
import { dmaIommuOps } from './dma-iommu';
import { vioDmaMappingOps } from './vio';

registerArch(powerpcArch);
registerDmaOps(dmaIommuOps);
registerDmaOps(vioDmaMappingOps);
