// The exact-name prefilter over the catalogue names. It cannot drop a call (a call needs its name), so files
// and regions without a match never need a parse. It matches whole identifiers, not `name(`, because kernel
// code also writes `__pa (x)` with a space.
import { API_CATALOGUE } from '../../../core/src/api/catalogue';

function escapeForRegExp(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const NAMES = new Set(API_CATALOGUE.map((api) => api.name));

// One alternation of all ~250 names is slow to run (about 2 ms over virtio_ring.c). Matching the few leading
// words the names share (`dma_`, `virtqueue_`, `__pa`, ...) plus the rest of the identifier, then checking the
// whole identifier against the set, finds the same names several times faster.
const LEADING_WORDS = [...new Set([...NAMES].map((name) => /^_*[A-Za-z0-9]+_?/.exec(name)![0]))].sort((a, b) => b.length - a.length);
const SOURCE = `\\b(?:${LEADING_WORDS.map(escapeForRegExp).join('|')})\\w*`;

/** A fresh global regex matching identifiers that start like a catalogue name; `NAMES` decides which are. */
function candidatePattern(): RegExp {
  return new RegExp(SOURCE, 'g');
}

/** True when the text contains at least one catalogue name. */
export function mayContainCalls(text: string): boolean {
  const pattern = candidatePattern();
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) if (NAMES.has(match[0])) return true;
  return false;
}

/** A name occurrence: where it starts and which name it is. */
export interface Candidate {
  offset: number;
  name: string;
}

export function findCandidateNames(text: string): Candidate[] {
  const found: Candidate[] = [];
  const pattern = candidatePattern();
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (NAMES.has(match[0])) found.push({ offset: match.index, name: match[0] });
  }
  return found;
}
