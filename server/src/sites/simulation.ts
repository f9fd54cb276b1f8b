// Turns a call site into the core requests that simulate it. The operation comes from the API catalogue
// (dma_map_sg is a map_sg, dma_sync_single_for_cpu a sync_for_cpu of what dma_map_single made), so the
// call keeps its identity from the hover to the pipeline view. The physical address is never known from
// source, so it is always the documented example; size and direction are the call's own when the source
// fixes them, else labelled examples.
import { catalogueEntry, dmaBitMask, type ApiEntry, type Direction, type Request, type SimOp } from '@dmalens/core';
import type { CallSite } from '../analysis/callsite';
import { EXAMPLE_PHYS, EXAMPLE_SIZE } from '@dmalens/protocol';
import type { SizeAnswer } from './device-facts';
import type { DriverContext, FileMask } from './driver-context';
import type { PlatformModel } from './platform-model';
import { wireJson } from './wire';

/** Request fields that are examples rather than facts from the source. */
export type ExampleField = 'phys' | 'size' | 'dir';

export interface SiteSimulation {
  /** Requests in kernel call order; use `requestsOn` to run them (map_resource needs a per-platform MMIO address). */
  requests: Request[];
  /** Index of the request that is the call itself: always the last one. */
  focus: number;
  exampleFields: ExampleField[];
  /** Set when the core simulates the call through a neighbouring operation; says which, for the reader. */
  approximation?: string;
  /** What the tree's headers made of the size argument: its value and where it comes from, or why not. */
  sizeWords?: string;
}

export const EXAMPLE_PHYS_VALUE = BigInt(EXAMPLE_PHYS);
export const EXAMPLE_SIZE_VALUE = BigInt(EXAMPLE_SIZE);

/** The requests for a site, preceded by the driver's `dma_set_mask` when the source fixes one. */
export function simulationFor(site: CallSite, context: DriverContext): SiteSimulation | null {
  const entry = catalogueEntry(site.api);
  const size = resolvedSize(site, context);
  const simulation = entry ? callSimulation(entry, site, size) : null;
  return simulation && context.mask ? afterMask(simulation, context.mask) : simulation;
}

/** Tells simulations apart: equal keys give equal rows on every platform of a model. */
export function simulationKey(simulation: SiteSimulation): string {
  return wireJson(simulation);
}

/**
 * The requests as a platform runs them: `dma_map_resource` is for MMIO, and 6.1 refuses RAM there, so
 * its example address is the platform's MMIO example instead of the RAM example.
 */
export function requestsOn(simulation: SiteSimulation, model: PlatformModel, platformId: string): Request[] {
  const mmio = simulation.requests.some((request) => request.op === 'map_resource')
    ? model.mmioExample(platformId)
    : null;
  if (mmio !== null)
    return simulation.requests.map((request) => (request.op === 'map_resource' ? { ...request, phys: mmio } : request));
  // An example buffer lies in the platform's RAM, wherever that starts.
  if (!simulation.exampleFields.includes('phys')) return simulation.requests;
  const moved = model.ramExample(platformId, EXAMPLE_PHYS_VALUE);
  if (moved === EXAMPLE_PHYS_VALUE) return simulation.requests;
  const inRam = (range: { phys: bigint; size: bigint }) =>
    range.phys === EXAMPLE_PHYS_VALUE ? { ...range, phys: moved } : range;
  return simulation.requests.map((request) => {
    if ('phys' in request && request.phys === EXAMPLE_PHYS_VALUE) return { ...request, phys: moved };
    if (request.op === 'map_sg') return { ...request, entries: request.entries.map(inRam) };
    if (request.op === 'virtqueue_add') return { ...request, out: request.out.map(inRam), in: request.in.map(inRam) };
    return request;
  });
}

/** The request that holds the call's buffer: the call itself, or the map, allocation or pool it refers to. */
export function subjectOf(simulation: SiteSimulation): Request {
  let request = simulation.requests[simulation.focus]!;
  while ('of' in request) request = simulation.requests[request.of]!;
  return request;
}

interface CallFacts {
  phys: bigint;
  size: bigint;
  dir: Direction;
  /** Which of phys, size and dir are examples for a streaming mapping. */
  exampleFields: ExampleField[];
  /** Virtio adds take the catalogue's implied direction: virtqueue_add_inbuf gives the device a buffer to fill. */
  deviceWrites: boolean;
}

