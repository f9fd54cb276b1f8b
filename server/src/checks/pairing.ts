// Which maps an unmap or sync can be judged against. The extractor pairs calls by handle text, which
// also pairs calls on exclusive branches (`if (src == dst) map BIDI else map TO` followed by the matching
// unmaps) and calls on unrelated paths sharing a field. A pair is trusted only when both calls are in
// one function, the map comes first, the release sits inside the innermost block holding the map (so
// the map runs whenever the release does), and the handle is not assigned anew in between
// (`map = dma_unmap_addr(...)` fetches another mapping into the same variable). When several maps qualify and any of them agrees with the
// release, nothing is reported: dma-debug checks against the entry actually mapped.
import type { CallSite } from '../analysis/callsite';
import { escapeRegExp } from '../analysis/regexp-text';
import { maskNonCode } from './code-identifiers';
import { isWordCode } from '../analysis/name-search';

let maskedFor: { text: string; masked: string } | null = null;

/** The text without comments and literals, cached for the file being checked. */
function codeOnly(text: string): string {
  if (maskedFor?.text !== text) maskedFor = { text, masked: maskNonCode(text) };
  return maskedFor.masked;
}

/** Offsets of the `{` and `}` of the innermost block around `offset`, or null at file scope. */
export function innermostBlock(code: string, offset: number): { open: number; close: number } | null {
  let depth = 0;
  let open = -1;
  for (let index = offset - 1; index >= 0; index--) {
    const char = code[index];
    if (char === '}') depth++;
    else if (char === '{') {
      if (depth === 0) {
        open = index;
        break;
      }
      depth--;
    }
  }
  if (open < 0) return null;
  depth = 0;
  for (let index = open + 1; index < code.length; index++) {
    const char = code[index];
    if (char === '{') depth++;
    else if (char === '}') {
      if (depth === 0) return { open, close: index };
      depth--;
    }
  }
  return { open, close: code.length };
}

export function governingMaps(
  sites: readonly CallSite[],
  text: string,
  release: CallSite,
  isMap: (site: CallSite) => boolean,
): CallSite[] {
  // The masked text is made only when some map passes the cheap tests: most releases pair with none.
  let code: string | null = null;
  return release.pairedWith
    .map((index) => sites[index])
    .filter((map): map is CallSite => {
      if (!map || !isMap(map) || map.offset >= release.offset) return false;
      if (map.enclosingFunction === null || map.enclosingFunction !== release.enclosingFunction) return false;
      const masked = (code ??= codeOnly(text));
      const block = innermostBlock(masked, map.offset);
      if (block === null || release.offset <= block.open || release.endOffset > block.close) return false;
      return map.handle === null || !assignsTo(masked.slice(map.endOffset, release.offset), map.handle);
    });
}

/** Compiled assignment patterns by handle: a file's releases ask about the same few handles again and again. */
const assignmentPatterns = new Map<string, RegExp>();
const MAX_PATTERNS = 1024;
const DOT = 0x2e;
const GREATER = 0x3e;

/**
 * True when `code` contains `handle = …` (not `==`), i.e. the variable receives another value, with the
 * handle not the tail of a longer name or member (`x.handle`, `p->handle`). The pattern starts with the
 * handle's text, which the regular-expression engine finds by fast search; a leading boundary test in the
 * pattern cost a full match attempt at every character.
 */
export function assignsTo(code: string, handle: string): boolean {
  let pattern = assignmentPatterns.get(handle);
  if (!pattern) {
    const name = escapeRegExp(handle.replace(/\s+/g, '')).replace(/(->|\\\.)/g, '\\s*$1\\s*');
    pattern = new RegExp(`${name}\\s*=(?!=)`, 'g');
    if (assignmentPatterns.size >= MAX_PATTERNS) assignmentPatterns.clear();
    assignmentPatterns.set(handle, pattern);
  }
  pattern.lastIndex = 0;
  for (let match = pattern.exec(code); match; match = pattern.exec(code)) {
    const before = match.index > 0 ? code.charCodeAt(match.index - 1) : NaN;
    if (!isWordCode(before) && before !== DOT && before !== GREATER) return true;
    pattern.lastIndex = match.index + 1;
  }
  return false;
}
