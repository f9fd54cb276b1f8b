// The state of one address-pipeline panel: the kernel calls it simulates, on which platforms, with which
// overrides. The calls are the server's requests for a call site, carried as they are, so every operation
// keeps its identity (a dma_unmap_sg panel simulates the unmap of a map_sg); the controls change only the
// fields they express. It is plain JSON so the page can keep it with setState and the serializer can hand
// it back after a reload. No vscode and no DOM: the extension, the page and the unit tests share it.
import type { Direction } from '@dmalens/core';
import type { WireRequest } from '@dmalens/protocol';

export const DIRECTIONS: readonly Direction[] = ['to_device', 'from_device', 'bidirectional', 'none'];

/**
 * The panel shows every platform it is given up to the server's limit per simulation (the protocol's
 * MAX_SIMULATED_PLATFORMS, not imported: the page's bundle stays free of the JSON-RPC library). Columns
 * wrap onto further rows; platforms beyond the limit are named to the user, never dropped silently.
 */
export const MAX_PANEL_PLATFORMS = 12;

/** The platforms a panel shows, and those beyond its limit, which the command names to the user. */
export function panelPlatforms(platforms: readonly string[]): { shown: string[]; leftOut: string[] } {
  return { shown: platforms.slice(0, MAX_PANEL_PLATFORMS), leftOut: platforms.slice(MAX_PANEL_PLATFORMS) };
}

/** Requests per panel; the server accepts at most 64 per simulation. */
export const MAX_PANEL_REQUESTS = 64;

/** Virtio features offered by the panel's checkboxes (include/uapi/linux/virtio_config.h, spec §6.1). */
export const PANEL_VIRTIO_FEATURES = [
  'VERSION_1',
  'ACCESS_PLATFORM',
  'RING_PACKED',
  'INDIRECT_DESC',
  'ORDER_PLATFORM',
  'EVENT_IDX',
  'IN_ORDER',
  'NOTIFICATION_DATA',
] as const;

/** The calls a panel that did not come from source can start from, with the kernel function each stands for. */
export const PANEL_OPERATIONS = [
  ['map_single', 'dma_map_single'],
  ['map_page', 'dma_map_page'],
  ['map_sg', 'dma_map_sg (one entry)'],
  ['map_resource', 'dma_map_resource'],
  ['alloc_coherent', 'dma_alloc_coherent'],
  ['virtqueue_add', 'virtqueue_add_sgs (virtio)'],
] as const;
export type PanelOperation = (typeof PANEL_OPERATIONS)[number][0];

/** Request fields that are examples rather than facts from the source. */
export const EXAMPLE_FIELDS = ['phys', 'size', 'dir'] as const;
export type ExampleField = (typeof EXAMPLE_FIELDS)[number];

export interface SourceLabel {
  /** The document the call came from. */
  uri: string;
  /** Zero-based line of the call. */
  line: number;
  /** The API as written in the source, e.g. `dma_map_single`. */
  api: string;
  /** The enclosing function, when known. */
  function: string | null;
  /** What the source says of the call, one sentence each (the server's CallSiteAtResult.facts). */
  facts?: string[];
}

export interface PipelineState {
  version: 2;
  platforms: string[];
  /** The calls in kernel order; the last one is the call the panel shows (the others set it up). */
  requests: WireRequest[];
  /** Which of the call's fields are examples; an edited field becomes the user's own. */
  exampleFields: ExampleField[];
  /** Platform id -> parameter key -> value as users type it. */
  overrides: Record<string, Record<string, string>>;
  /** Where the simulated call is in the source, when it came from one. */
  source: SourceLabel | null;
}

/** The panel for a call site: the server's requests as they are. */
export function stateForCall(
  requests: readonly WireRequest[],
  exampleFields: readonly string[],
  platforms: readonly string[],
  source: SourceLabel,
): PipelineState {
  return {
    version: 2,
    platforms: platforms.slice(0, MAX_PANEL_PLATFORMS),
    requests: structuredClone([...requests]),
    exampleFields: EXAMPLE_FIELDS.filter((field) => exampleFields.includes(field)),
    overrides: {},
    source,
  };
}

/** A panel for a buffer the user typed (Compare Platforms): one streaming map. */
export function stateForBuffer(
  platforms: readonly string[],
  phys: string,
  size: string,
  dir: Direction,
): PipelineState {
  return {
    version: 2,
    platforms: platforms.slice(0, MAX_PANEL_PLATFORMS),
    requests: [{ op: 'map_single', phys, size, dir }],
    exampleFields: [],
    overrides: {},
    source: null,
  };
}

