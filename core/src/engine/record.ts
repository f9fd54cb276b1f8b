// Deep copies of mapping records, used when a session (or state holding records, like virtio's) is cloned.
import type { MappingRecord } from './ops';

/** opsData is treated as immutable by every dma_map_ops, so it is shared; everything mutable is copied. */
export function cloneRecord(record: MappingRecord): MappingRecord {
  const copy: MappingRecord = { ...record, attrs: [...record.attrs] };
  if (record.segments) copy.segments = record.segments.map(cloneRecord);
  if (record.sgOut) copy.sgOut = record.sgOut.map((segment) => ({ ...segment }));
  if (record.pool) copy.pool = { ...record.pool, pages: record.pool.pages.map((page) => ({ ...page })) };
  return copy;
}
