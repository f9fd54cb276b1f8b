// The exact-name prefilter over the catalogue names. It cannot drop a call (a call needs its name), so files
// and regions without a match never need a parse. It matches whole identifiers, not `name(`, because kernel
// code also writes `__pa (x)` with a space.
import { API_CATALOGUE } from '@dmalens/core';
import { NameSearch, type NameOccurrence } from './name-search';

/**
 * Anchors every catalogue name holds one of; see name-search.ts for why these spellings. `sg_` serves the
 * scatterlist helpers: as their own anchors, `sg_set_buf` and `sg_init_one` cost a pass each at the speed of
 * `s`, the commonest letter of C (about 1 s of a whole-tree scan's CPU), against one pass for both.
 */
export const CATALOGUE_ANCHORS = ['dma', 'virt', 'pci_', 'hys', 'pa', 'sg_'];

const CATALOGUE_NAMES = new NameSearch(
  API_CATALOGUE.map((api) => api.name),
  CATALOGUE_ANCHORS,
);

/** A name occurrence: where it starts and which name it is. */
export type Candidate = NameOccurrence;

export function findCandidateNames(text: string): Candidate[] {
  return CATALOGUE_NAMES.findAllIn(text);
}
