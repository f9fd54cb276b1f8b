// Routes each request to the kernel entry point that handles it and turns the outcome into a result
// plus a mapping record. Virtio requests go to the handler the virtio module registers.
import type { Direction, OpName, OpResult, Request } from '../types';
import type { DmaContext, EngineSession, MappingRecord } from './ops';
import { TraceBuilder } from './trace';
import { RequestError } from './request';
import { cloneRecord } from './record';
import { symbolicRule } from './rule';
import {
  dmaMapPageAttrs,
  dmaMapResource,
  dmaMapSgAttrs,
  dmaSyncSg,
  dmaSyncSingle,
  dmaUnmapPageAttrs,
  dmaUnmapResource,
  dmaUnmapSgAttrs,
  unmapMisuse,
} from '../dma/mapping';
import { dmaAllocAttrs, dmaFreeAttrs } from '../dma/alloc';
import { dmaPoolAlloc, dmaPoolCreate } from '../dma/pool';
import { dmaSetMask } from '../dma/mask';
import { maxMappingSize } from '../dma/max-mapping';

/** What a request handler outside the DMA core (virtio) gets to drive the DMA API of the same device. */
export interface NestedDma {
  readonly session: EngineSession;
  readonly params: EngineSession['params'];
  /** dma_map_page on the device through the platform's normal path, keeping allocator state. */
  mapPage(phys: bigint, size: bigint, dir: Direction): { result: OpResult; handle: unknown };
  /** dma_unmap_page of a mapping made by mapPage. */
  unmapPage(handle: unknown): OpResult;
  /** dma_alloc_coherent(size) on the device; knownPages as in DmaContext. */
  allocCoherent(size: bigint, knownPages?: readonly bigint[]): OpResult;
  /** dma_max_mapping_size(dev). */
  maxMappingSize(): bigint;
}

export type RequestHandler = (request: Request, index: number, ctx: NestedDma) => OpResult;

const handlers = new Map<OpName, RequestHandler>();

export function registerRequestHandler(ops: OpName[], handler: RequestHandler): void {
  for (const op of ops) {
    if (handlers.has(op)) throw new Error(`a handler for '${op}' is registered twice`);
    handlers.set(op, handler);
  }
}

interface HistoryView {
  readonly history: readonly { request: Request; record: MappingRecord | null }[];
}

function earlier(session: EngineSession & HistoryView, of: number, index: number, op: string): MappingRecord {
  if (!Number.isInteger(of) || of < 0 || of >= index) {
    const accepted =
      index === 0
        ? 'there is none before it, so run it in an --ops sequence after the request it refers to'
        : `expected 0..${index - 1}`;
    throw new RequestError(
      `request ${index} (${op}): 'of' must be the index of an earlier request; ${accepted}; got ${of}`,
    );
  }
  const record = session.history[of]!.record;
  if (!record)
    throw new RequestError(
      `request ${index} (${op}): request ${of} (${session.history[of]!.request.op}) left nothing to ${op}`,
    );
  return record;
}

function context(session: EngineSession, op: string, cpu?: number): DmaContext {
  return { session, trace: new TraceBuilder(op), cpu: cpu ?? (session.params.cpu as number) };
}

/** The pages a request names (from a real kernel's trace), for DmaContext.knownPages. */
export function knownPages(request: { phys?: bigint; pages?: bigint[] }): { knownPages?: bigint[] } {
  const pages = request.pages ?? (request.phys !== undefined ? [request.phys] : undefined);
  return pages ? { knownPages: pages } : {};
}

function finish(ctx: DmaContext, dma: bigint | null): OpResult {
  if (ctx.trace.rule === '') ctx.trace.rule = symbolicRule(ctx);
  return ctx.trace.finish(dma);
}

/** The check_unmap report for a handle that was never mapped or is already released; `debugFn` is the debug hook that runs it. */
function misuse(ctx: DmaContext, record: MappingRecord, debugFn = 'debug_dma_unmap_page'): OpResult | null {
  const message = unmapMisuse(record);
  if (message === null) return null;
  ctx.trace.stage(
    debugFn,
    record.dma,
    null,
    'CONFIG_DMA_API_DEBUG would report this; without it the kernel acts on a stale or invalid handle.',
    'kernel/dma/debug.c:check_unmap',
    '§8',
  );
  ctx.trace.fail(message);
  return finish(ctx, null);
}

function expectKind(record: MappingRecord, kinds: string[], index: number, op: string, of: number): void {
  if (!kinds.includes(record.op))
    throw new RequestError(
      `request ${index} (${op}): request ${of} is a ${record.op}, which ${op} cannot take (expected ${kinds.join(' or ')})`,
    );
}

