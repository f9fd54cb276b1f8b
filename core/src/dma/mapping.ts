// The DMA-API entry points of kernel/dma/mapping.c (§1.1): the dma-direct vs dma_map_ops decision and
// the streaming map, unmap, sync, scatterlist and resource operations built on it.
import type { Direction, DmaAttr, PhysRange } from '../types';
import type { DmaContext, DmaMapOps, EngineSession, MapOutcome, MappingRecord } from '../engine/ops';
import { DMA_MAPPING_ERROR, hex, hex16, minNotZero } from '../engine/bits';
import { isRam } from './ram';
import {
  dmaDirectGetRequiredMask,
  dmaDirectMapPage,
  dmaDirectMapResource,
  dmaDirectSyncSingleForCpu,
  dmaDirectSyncSingleForDevice,
  dmaDirectUnmapPage,
} from './direct';

const MAPPING_C = 'kernel/dma/mapping.c';

/** `dma_go_direct(dev, mask, ops)`. */
export function dmaGoDirect(session: EngineSession, mask: bigint, ops: DmaMapOps | null): boolean {
  if (ops === null) return true;
  if (session.dev.dmaOpsBypass) return minNotZero(mask, session.dev.busDmaLimit) >= dmaDirectGetRequiredMask(session);
  return false;
}

/** `dma_map_direct` (streaming mask). */
export function dmaMapDirect(session: EngineSession): boolean {
  return dmaGoDirect(session, session.dev.dmaMask, session.ops());
}

/** BUG_ON(!valid_dma_direction(dir)): DMA_NONE stops the kernel; reported as the failure. */
export function checkDirection(ctx: DmaContext, fn: string, dir: Direction): boolean {
  if (dir !== 'none') return true;
  const message = `kernel BUG at ${MAPPING_C}: BUG_ON(!valid_dma_direction(dir)) in ${fn} (DMA_NONE)`;
  ctx.trace.stage(
    fn,
    null,
    null,
    'DMA_NONE is not a valid direction for a mapping: the kernel BUGs rather than returning an error.',
    `${MAPPING_C}:${fn}`,
    '§1.1',
  );
  ctx.trace.fail(message);
  return false;
}

function newRecord(
  op: string,
  phys: bigint,
  size: bigint,
  dir: Direction,
  attrs: DmaAttr[],
  outcome: MapOutcome,
  direct: boolean,
): MappingRecord {
  const record: MappingRecord = {
    op,
    phys,
    size,
    dir,
    attrs,
    dma: outcome.dma,
    path: outcome.path,
    direct,
    released: false,
  };
  if (outcome.tlbAddr !== undefined) record.tlbAddr = outcome.tlbAddr;
  if (outcome.opsData !== undefined) record.opsData = outcome.opsData;
  return record;
}

/** `dma_map_single_attrs` / `dma_map_page_attrs`. */
export function dmaMapPageAttrs(
  ctx: DmaContext,
  op: string,
  phys: bigint,
  size: bigint,
  dir: Direction,
  attrs: DmaAttr[],
): MappingRecord {
  const { session, trace } = ctx;
  if (op === 'map_single') {
    trace.stage(
      'dma_map_single_attrs',
      phys,
      phys,
      'virt_to_page(ptr) and offset_in_page(ptr) turn the linear-map pointer into page + offset (vmalloc pointers would be rejected here).',
      'include/linux/dma-mapping.h:dma_map_single_attrs',
      '§1.1',
    );
  }
  if (!checkDirection(ctx, 'dma_map_page_attrs', dir))
    return newRecord(op, phys, size, dir, attrs, { dma: null, path: 'error' }, true);
  const ops = session.ops();
  const direct = dmaMapDirect(session) || (session.arch.mapPageDirect?.(ctx, phys + size) ?? false);
  trace.stage(
    'dma_map_page_attrs',
    phys,
    null,
    direct
      ? ops === null
        ? 'No dma_map_ops: dma-direct.'
        : `dev->dma_ops_bypass is set and the mask covers all memory: dma-direct instead of ${ops.name}.`
      : `Calls ${ops!.name}.map_page.`,
    `${MAPPING_C}:dma_map_page_attrs`,
    '§1.1',
  );
  const outcome = direct ? dmaDirectMapPage(ctx, phys, size, dir, attrs) : ops!.mapPage(ctx, phys, size, dir, attrs);
  trace.path = outcome.path;
  return newRecord(op, phys, size, dir, attrs, outcome, direct);
}

