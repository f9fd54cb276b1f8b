// Public API of the simulation core. The server, the CLI and the renderers use only what is exported here.
export * from './types';
export type { PlatformProfile } from './profiles/profile';
export type { ParamSpec, ParamKind, Params } from './params/spec';
export { allParamSpecs, paramSpec } from './params/spec';
export { TraceBuilder } from './engine/trace';
