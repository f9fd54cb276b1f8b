// Public API of the simulation core. The server, the CLI and the renderers use only what is exported here.
// The side-effect imports register parameters, arch hooks, dma_map_ops and request handlers.
import './params/common';
import './arch/generic';
import './arch/x86';
import './arch/arm64';
import './arch/arm';
import './arch/mips';
import './arch/s390';
import './iommu/dma-iommu';
import './xen/swiotlb-xen';
import './xen/grant-dma';
import './powerpc';
import './virtio';
import { getProfile } from './profiles/index';
import type { PlatformProfile } from './profiles/profile';
import { resolveParams } from './params/parse';
import { Session } from './engine/session';

export * from './types';
export type { PlatformProfile } from './profiles/profile';
export type { ParamSpec, ParamKind, Params } from './params/spec';
export { allParamSpecs, paramSpec, defineParams } from './params/spec';
export { ParamError, parseParamValue, dmaBitMask } from './params/parse';
export { TraceBuilder } from './engine/trace';
export { hex } from './engine/bits';
export { Session, type HistoryEntry } from './engine/session';
export { RequestError, parseRequest } from './engine/request';
export { resultToJson, paramsToJson } from './engine/json';
export { registerRequestHandler, cloneNestedHandle, type NestedDma, type RequestHandler } from './engine/dispatch';
export {
  registerArch,
  registerDmaOps,
  type ArchHooks,
  type DmaMapOps,
  type DmaContext,
  type EngineSession,
  type SessionState,
  type MappingRecord,
  type DeviceState,
} from './engine/ops';
export { listProfiles, getProfile } from './profiles/index';
export { boardProfile, type BoardDeviceFacts, type BoardProfile } from './devicetree/board-profile';
export * from './render';
export * from './api/catalogue';
export { FEATURE_BITS, parseFeature, vringSize } from './virtio';

/**
 * Creates a session for a built-in profile (by id) or a profile built elsewhere (a board node's); overrides take
 * the CLI string forms or JSON values.
 */
export function createSession(platform: string | PlatformProfile, overrides: Record<string, unknown> = {}): Session {
  const profile = typeof platform === 'string' ? getProfile(platform) : platform;
  return Session.create(profile, resolveParams(profile.params, overrides));
}