/** `dma_unmap_page_attrs`: the same direct test as map, evaluated now. */
export function dmaUnmapPageAttrs(
  ctx: DmaContext,
  record: MappingRecord,
  size: bigint,
  dir: Direction,
  attrs: DmaAttr[],
): void {
  const { session, trace } = ctx;
  const ops = session.ops();
  const direct = dmaMapDirect(session) || (session.arch.unmapPageDirect?.(ctx, record.dma! + size) ?? false);
  trace.stage(
    'dma_unmap_page_attrs',
    record.dma,
    null,
    direct ? 'dma-direct unmap.' : `Calls ${ops!.name}.unmap_page.`,
    `${MAPPING_C}:dma_unmap_page_attrs`,
    '§1.1',
  );
  trace.path = direct ? (record.tlbAddr !== undefined ? 'swiotlb' : 'dma-direct') : record.path;
  if (direct) dmaDirectUnmapPage(ctx, record, size, dir, attrs);
  else ops!.unmapPage(ctx, { ...record, size }, dir, attrs);
}

/** `dma_sync_single_for_cpu` / `_for_device` (with the range offset of dma_sync_single_range_*). */
export function dmaSyncSingle(
  ctx: DmaContext,
  record: MappingRecord,
  toCpu: boolean,
  offset: bigint,
  size: bigint,
  dir: Direction,
): void {
  const { session, trace } = ctx;
  const fn = toCpu ? 'dma_sync_single_for_cpu' : 'dma_sync_single_for_device';
  const ops = session.ops();
  const direct = dmaMapDirect(session);
  const dma = record.dma! + offset;
  trace.stage(
    fn,
    dma,
    null,
    direct ? 'dma-direct sync.' : `Calls ${ops!.name}.sync_single_for_${toCpu ? 'cpu' : 'device'}.`,
    `${MAPPING_C}:${fn}`,
    '§1.4',
  );
  trace.path = direct ? (record.tlbAddr !== undefined ? 'swiotlb' : 'dma-direct') : record.path;
  if (direct) {
    if (toCpu) dmaDirectSyncSingleForCpu(ctx, dma, size, dir, 'sync');
    else dmaDirectSyncSingleForDevice(ctx, dma, size, dir);
  } else if (toCpu) ops!.syncForCpu?.(ctx, record, offset, size, dir);
  else ops!.syncForDevice?.(ctx, record, offset, size, dir);
}

