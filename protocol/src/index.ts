// The one typed description of the custom requests between the DMA Lens client and the language
// server: a RequestType or NotificationType per method with its JSON shapes, imported by both sides, so a
// change of a shape is a compile error on the side that no longer fits. Beside the types it holds only
// constants.
//
// JSON-RPC carries no bigint: every address, size and mask crosses the wire as a string, either
// `0x…` hex (addresses, masks) or a decimal / `0x` string (sizes). `Wire<T>` derives the wire shape of a
// core type by that rule, so the protocol follows the core's Request type without restating it.
import type { Direction, OpResult, Request, VirtioTransport } from '@dmalens/core';
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';

/**
 * Bumped when a request or result changes incompatibly; the server announces it in `initialize` and the
 * client refuses a server whose version differs. 2: results are Wire<OpResult>, parameter values the
 * text users type.
 */
export const PROTOCOL_VERSION = 2;

/**
 * The physical address hovers, inlay hints and `dmalens/callSiteAt` use for a buffer whose address the
 * source cannot tell (always, in practice). It does not depend on the size. Page-aligned and below
 * 1 GiB so that every default platform maps it (the RPi4 `soc` dma-ranges window covers CPU 0..1 GiB,
 * §5.1) and so that it matches the spec's pseries vectors V24-V26 (§10).
 */
export const EXAMPLE_PHYS = '0x12345000';

/** Size used in a hover's worked example when the call's size is not a constant; labelled as an example. */
export const EXAMPLE_SIZE = '4096';

/** The wire form of a core type: bigint becomes a string, recursively. */
export type Wire<T> = T extends bigint
  ? string
  : T extends readonly (infer E)[]
    ? Wire<E>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** One DMA-API or virtio operation as sent by the client, e.g. `{op:'map_single', phys:'0x12345000', size:'4096', dir:'to_device'}`. */
export type WireRequest = Wire<Request>;

/** Zero-based line and UTF-16 character, as in LSP. */
export interface WirePosition {
  line: number;
  character: number;
}

export interface WireRange {
  start: WirePosition;
  end: WirePosition;
}

/** A parameter override as users write it in settings: the same forms the CLI's `--set` accepts. */
export type ParamOverrideValue = string | number | boolean | string[];

/** Per-platform parameter overrides: platform id -> parameter key -> value. */
export type PlatformOverrides = Record<string, Record<string, ParamOverrideValue>>;

/** One operation's outcome: the core's OpResult with its addresses as hex strings. */
export type WireOpResult = Wire<OpResult>;

// ---------------------------------------------------------------------------------------------------
// Call sites

/** The facts the extractor resolved for one call (see server/src/analysis/callsite.ts). */
export interface SiteSummary {
  uri: string;
  api: string;
  /** Catalogue kind: `map`, `unmap`, `sync`, `alloc`, `free`, `mask`, `virtio-add`, `legacy`, `raw-phys`, ... */
  kind: string;
  range: WireRange;
  nameRange: WireRange;
  direction: Direction | 'unknown';
  /** Size as written and, when constant, its value in bytes (decimal string). */
  size: { text: string; value: string | null; kind: 'constant' | 'sizeof' | 'page_size' | 'unknown' } | null;
  bufferOrigin: string;
  bufferText: string | null;
  handle: string | null;
  checked: boolean;
  enclosingFunction: string | null;
  inLoop: boolean;
}

// ---------------------------------------------------------------------------------------------------
// dmalens/simulate — run a sequence of requests on each platform, rendered through the core.

export interface SimulateParams {
  /** Platform ids; at most eight. Unknown ids give a per-platform error, not a failed request. */
  platforms: string[];
  /** Requests run in order in one fresh session per platform (`of` indexes refer to this list). */
  requests: WireRequest[];
  /** Overrides on top of the user's settings for this request only. */
  overrides?: PlatformOverrides;
  /** Which renderings to include; both default to true. */
  render?: { svg?: boolean; markdown?: boolean };
}

export interface PlatformSimulation {
  platform: string;
  title: string;
  /** One result per request, in order; empty when `error` is set. */
  results: WireOpResult[];
  /** The address-pipeline picture from the core's SVG renderer (last request), when asked for. */
  svg?: string;
  /** The core's markdown rendering of the results, when asked for. */
  markdown?: string;
  /** Bad platform id or bad override, in words; the other platforms still run. */
  error?: string;
}