/** The heading names the call as the source writes it, e.g. `dma_map_single in foo_probe (foo.c:42)`. */
export function panelTitle(state: PipelineState): string {
  const source = state.source;
  if (!source) return `Address pipeline: ${describeCall(state.requests)}`;
  const file = source.uri.slice(source.uri.lastIndexOf('/') + 1);
  const where = source.function ? ` in ${source.function}` : '';
  return `Address pipeline: ${source.api}${where} (${decodeURIComponentSafe(file)}:${source.line + 1})`;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The call the panel shows. */
export function callOf(requests: readonly WireRequest[]): WireRequest {
  return requests[requests.length - 1]!;
}

/** Index of the request that holds the call's buffer: the call, or the map, allocation or pool it refers to. */
export function subjectIndex(requests: readonly WireRequest[]): number {
  let index = requests.length - 1;
  for (let step = 0; step < requests.length; step++) {
    const request = requests[index]!;
    if (!('of' in request) || request.of >= index) return index;
    index = request.of;
  }
  return index;
}

/** `dma_sync_sg_for_cpu: sync_for_cpu of a map_sg`: what the simulation runs, in the core's words. */
export function describeCall(requests: readonly WireRequest[]): string {
  const call = callOf(requests);
  const subject = requests[subjectIndex(requests)]!;
  return subject === call ? call.op : `${call.op} of a ${subject.op}`;
}

/** What the controls show and change; null where the calls have no such field (the control is hidden). */
export interface PanelFields {
  phys: string | null;
  size: string | null;
  /** For a virtqueue add: to_device puts the buffer in `out`, from_device in `in`. */
  dir: Direction | null;
  /** The mask set before the call (a bit count like `32` or a hex mask), or null for the profile's. */
  mask: string | null;
  /** The features a virtio device offers before the add, or null for the profile's default offer. */
  offered: string[] | null;
}

function buffer(request: WireRequest): { phys: string; size: string } | null {
  if (request.op === 'map_sg') return request.entries[0] ?? null;
  if (request.op === 'virtqueue_add') return request.out[0] ?? request.in[0] ?? null;
  return null;
}

export function fieldsOf(requests: readonly WireRequest[]): PanelFields {
  const subject = requests[subjectIndex(requests)]!;
  const mask = requests.find((request) => request.op === 'set_mask');
  const negotiation = requests.find((request) => request.op === 'virtio_negotiate');
  const fields: PanelFields = {
    phys: null,
    size: null,
    dir: null,
    mask: mask?.op === 'set_mask' ? mask.mask : null,
    offered: negotiation?.op === 'virtio_negotiate' ? [...negotiation.offered] : null,
  };
  switch (subject.op) {
    case 'map_single':
    case 'map_page':
    case 'map_resource':
      return { ...fields, phys: subject.phys, size: subject.size, dir: subject.dir };
    case 'map_sg':
      return { ...fields, phys: buffer(subject)?.phys ?? null, size: buffer(subject)?.size ?? null, dir: subject.dir };
    case 'virtqueue_add':
      return {
        ...fields,
        phys: buffer(subject)?.phys ?? null,
        size: buffer(subject)?.size ?? null,
        dir: subject.out.length > 0 ? 'to_device' : 'from_device',
      };
    case 'alloc_coherent':
      // The allocator chooses the memory unless a physical address is given.
      return { ...fields, phys: subject.phys ?? '', size: subject.size };
    case 'dma_pool_create':
      return { ...fields, size: subject.size };
    default:
      return fields;
  }
}

/** Whether the calls are a virtio add, whose device may be given the features to offer. */
export function isVirtioAdd(requests: readonly WireRequest[]): boolean {
  return callOf(requests).op === 'virtqueue_add';
}

/** The requests with `request` inserted at `index`; later `of` references still name the same requests. */
function insertAt(requests: readonly WireRequest[], index: number, request: WireRequest): WireRequest[] {
  const shifted = requests.map((item) => ('of' in item && item.of >= index ? { ...item, of: item.of + 1 } : item));
  return [...shifted.slice(0, index), request, ...shifted.slice(index)];
}

function removeAt(requests: readonly WireRequest[], index: number): WireRequest[] {
  const rest = [...requests.slice(0, index), ...requests.slice(index + 1)];
  return rest.map((item) => ('of' in item && item.of > index ? { ...item, of: item.of - 1 } : item));
}

function withSubject(
  requests: readonly WireRequest[],
  change: Pick<PanelFields, 'phys' | 'size' | 'dir'>,
): WireRequest[] {
  const index = subjectIndex(requests);
  const subject = requests[index]!;
  const phys = change.phys ?? undefined;
  const size = change.size ?? undefined;
  let updated: WireRequest = subject;
  switch (subject.op) {
    case 'map_single':
    case 'map_page':
    case 'map_resource':
      updated = { ...subject, phys: phys ?? subject.phys, size: size ?? subject.size, dir: change.dir ?? subject.dir };
      break;
    case 'map_sg': {
      const [first, ...rest] = subject.entries;
      const entry = { phys: phys ?? first?.phys ?? '0x0', size: size ?? first?.size ?? '0' };
      updated = { ...subject, entries: [entry, ...rest], dir: change.dir ?? subject.dir };
      break;
    }
    case 'virtqueue_add': {
      const current = buffer(subject);
      const entry = { phys: phys ?? current?.phys ?? '0x0', size: size ?? current?.size ?? '0' };
      const toDevice = (change.dir ?? (subject.out.length > 0 ? 'to_device' : 'from_device')) !== 'from_device';
      updated = { ...subject, out: toDevice ? [entry] : [], in: toDevice ? [] : [entry] };
      break;
    }
    case 'alloc_coherent': {
      const { phys: _old, ...rest } = subject;
      const chosen = phys ?? subject.phys ?? '';
      updated = { ...rest, size: size ?? subject.size, ...(chosen ? { phys: chosen } : {}) };
      break;
    }
    case 'dma_pool_create':
      updated = { ...subject, size: size ?? subject.size };
      break;
    default:
      break;
  }
  return requests.map((request, at) => (at === index ? updated : request));
}

function withMask(requests: readonly WireRequest[], mask: string | null): WireRequest[] {
  const at = requests.findIndex((request) => request.op === 'set_mask');
  if (mask === null) return at >= 0 ? removeAt(requests, at) : [...requests];
  const request: WireRequest = { op: 'set_mask', mask, which: 'both' };
  return at >= 0 ? requests.map((item, index) => (index === at ? request : item)) : insertAt(requests, 0, request);
}

function withOffer(requests: readonly WireRequest[], offered: string[] | null): WireRequest[] {
  const at = requests.findIndex((request) => request.op === 'virtio_negotiate');
  if (offered === null) return at >= 0 ? removeAt(requests, at) : [...requests];
  const request: WireRequest = { op: 'virtio_negotiate', offered: [...offered] };
  if (at >= 0) return requests.map((item, index) => (index === at ? request : item));
  // The device offers its features at probe, before any buffer reaches the ring.
  return insertAt(requests, subjectIndex(requests), request);
}

/** Two numbers as the panel writes them (`0x5ea`, `1514`) are the same number. */
function sameNumber(a: string | null, b: string | null): boolean {
  if (a === b) return true;
  try {
    return a !== null && b !== null && a !== '' && b !== '' && BigInt(a) === BigInt(b);
  } catch {
    return false;
  }
}

/**
 * The state with the fields the controls changed; every other field of every request stays as it was,
 * and a value written differently but equal (a size typed as 1514 for 0x5ea) is no change.
 */
export function withFields(state: PipelineState, requested: Partial<PanelFields>): PipelineState {
  const current = fieldsOf(state.requests);
  const change = { ...requested };
  if ('phys' in change && sameNumber(change.phys ?? null, current.phys)) delete change.phys;
  if ('size' in change && sameNumber(change.size ?? null, current.size)) delete change.size;
  const subject: Pick<PanelFields, 'phys' | 'size' | 'dir'> = {
    phys: 'phys' in change ? change.phys! : null,
    size: 'size' in change ? change.size! : null,
    dir: 'dir' in change ? change.dir! : null,
  };
  let requests = withSubject(state.requests, subject);
  if ('mask' in change && change.mask !== current.mask) requests = withMask(requests, change.mask ?? null);
  if ('offered' in change && JSON.stringify(change.offered) !== JSON.stringify(current.offered))
    requests = withOffer(requests, change.offered ?? null);
  const edited = EXAMPLE_FIELDS.filter((field) => field in change && change[field] !== current[field]);
  return {
    ...state,
    requests,
    exampleFields: state.exampleFields.filter((field) => !edited.includes(field)),
  };
}

/** A panel without a source call switches to another call on the same buffer. */
export function withOperation(state: PipelineState, operation: PanelOperation): PipelineState {
  const fields = fieldsOf(state.requests);
  const phys = fields.phys || '0x12345000';
  const size = fields.size ?? '4096';
  const dir = fields.dir ?? 'to_device';
  const call: WireRequest =
    operation === 'map_sg'
      ? { op: 'map_sg', entries: [{ phys, size }], dir }
      : operation === 'alloc_coherent'
        ? { op: 'alloc_coherent', size }
        : operation === 'virtqueue_add'
          ? {
              op: 'virtqueue_add',
              out: dir === 'from_device' ? [] : [{ phys, size }],
              in: dir === 'from_device' ? [{ phys, size }] : [],
            }
          : { op: operation, phys, size, dir };
  const before: WireRequest[] = [];
  if (fields.mask !== null) before.push({ op: 'set_mask', mask: fields.mask, which: 'both' });
  if (operation === 'virtqueue_add' && fields.offered !== null)
    before.push({ op: 'virtio_negotiate', offered: fields.offered });
  return { ...state, requests: [...before, call] };
}

/** The operation a panel without a source shows in its picker, when its call is one of them. */
export function panelOperation(state: PipelineState): PanelOperation | null {
  const op = callOf(state.requests).op;
  return PANEL_OPERATIONS.find(([candidate]) => candidate === op)?.[0] ?? null;
}