/** `dma_map_sg_attrs` / `dma_map_sgtable`: per-entry dma-direct, or the ops' map_sg. */
export function dmaMapSgAttrs(ctx: DmaContext, entries: PhysRange[], dir: Direction, attrs: DmaAttr[]): MappingRecord {
  const { session, trace } = ctx;
  const first = entries[0] ?? { phys: 0n, size: 0n };
  const total = entries.reduce((sum, entry) => sum + entry.size, 0n);
  const record: MappingRecord = {
    op: 'map_sg',
    phys: first.phys,
    size: total,
    dir,
    attrs,
    dma: null,
    path: 'dma-direct',
    direct: true,
    released: false,
  };
  if (!checkDirection(ctx, 'dma_map_sg_attrs', dir)) {
    record.path = 'error';
    return record;
  }
  const ops = session.ops();
  const direct = dmaMapDirect(session);
  record.direct = direct;
  trace.stage(
    '__dma_map_sg_attrs',
    first.phys,
    null,
    direct
      ? `dma_direct_map_sg maps each of the ${entries.length} entries separately; dma-direct never merges.`
      : `Calls ${ops!.name}.map_sg.`,
    `${MAPPING_C}:__dma_map_sg_attrs`,
    '§1.4',
  );
  if (!direct && ops!.mapSg) {
    const outcome = ops!.mapSg(ctx, entries, dir, attrs);
    trace.path = outcome.path;
    record.path = outcome.path;
    record.segments = outcome.segments;
    if (outcome.opsData !== undefined) record.opsData = outcome.opsData;
    if (outcome.out) {
      record.sgOut = outcome.out;
      record.dma = outcome.out[0]?.phys ?? null;
    } else trace.details.errno = outcome.errno ?? -5;
    trace.details.nents = outcome.out ? outcome.out.length : 0;
    return record;
  }
  const segments: MappingRecord[] = [];
  for (const entry of entries) {
    const outcome = direct
      ? dmaDirectMapPage(ctx, entry.phys, entry.size, dir, attrs)
      : ops!.mapPage(ctx, entry.phys, entry.size, dir, attrs);
    const segment = newRecord('map_page', entry.phys, entry.size, dir, attrs, outcome, direct);
    if (outcome.dma === null) {
      trace.stage(
        'dma_direct_map_sg',
        entry.phys,
        DMA_MAPPING_ERROR,
        `Entry ${segments.length} failed: the ${segments.length} entries mapped so far are unmapped with DMA_ATTR_SKIP_CPU_SYNC and dma_map_sgtable returns -EIO.`,
        'kernel/dma/direct.c:dma_direct_map_sg',
        '§1.4',
      );
      for (const done of segments) {
        if (direct) dmaDirectUnmapPage(ctx, done, done.size, dir, [...attrs, 'SKIP_CPU_SYNC']);
        else ops!.unmapPage(ctx, done, dir, [...attrs, 'SKIP_CPU_SYNC']);
      }
      trace.details.errno = -5;
      trace.details.nents = 0;
      record.path = 'error';
      return record;
    }
    if (segment.path === 'swiotlb') trace.path = 'swiotlb';
    else if (trace.path !== 'swiotlb') trace.path = segment.path;
    segments.push(segment);
  }
  record.segments = segments;
  record.sgOut = segments.map((segment) => ({ phys: segment.dma!, size: segment.size }));
  record.dma = segments[0]?.dma ?? null;
  record.path = trace.path;
  trace.details.nents = segments.length;
  return record;
}

/** `dma_unmap_sg_attrs`. */
export function dmaUnmapSgAttrs(ctx: DmaContext, record: MappingRecord, dir: Direction, attrs: DmaAttr[]): void {
  const { session, trace } = ctx;
  const ops = session.ops();
  trace.stage(
    'dma_unmap_sg_attrs',
    record.dma,
    null,
    `Unmaps the ${record.segments?.length ?? 0} original entries (orig_nents, not the merged count).`,
    `${MAPPING_C}:dma_unmap_sg_attrs`,
    '§7.1',
  );
  trace.path = record.path;
  if (!record.direct && ops?.unmapSg) {
    ops.unmapSg(ctx, record, dir, attrs);
    return;
  }
  for (const segment of record.segments ?? []) {
    if (record.direct) dmaDirectUnmapPage(ctx, segment, segment.size, dir, attrs);
    else ops!.unmapPage(ctx, segment, dir, attrs);
  }
}

/** `dma_sync_sg_for_cpu/_device`: dma-direct syncs each original entry; ops get their sync_sg per entry. */
export function dmaSyncSg(ctx: DmaContext, record: MappingRecord, toCpu: boolean, dir: Direction): void {
  const fn = toCpu ? 'dma_sync_sg_for_cpu' : 'dma_sync_sg_for_device';
  const ops = ctx.session.ops();
  const direct = dmaMapDirect(ctx.session);
  ctx.trace.stage(
    fn,
    record.dma,
    null,
    direct
      ? `dma-direct syncs each of the ${record.segments?.length ?? 0} original entries.`
      : `Calls ${ops!.name}.sync_sg_for_${toCpu ? 'cpu' : 'device'} over the original entries.`,
    `${MAPPING_C}:${fn}`,
    '§1.4',
  );
  ctx.trace.path = record.path;
  for (const segment of record.segments ?? []) {
    if (direct) {
      if (toCpu) dmaDirectSyncSingleForCpu(ctx, segment.dma!, segment.size, dir, 'sync');
      else dmaDirectSyncSingleForDevice(ctx, segment.dma!, segment.size, dir);
    } else if (toCpu) ops!.syncForCpu?.(ctx, segment, 0n, segment.size, dir);
    else ops!.syncForDevice?.(ctx, segment, 0n, segment.size, dir);
  }
}

