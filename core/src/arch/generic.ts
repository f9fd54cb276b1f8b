// Arches with no DMA hooks of their own: always coherent, generic phys_to_dma.
import { registerArch } from '../engine/ops';

registerArch({ name: 'generic' });