export interface SimulateResult {
  simulations: PlatformSimulation[];
}

/** Bad params (not arrays, too many platforms or requests, a malformed request) are an InvalidParams error. */
/** At most this many platforms per dmalens/simulate request: the pipeline view shows them all. */
export const MAX_SIMULATED_PLATFORMS = 12;

export const SimulateRequest = new RequestType<SimulateParams, SimulateResult, void>('dmalens/simulate');

// ---------------------------------------------------------------------------------------------------
// dmalens/callSiteAt — the call under the cursor and a ready request for it.

export interface CallSiteAtParams {
  uri: string;
  position: WirePosition;
}

export interface CallSiteAtResult {
  /** Null when no recognised call covers the position. */
  site: SiteSummary | null;
  /**
   * Requests that simulate the call with its real size and direction; null when the call has no
   * simulation (e.g. `virtio_has_feature`). The physical address is always an example. When the file
   * sets its streaming mask with a constant `DMA_BIT_MASK(n)`, a `set_mask` request comes first; the
   * call itself is always the last request (a map before an unmap or sync precedes it).
   */
  requests: WireRequest[] | null;
  /** Which request fields are examples rather than facts from the source, e.g. `['phys', 'size']`. */
  exampleFields: string[];
  /** The platforms selected in settings, for a default choice in the client. */
  platforms: string[];
  /**
   * What the source says of the call and what it leaves to examples, one plain-text sentence each (mask,
   * size, direction, buffer, device, platforms): the hover keeps only the mask and the size.
   */
  facts: string[];
}

export const CallSiteAtRequest = new RequestType<CallSiteAtParams, CallSiteAtResult, void>('dmalens/callSiteAt');

// ---------------------------------------------------------------------------------------------------
// dmalens/listSites — DMA call sites of one document or of the whole index.

export interface ListSitesParams {
  /** One document; omitted = every indexed file (capped at `limit`). */
  uri?: string;
  /** Default 5000. */
  limit?: number;
}

export interface ListSitesResult {
  sites: SiteSummary[];
  /** True when `limit` cut the list. */
  truncated: boolean;
}

/** The params may be left out: every indexed file. */
export const ListSitesRequest = new RequestType<ListSitesParams, ListSitesResult, void>('dmalens/listSites');

// ---------------------------------------------------------------------------------------------------
// dmalens/negotiateVirtio — feature negotiation and its consequence for the ring.

export interface NegotiateVirtioParams {
  platform: string;
  /** Feature names as in include/uapi/linux/virtio_config.h without the prefix: `VERSION_1`, `ACCESS_PLATFORM`, ... */
  offered: string[];
  transport?: VirtioTransport;
  overrides?: Record<string, ParamOverrideValue>;
}

export interface NegotiateVirtioResult {
  platform: string;
  accepted: string[];
  /** vring_use_dma_api(): whether buffers go through the platform's DMA API. */
  usesDmaApi: boolean;
  /** The kernel's probe failure message (virtio_features_ok), or null when probing succeeds. */
  probeError: string | null;
  result: WireOpResult | null;
  markdown?: string;
  /** Bad platform id or override, in words. */
  error?: string;
}

export const NegotiateVirtioRequest = new RequestType<NegotiateVirtioParams, NegotiateVirtioResult, void>(
  'dmalens/negotiateVirtio',
);

// ---------------------------------------------------------------------------------------------------
// dmalens/analyzeWorkspace — findings per file and per rule.

export interface AnalyzeWorkspaceParams {
  /** Restrict to these rule ids; omitted = every enabled rule. */
  rules?: string[];
}

export interface FindingLocation {
  uri: string;
  range: WireRange;
  message: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
}

export interface AnalyzeWorkspaceResult {
  files: { uri: string; sites: number; findings: number; byRule: Record<string, number> }[];
  rules: {
    id: string;
    title: string;
    severity: string;
    /** file: URI of docs/rules/<id>.md as shipped with the server; null when the docs are missing. */
    docUrl: string | null;
    count: number;
    locations: FindingLocation[];
  }[];
  totals: { files: number; sites: number; findings: number; skippedFiles: number };
  /** True while the background index is still running: the summary covers only what is indexed. */
  partial: boolean;
}

