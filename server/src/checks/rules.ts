// Every rule, in the order diagnostics are listed. Adding a rule = one file + one line here + its
// docs/rules/<id>.md page (a test checks that every id has one).
import { mapRodataBuffer, mapStackBuffer, mapVmallocBuffer } from './buffer-origin-rules';
import { mapInLoop } from './map-in-loop';
import { mappingZeroCheck } from './mapping-zero-check';
import { sgMapResult } from './sg-map-result';
import { sizeofPointer } from './sizeof-pointer';
import { doubleUnmap } from './error-paths/double-unmap';
import { mapLeakOnError } from './error-paths/map-leak-on-error';
import { narrowDmaMask } from './narrow-dma-mask';
import { rawPhysToDevice } from './raw-phys-to-device';
import { removedApi } from './removed-api';
import type { Rule } from './rule';
import { sizeOverSwiotlbMax } from './size-over-swiotlb-max';
import { syncDirection } from './sync-direction';
import { uncheckedMapping } from './unchecked-mapping';
import { unmapMismatch } from './unmap-mismatch';
import { virtioIommuPlatformRenamed } from './virtio-iommu-platform-renamed';

export const RULES: readonly Rule[] = [
  uncheckedMapping,
  mappingZeroCheck,
  sgMapResult,
  mapStackBuffer,
  mapVmallocBuffer,
  mapRodataBuffer,
  unmapMismatch,
  mapLeakOnError,
  doubleUnmap,
  sizeofPointer,
  syncDirection,
  rawPhysToDevice,
  removedApi,
  virtioIommuPlatformRenamed,
  narrowDmaMask,
  mapInLoop,
  sizeOverSwiotlbMax,
];
