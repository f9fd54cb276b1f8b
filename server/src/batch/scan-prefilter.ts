// The batch scan's test "may this file need analysis?", run on the raw bytes of every file of a tree, so
// its speed is the floor of a whole-tree scan. It accepts exactly the files holding a catalogue name as a
// whole identifier (what the extractor's candidate search finds) or an identifier a check reads from the
// text. It works on the bytes (name-search.ts): three files in four hold no anchor at all and are rejected
// without building a string or decoding UTF-8.
import { API_CATALOGUE } from '@dmalens/core';
import { NameSearch } from '../analysis/name-search';
import { CATALOGUE_ANCHORS } from '../analysis/prefilter';
import { TEXT_RULE_IDENTIFIERS } from './text-rule-identifiers';

/** The catalogue's anchors and the text rules' one (`VIRTIO_F_IOMMU_PLATFORM`). */
export const SCAN_ANCHORS = [...CATALOGUE_ANCHORS, 'VIRTIO'];

const NAMES_WORTH_ANALYSIS = new NameSearch(
  [...API_CATALOGUE.map((api) => api.name), ...TEXT_RULE_IDENTIFIERS],
  SCAN_ANCHORS,
);

/**
 * True when `source` holds a name worth analysing as a whole identifier. Raw bytes are what the batch scan
 * passes; a string is taken as its UTF-8 bytes, where every non-ASCII character becomes bytes that are not
 * identifier bytes, as `\w` would see it.
 */
export function mayNeedAnalysis(source: Buffer | string): boolean {
  return NAMES_WORTH_ANALYSIS.containsIn(typeof source === 'string' ? Buffer.from(source, 'utf8') : source);
}