export function dispatchRequest(
  session: EngineSession & HistoryView,
  request: Request,
  index: number,
): { result: OpResult; record: MappingRecord | null } {
  switch (request.op) {
    case 'map_single':
    case 'map_page': {
      const ctx = context(session, request.op, request.cpu);
      const record = dmaMapPageAttrs(ctx, request.op, request.phys, request.size, request.dir, request.attrs ?? []);
      return { result: finish(ctx, record.dma), record };
    }
    case 'map_sg': {
      const ctx = context(session, request.op, request.cpu);
      const record = dmaMapSgAttrs(ctx, request.entries, request.dir, request.attrs ?? []);
      ctx.trace.details.segments = (record.sgOut ?? []).map((segment) => ({ dma: segment.phys, len: segment.size }));
      return { result: finish(ctx, record.dma), record };
    }
    case 'map_resource': {
      const ctx = context(session, request.op);
      const record = dmaMapResource(ctx, request.phys, request.size, request.dir, request.attrs ?? []);
      return { result: finish(ctx, record.dma), record };
    }
    case 'unmap': {
      const record = earlier(session, request.of, index, 'unmap');
      expectKind(record, ['map_single', 'map_page', 'map_sg', 'map_resource'], index, 'unmap', request.of);
      const ctx = context(session, 'unmap');
      const refused = misuse(ctx, record);
      if (refused) return { result: refused, record: null };
      const dir = request.dir ?? record.dir;
      const attrs = request.attrs ?? [];
      if (record.op === 'map_sg') dmaUnmapSgAttrs(ctx, record, dir, attrs);
      else if (record.op === 'map_resource') dmaUnmapResource(ctx, record, dir, attrs);
      else dmaUnmapPageAttrs(ctx, record, request.size ?? record.size, dir, attrs);
      record.released = true;
      return { result: finish(ctx, record.dma), record: null };
    }
    case 'sync_for_cpu':
    case 'sync_for_device': {
      const record = earlier(session, request.of, index, request.op);
      expectKind(record, ['map_single', 'map_page', 'map_sg'], index, request.op, request.of);
      const ctx = context(session, request.op);
      const refused = misuse(ctx, record);
      if (refused) return { result: refused, record: null };
      const dir = request.dir ?? record.dir;
      const toCpu = request.op === 'sync_for_cpu';
      if (record.op === 'map_sg') dmaSyncSg(ctx, record, toCpu, dir);
      else {
        const offset = request.offset ?? 0n;
        dmaSyncSingle(ctx, record, toCpu, offset, request.size ?? record.size - offset, dir);
      }
      return { result: finish(ctx, record.dma === null ? null : record.dma + (request.offset ?? 0n)), record: null };
    }
    case 'alloc_coherent': {
      const ctx = { ...context(session, request.op), ...knownPages(request) };
      const record = dmaAllocAttrs(ctx, request.size, request.gfp !== 'GFP_ATOMIC', request.attrs ?? []);
      ctx.trace.details.cpu_addr_phys = record.pages?.phys ?? null;
      return { result: finish(ctx, record.dma), record };
    }
    case 'free_coherent': {
      const record = earlier(session, request.of, index, 'free_coherent');
      expectKind(record, ['alloc_coherent'], index, 'free_coherent', request.of);
      const ctx = context(session, request.op);
      const refused = misuse(ctx, record, 'debug_dma_free_coherent');
      if (refused) return { result: refused, record: null };
      dmaFreeAttrs(ctx, record);
      record.released = true;
      return { result: finish(ctx, record.dma), record: null };
    }
    case 'dma_pool_create': {
      const ctx = context(session, request.op);
      const record = dmaPoolCreate(ctx, request.size, request.align ?? 0n, request.boundary ?? 0n);
      return { result: finish(ctx, null), record };
    }
    case 'dma_pool_alloc': {
      const poolRecord = earlier(session, request.of, index, 'dma_pool_alloc');
      expectKind(poolRecord, ['dma_pool_create'], index, 'dma_pool_alloc', request.of);
      const ctx = context(session, request.op);
      if (!poolRecord.pool) {
        ctx.trace.fail('dma_pool_create returned NULL; there is no pool to allocate from');
        return { result: finish(ctx, null), record: null };
      }
      const record = dmaPoolAlloc(ctx, poolRecord);
      return { result: finish(ctx, record.dma), record };
    }
    case 'set_mask': {
      const ctx = context(session, request.op);
      dmaSetMask(ctx, request.mask, request.which ?? 'both');
      return { result: finish(ctx, null), record: null };
    }
    default: {
      const handler = handlers.get(request.op);
      if (!handler)
        throw new RequestError(`request ${index}: operation '${request.op}' is not available (no handler registered)`);
      return { result: handler(request, index, nested(session, request.op)), record: null };
    }
  }
}

interface NestedHandle {
  record: MappingRecord;
}

/**
 * Copies a handle returned by NestedDma.mapPage, for state that is cloned with its session: the copy
 * and the original can then be unmapped independently.
 */
export function cloneNestedHandle(handle: unknown): unknown {
  const { record } = handle as NestedHandle;
  return { record: cloneRecord(record) } satisfies NestedHandle;
}

function nested(session: EngineSession, op: string): NestedDma {
  return {
    session,
    params: session.params,
    mapPage(phys, size, dir) {
      const ctx = context(session, `${op}:map_page`);
      const record = dmaMapPageAttrs(ctx, 'map_page', phys, size, dir, []);
      const handle: NestedHandle = { record };
      return { result: finish(ctx, record.dma), handle };
    },
    unmapPage(handle) {
      const { record } = handle as NestedHandle;
      const ctx = context(session, `${op}:unmap_page`);
      const refused = misuse(ctx, record);
      if (refused) return refused;
      dmaUnmapPageAttrs(ctx, record, record.size, record.dir, []);
      record.released = true;
      return finish(ctx, record.dma);
    },
    allocCoherent(size, knownPages) {
      const ctx = { ...context(session, `${op}:alloc_coherent`), ...(knownPages ? { knownPages } : {}) };
      const record = dmaAllocAttrs(ctx, size, true, []);
      return finish(ctx, record.dma);
    },
    maxMappingSize() {
      return maxMappingSize(session);
    },
  };
}
