// The few words an inlay hint or code lens shows after a mapping call, e.g.
// `x86: direct · pseries: H_PUT_TCE ×1 · SEV: bounce 1514 B`: the map-time costs when there are any,
// else the path.
import { costWords, pathWord } from '../checks/outcome-text';
import type { SiteRows } from './site-rows';

export function summaryText(rows: SiteRows): string {
  return rows.rows
    .map((row) => {
      if (!row.result) return `${row.short}: ?`;
      if (row.result.error) return `${row.short}: fails`;
      const costs = costWords(row.result, ['map', 'alloc']);
      return `${row.short}: ${costs || pathWord(row.result)}`;
    })
    .join(' · ');
}

/** Calls that get a hint: the ones that create a mapping or allocation or hand buffers to a virtqueue. */
export function wantsAnnotation(kind: string): boolean {
  return kind === 'map' || kind === 'alloc' || kind === 'virtio-add';
}
