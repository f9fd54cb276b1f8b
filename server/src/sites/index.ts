// The sites layer: the only place that turns an analysed call site plus its file's context into
// simulation requests, runs them through the core, and puts the results into rows and words. Imports run
// one way: analysis -> sites -> checks, lsp, scan, batch, cli. Nothing outside this folder imports the
// core's session API (createSession, Session).
export {
  createPlatformModel,
  runSession,
  RequestFailure,
  ParamError,
  type PlatformModel,
  type PlatformRun,
  type SessionRun,
} from './platform-model';
export {
  driverContext,
  fileStreamingMask,
  maskBits,
  STREAMING_MASK_SETTERS,
  type DriverContext,
  type FileMask,
  type FilePlacement,
  type AnalysedFile,
} from './driver-context';
export {
  deviceFacts,
  deviceOverrides,
  type DeviceFacts,
  type DeviceBus,
  type SizeAnswer,
  type SizeResolver,
} from './device-facts';
export {
  filePlatforms,
  AUTO_TARGETS_SHOWN,
  type BuildTargets,
  type FilePlatforms,
  type PlatformChoice,
} from './file-platforms';
export {
  simulationFor,
  simulationKey,
  requestsOn,
  subjectOf,
  EXAMPLE_PHYS_VALUE,
  EXAMPLE_SIZE_VALUE,
  type ExampleField,
  type SiteSimulation,
} from './simulation';
export { siteRows, rowsFor, mapUnmapResults, type PlatformRow, type SiteRows } from './rows';
export {
  compareMasks,
  rawPhysOutcomes,
  virtioOutcomes,
  HIGH_PHYS,
  type MaskComparison,
  type RawPhysOutcome,
  type VirtioOutcome,
} from './probes';
export {
  pathWord,
  costWords,
  bounceBytes,
  outcomeWords,
  summaryText,
  differencesText,
  rowWord,
  wantsSummary,
} from './words';
export { contextFacts, sourceFacts } from './site-facts';
export { createAnnotator, type SiteAnnotations } from './annotations';
export { siteSummary } from './summary';
export { toWire, wireJson } from './wire';
