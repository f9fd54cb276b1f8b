// The exact-name prefilter: one regular expression made of every catalogue name. It cannot drop a call
// (a call needs its name), so files and regions without a match never need a parse. It matches names, not
// `name(`, because kernel code also writes `__pa (x)` with a space.
import { API_CATALOGUE } from '../../../core/src/api/catalogue';

function escapeForRegExp(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Longer names first so that the alternation never stops at a prefix (`dma_map_single` before `dma_map_single_attrs`
// would still be rejected by \b, but ordering keeps the engine from backtracking).
const NAMES = [...new Set(API_CATALOGUE.map((api) => api.name))].sort((a, b) => b.length - a.length);
const SOURCE = `\\b(?:${NAMES.map(escapeForRegExp).join('|')})\\b`;

/** A fresh global regex over all catalogue names (fresh because global regexes carry `lastIndex`). */
export function candidatePattern(): RegExp {
  return new RegExp(SOURCE, 'g');
}

const TEST_PATTERN = new RegExp(SOURCE);

/** True when the text contains at least one catalogue name. */
export function mayContainCalls(text: string): boolean {
  return TEST_PATTERN.test(text);
}

/** A name occurrence: where it starts and which name it is. */
export interface Candidate {
  offset: number;
  name: string;
}

export function findCandidateNames(text: string): Candidate[] {
  const found: Candidate[] = [];
  const pattern = candidatePattern();
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) found.push({ offset: match.index, name: match[0] });
  return found;
}

/** Offsets of every catalogue-name occurrence, in order. */
export function findCandidates(text: string): number[] {
  return findCandidateNames(text).map((candidate) => candidate.offset);
}
