// The state of one address-pipeline panel: what is simulated, on which platforms, with which
// overrides. It is plain JSON so that the webview can keep it with setState and the serializer can
// hand it back after a reload. This module does not import vscode, so unit tests run it in plain node.
import type { Direction } from '@dmalens/core';
import type { WireRequest } from '@dmalens/protocol';

/** The operations the panel's controls can build; the call site's own requests may be richer. */
export const PANEL_OPS = ['map_single', 'map_page', 'alloc_coherent', 'virtqueue_add'] as const;
export type PanelOp = (typeof PANEL_OPS)[number];

export const DIRECTIONS: readonly Direction[] = ['to_device', 'from_device', 'bidirectional', 'none'];

/** The panel shows at most four platforms side by side; more would not fit a normal editor width. */
export const MAX_PANEL_PLATFORMS = 4;

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

export interface SourceLabel {
  /** The document the call came from. */
  uri: string;
  /** Zero-based line of the call. */
  line: number;
  /** The API as written in the source, e.g. `dma_map_single`. */
  api: string;
  /** The enclosing function, when known. */
  function: string | null;
}

export interface PipelineState {
  version: 1;
  platforms: string[];
  op: PanelOp;
  /** `0x` hex physical address of the buffer. */
  phys: string;
  /** Size in bytes, decimal or `0x` hex. */
  size: string;
  dir: Direction;
  /** A DMA mask the driver sets first (bit count like `32` or a hex mask), or null for the profile's mask. */
  mask: string | null;
  /** Features the device offers; used when the operation is a virtqueue add. */
  features: string[];
  /** Platform id -> parameter key -> value as users type it. */
  overrides: Record<string, Record<string, string>>;
  /** Where the simulated call is in the source, when it came from one. */
  source: SourceLabel | null;
}

export function defaultPipelineState(platforms: string[]): PipelineState {
  return {
    version: 1,
    platforms: platforms.slice(0, MAX_PANEL_PLATFORMS),
    op: 'map_single',
    phys: '0x12345000',
    size: '4096',
    dir: 'to_device',
    mask: null,
    features: ['VERSION_1'],
    overrides: {},
    source: null,
  };
}

/**
 * Fills the panel's controls from the requests the server built for a call site, keeping the
 * operation, size and direction that the source gives. Requests the controls cannot express keep
 * the defaults.
 */
export function stateFromRequests(
  requests: readonly WireRequest[],
  platforms: string[],
  source: SourceLabel | null,
): PipelineState {
  const state = { ...defaultPipelineState(platforms), source };
  for (const request of requests) {
    switch (request.op) {
      case 'set_mask':
        state.mask = request.mask;
        break;
      case 'virtio_negotiate':
        state.features = [...request.offered];
        break;
      case 'map_single':
      case 'map_page':
        Object.assign(state, { op: request.op, phys: request.phys, size: request.size, dir: request.dir });
        break;
      case 'alloc_coherent':
        Object.assign(state, { op: 'alloc_coherent', size: request.size, dir: 'bidirectional' });
        if (request.phys !== undefined) state.phys = request.phys;
        break;
      case 'virtqueue_add': {
        const buffer = request.out[0] ?? request.in[0];
        if (buffer) Object.assign(state, { op: 'virtqueue_add', phys: buffer.phys, size: buffer.size });
        state.dir = request.out.length > 0 ? 'to_device' : 'from_device';
        break;
      }
      default:
        break;
    }
  }
  return state;
}

/** The requests the server simulates for the panel's current controls, in kernel call order. */
export function requestsFromState(state: PipelineState): WireRequest[] {
  const requests: WireRequest[] = [];
  if (state.mask !== null) requests.push({ op: 'set_mask', mask: maskToHex(state.mask), which: 'both' });
  switch (state.op) {
    case 'alloc_coherent':
      requests.push({ op: 'alloc_coherent', size: state.size, phys: state.phys });
      break;
    case 'virtqueue_add': {
      const buffer = [{ phys: state.phys, size: state.size }];
      requests.push({ op: 'virtio_negotiate', offered: [...state.features] });
      const deviceReads = state.dir === 'to_device' || state.dir === 'bidirectional';
      requests.push({ op: 'virtqueue_add', out: deviceReads ? buffer : [], in: deviceReads ? [] : buffer });
      break;
    }
    default:
      requests.push({ op: state.op, phys: state.phys, size: state.size, dir: state.dir });
  }
  return requests;
}

/** `DMA_BIT_MASK(n)` for a bit count, or the hex mask as given. */
export function maskToHex(mask: string): string {
  if (/^0x[0-9a-f]+$/i.test(mask)) return mask.toLowerCase();
  const bits = Number(mask);
  return `0x${((1n << BigInt(bits)) - 1n).toString(16)}`;
}
