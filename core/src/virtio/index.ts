// The virtio part of the simulation core (spec §6), registered with the engine as the handler of the four
// virtio requests. The engine's nested-DMA context reaches the platform's ordinary DMA-API paths.
import './params';
import { registerRequestHandler } from '../engine/dispatch';
import { runVirtioRequest, VIRTIO_OPS, type VirtioRequest } from './run';
import { createVirtioState } from './state';

registerRequestHandler(VIRTIO_OPS, (request, index, nested) =>
  runVirtioRequest(request as VirtioRequest, index, {
    state: nested.session.state('virtio', createVirtioState),
    params: nested.params,
    mapPage: (phys, size, dir) => nested.mapPage(phys, size, dir),
    unmapPage: (handle) => nested.unmapPage(handle),
    allocCoherent: (size, knownPages) => nested.allocCoherent(size, knownPages),
    maxMappingSize: () => nested.maxMappingSize(),
    dmaPath: () => nested.session.ops()?.path ?? (nested.params['swiotlb_force'] === true ? 'swiotlb' : 'dma-direct'),
    useGrantDma: () => {
      nested.session.dev.dmaOps = 'xen_grant_dma_ops';
    },
  }),
);

export { FEATURE_BITS, parseFeature, type FeatureBit } from './features';
export { vringSize } from './vring';