export const AnalyzeWorkspaceRequest = new RequestType<AnalyzeWorkspaceParams, AnalyzeWorkspaceResult, void>(
  'dmalens/analyzeWorkspace',
);

// ---------------------------------------------------------------------------------------------------
// dmalens/exportSarif — the same findings as a SARIF 2.1.0 log.

export interface ExportSarifParams {
  /** One document; omitted = the whole index. */
  uri?: string;
}

export interface ExportSarifResult {
  /** The SARIF log as JSON text, ready to save. */
  sarif: string;
}

export const ExportSarifRequest = new RequestType<ExportSarifParams, ExportSarifResult, void>('dmalens/exportSarif');

// ---------------------------------------------------------------------------------------------------
// dmalens/platforms — profiles and their parameters.

export interface PlatformParamInfo {
  key: string;
  kind: string;
  /** The profile's value in the forms users type (e.g. `0xBBF00000`, `64`). */
  value: string;
  doc: string;
  ref: string;
  values?: string[];
}

export interface PlatformInfo {
  id: string;
  title: string;
  short: string;
  arch: string;
  description: string;
  sources: string[];
  params: PlatformParamInfo[];
}

export interface PlatformsResult {
  platforms: PlatformInfo[];
  /** The ids selected in settings (valid ones only); with `auto`, the default platforms. */
  selected: string[];
  /** True when dmalens.platforms is `auto`: each file is shown on its own build targets. */
  auto?: boolean;
  /** Board nodes named in dmalens.boards, simulated like the platforms above (not ids for dmalens.platforms). */
  boards?: PlatformInfo[];
}

export const PlatformsRequest = new RequestType0<PlatformsResult, void>('dmalens/platforms');

// ---------------------------------------------------------------------------------------------------
// dmalens/status — selected platforms and index progress; also pushed as a notification.

export interface IndexStatus {
  state: 'disabled' | 'pending' | 'indexing' | 'done';
  filesIndexed: number;
  filesTotal: number;
  skippedFiles: number;
  sites: number;
}

export interface StatusResult {
  selected: string[];
  index: IndexStatus;
  /** Settings problems found at the last configuration change, in words; empty when valid. */
  settingsErrors: string[];
}

export const StatusRequest = new RequestType0<StatusResult, void>('dmalens/status');

/** Server -> client whenever the selection or the index state changes. */
export const StatusChangedNotification = new NotificationType<StatusResult>('dmalens/statusChanged');

// ---------------------------------------------------------------------------------------------------
// The command the hover links to; the client registers it.

/** `command:dmalens.showPipeline?<encodeURIComponent(JSON.stringify([ShowPipelineArgs]))>` */
export const ShowPipelineCommand = 'dmalens.showPipeline';

export interface ShowPipelineArgs {
  uri: string;
  position: WirePosition;
  platforms: string[];
}

/**
 * Commands a finding's code actions can run in the client: turn a rule off in the settings (argument: the
 * rule id), or open a rule's documentation rendered (argument: the page's file URI).
 */
export const DisableRuleCommand = 'dmalens.disableRule';
export const ShowRuleDocsCommand = 'dmalens.showRuleDocs';

/** What a client announces in `initialize` as `capabilities.experimental.dmalens`: the commands it runs. */
export interface ClientExperimentalCapabilities {
  commands: string[];
  /** The client shows settings problems itself (at their place in settings.json), from the status. */
  settingsProblems?: boolean;
}

/** What the server announces in `initialize` as `capabilities.experimental.dmalens`. */
export interface ServerExperimentalCapabilities {
  protocolVersion: number;
  methods: string[];
}

/** Every custom request the server answers, for its `initialize` answer. */
export const REQUEST_METHODS: readonly string[] = [
  SimulateRequest,
  CallSiteAtRequest,
  ListSitesRequest,
  NegotiateVirtioRequest,
  AnalyzeWorkspaceRequest,
  ExportSarifRequest,
  PlatformsRequest,
  StatusRequest,
].map((type) => type.method);