/** `dma_map_resource`. */
export function dmaMapResource(
  ctx: DmaContext,
  phys: bigint,
  size: bigint,
  dir: Direction,
  attrs: DmaAttr[],
): MappingRecord {
  const { session, trace } = ctx;
  const record: MappingRecord = {
    op: 'map_resource',
    phys,
    size,
    dir,
    attrs,
    dma: null,
    path: 'dma-direct',
    direct: true,
    released: false,
  };
  if (!checkDirection(ctx, 'dma_map_resource', dir)) {
    record.path = 'error';
    return record;
  }
  const pageSize = session.params.page_size as bigint;
  if (isRam(session, phys)) {
    const message = `WARN_ON_ONCE(pfn_valid(PHYS_PFN(${hex(phys)}))): dma_map_resource is for MMIO, not RAM (pfn ${hex(phys / pageSize)})`;
    trace.stage(
      'dma_map_resource',
      phys,
      DMA_MAPPING_ERROR,
      'The address is RAM: dma_map_resource refuses it.',
      `${MAPPING_C}:dma_map_resource`,
      '§1.1',
    );
    trace.fail(message);
    record.path = 'error';
    return record;
  }
  const ops = session.ops();
  const direct = dmaMapDirect(session);
  record.direct = direct;
  trace.stage(
    'dma_map_resource',
    phys,
    null,
    direct ? 'dma-direct: no translation.' : `Calls ${ops!.name}.map_resource.`,
    `${MAPPING_C}:dma_map_resource`,
    '§1.1',
  );
  let outcome: MapOutcome;
  // Resources are never translated nor bounced on the direct path, whatever the streaming rule says.
  if (direct)
    trace.rule = `dma = phys (MMIO resource: no dma-ranges or C-bit translation, no swiotlb; must fit ${hex(minNotZero(session.dev.dmaMask, session.dev.busDmaLimit))})`;
  if (direct) outcome = dmaDirectMapResource(ctx, phys, size);
  else if (ops!.mapResource) outcome = ops!.mapResource(ctx, phys, size, dir, attrs);
  else {
    trace.fail(`${ops!.name} has no map_resource: DMA_MAPPING_ERROR`);
    outcome = { dma: null, path: 'error' };
  }
  trace.path = outcome.path;
  record.dma = outcome.dma;
  record.path = outcome.path;
  if (outcome.opsData !== undefined) record.opsData = outcome.opsData;
  return record;
}

export function dmaUnmapResource(ctx: DmaContext, record: MappingRecord, dir: Direction, attrs: DmaAttr[]): void {
  const ops = ctx.session.ops();
  ctx.trace.stage(
    'dma_unmap_resource',
    record.dma,
    null,
    record.direct ? 'dma-direct resources hold nothing to release.' : `Calls ${ops!.name}.unmap_resource.`,
    `${MAPPING_C}:dma_unmap_resource`,
    '§1.1',
  );
  ctx.trace.path = record.path;
  if (!record.direct) ops?.unmapResource?.(ctx, record, dir, attrs);
}

/** DMA-API debug texts (§8) for unmaps the kernel could not match. */
export function unmapMisuse(record: MappingRecord): string | null {
  if (record.dma === null) return 'DMA-API: device driver tries to free an invalid DMA memory address';
  if (record.released)
    return `DMA-API: device driver tries to free DMA memory it has not allocated [device address=${hex16(record.dma)}] [size=${record.size} bytes]`;
  return null;
}