/** A size argument the file alone does not fix, through the headers of its tree when there are any. */
function resolvedSize(site: CallSite, context: DriverContext): SizeAnswer | null {
  if (!site.size || site.size.value !== null || site.size.kind === 'page_size' || !context.sizes) return null;
  return context.sizes(site.size.text);
}

function callFacts(entry: ApiEntry, site: CallSite, resolved: SizeAnswer | null): CallFacts {
  const exampleFields: ExampleField[] = ['phys'];
  let size = site.size?.value ?? (resolved && 'value' in resolved ? resolved.value : null);
  if (size === null || size <= 0n) {
    size = EXAMPLE_SIZE_VALUE;
    exampleFields.push('size');
  }
  let dir: Direction;
  if (site.direction === 'unknown' || site.direction === 'none') {
    dir = 'bidirectional';
    exampleFields.push('dir');
  } else {
    dir = site.direction;
  }
  return { phys: EXAMPLE_PHYS_VALUE, size, dir, exampleFields, deviceWrites: entry.impliedDirection === 'from_device' };
}

/** The core has no dma_alloc_pages of its own: those calls run its coherent allocation (and free). */
const COHERENT_STAND_IN = 'simulated as dma_alloc_coherent: the simulator has no separate dma_alloc_pages path';

/** The requests that create what an operation makes (a mapping, an allocation, a ring entry), or null. */
function creating(op: SimOp, facts: CallFacts): { requests: Request[]; approximation?: string } | null {
  const { phys, size, dir } = facts;
  switch (op) {
    case 'map_single':
    case 'map_page':
    case 'map_resource':
      return { requests: [{ op, phys, size, dir }] };
    case 'map_sg':
      return { requests: [{ op, entries: [{ phys, size }], dir }] };
    case 'alloc_coherent':
      return { requests: [{ op, size }] };
    case 'alloc_pages':
      return { requests: [{ op: 'alloc_coherent', size }], approximation: COHERENT_STAND_IN };
    case 'pool_alloc':
      return {
        requests: [
          { op: 'dma_pool_create', size },
          { op: 'dma_pool_alloc', of: 0 },
        ],
      };
    case 'virtqueue_add': {
      const buffer = [{ phys, size }];
      return { requests: [{ op, out: facts.deviceWrites ? [] : buffer, in: facts.deviceWrites ? buffer : [] }] };
    }
    default:
      return null;
  }
}

/** The request of a call that releases or syncs what request `of` made, or null when the core has none. */
function releasing(op: SimOp, of: number): Request | null {
  switch (op) {
    case 'unmap':
    case 'sync_for_cpu':
    case 'sync_for_device':
      return { op, of };
    case 'free_coherent':
    case 'free_pages':
      return { op: 'free_coherent', of };
    default:
      return null;
  }
}

/** Which facts are examples: allocations state only their size; a virtio buffer's address and length are never known. */
function examplesOf(op: SimOp, facts: CallFacts): ExampleField[] {
  if (op === 'virtqueue_add') return ['phys', 'size'];
  if (op === 'alloc_coherent' || op === 'alloc_pages' || op === 'pool_alloc')
    return facts.exampleFields.filter((field) => field === 'size');
  return facts.exampleFields;
}

function callSimulation(entry: ApiEntry, site: CallSite, resolved: SizeAnswer | null): SiteSimulation | null {
  if (!entry.op) return null;
  const facts = callFacts(entry, site, resolved);
  const sizeWords = resolved ? { sizeWords: 'value' in resolved ? resolved.words : resolved.unknown } : {};
  const made = creating(entry.op, facts);
  if (made)
    return { ...made, focus: made.requests.length - 1, exampleFields: examplesOf(entry.op, facts), ...sizeWords };
  const before = entry.mapping ? creating(entry.mapping, facts) : null;
  const call = before ? releasing(entry.op, before.requests.length - 1) : null;
  if (!before || !call) return null;
  return {
    ...before,
    requests: [...before.requests, call],
    focus: before.requests.length,
    exampleFields: examplesOf(entry.mapping!, facts),
    ...sizeWords,
  };
}

/** The same simulation after the driver's `dma_set_mask(DMA_BIT_MASK(n))`, so the device has its mask. */
function afterMask(simulation: SiteSimulation, mask: FileMask): SiteSimulation {
  const shift = (request: Request): Request => ('of' in request ? { ...request, of: request.of + 1 } : request);
  return {
    ...simulation,
    requests: [{ op: 'set_mask', mask: dmaBitMask(mask.bits), which: mask.which }, ...simulation.requests.map(shift)],
    focus: simulation.focus + 1,
  };
}
