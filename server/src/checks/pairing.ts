// Which maps an unmap or sync can be judged against. The extractor pairs calls by handle text, which
// also pairs calls on exclusive branches (`if (src == dst) map BIDI else map TO` followed by the matching
// unmaps) and calls on unrelated paths sharing a field. A pair is trusted only when both calls are in
// one function, the map comes first, the release sits inside the innermost block holding the map (so
// the map runs whenever the release does), and the handle is not assigned anew in between
// (`map = dma_unmap_addr(...)` fetches another mapping into the same variable). When several maps qualify and any of them agrees with the
// release, nothing is reported: dma-debug checks against the entry actually mapped. A variable's only map in
// the function, made under a condition, is trusted too: whenever the release runs on a mapping the function
// made, it is that one.
import type { CallSite } from '../analysis/callsite';
import { escapeRegExp } from '../analysis/regexp-text';
import { maskNonCode } from './code-identifiers';
import { CLOSE_BRACE, OPEN_BRACE, bodyAt, topLevelBodies, type FunctionBody } from './function-bodies';
import { isWordCode } from '../analysis/name-search';

/**
 * What the pairing asks of one file's text, built once per text: the code without comments and literals,
 * its blocks, and per handle the places it is assigned. Each question is then a binary search, so a file
 * with many maps and releases of one handle costs linear time, not a scan of the text per pair.
 */
export class PairingIndex {
  readonly code: string;
  /**
   * Every `{` and `}` in order, by offset; per brace, by its position in this list: its partner (the `}`
   * of a `{`, the `{` of a `}`, -1 when unpaired) and, for a `{`, the enclosing `{` (-1 at file scope).
   * Arrays by position rather than maps by offset: a whole-tree scan pairs about 30 M braces.
   */
  private readonly braces: number[] = [];
  private readonly partner: number[] = [];
  private readonly parent: number[] = [];
  private readonly assignments = new Map<string, number[]>();
  private bodies: FunctionBody[] | null = null;

  constructor(text: string) {
    this.code = maskNonCode(text);
    const open: number[] = [];
    for (let index = 0; index < this.code.length; index++) {
      const char = this.code.charCodeAt(index);
      if (char !== OPEN_BRACE && char !== CLOSE_BRACE) continue;
      const position = this.braces.length;
      this.braces.push(index);
      this.partner.push(-1);
      if (char === OPEN_BRACE) {
        this.parent.push(open.at(-1) ?? -1);
        open.push(position);
      } else {
        this.parent.push(-1);
        const start = open.pop();
        if (start !== undefined) {
          this.partner[start] = position;
          this.partner[position] = start;
        }
      }
    }
  }
  /** The top-level body holding an offset (a function's, or an initialiser's); the bodies are found once. */
  functionAt(offset: number): FunctionBody | null {
    this.bodies ??= topLevelBodies(this.code);
    return bodyAt(this.bodies, offset);
  }

  /** The offset of the `}` closing the `{` at `open`, or null when it is not closed. */
  closingBrace(open: number): number | null {
    const position = this.firstBraceFrom(open);
    if (this.braces[position] !== open) return null;
    const close = this.partner[position]!;
    return close < 0 ? null : this.braces[close]!;
  }

  /** The innermost block around `offset`: the `{` and `}` offsets, or null at file scope. */
  innermostBlock(offset: number): { open: number; close: number } | null {
    // The last brace before the offset: a `{` opens the block; a `}` closes a sibling, whose parent is it.
    const last = this.firstBraceFrom(offset) - 1;
    if (last < 0) return null;
    // A stray `}` (more closed than opened) leaves the block unknown, so no pair is trusted through it.
    const open =
      this.code.charCodeAt(this.braces[last]!) === OPEN_BRACE
        ? last
        : this.partner[last]! < 0
          ? -1
          : this.parent[this.partner[last]!]!;
    if (open < 0) return null;
    const close = this.partner[open]!;
    return { open: this.braces[open]!, close: close < 0 ? this.code.length : this.braces[close]! };
  }

  /** The position of the first brace at or after `offset` (the count of braces before it). */
  private firstBraceFrom(offset: number): number {
    let low = 0;
    let high = this.braces.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.braces[middle]! < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** True when `handle` is assigned anew somewhere in [from, to). */
  assignedBetween(handle: string, from: number, to: number): boolean {
    let offsets = this.assignments.get(handle);
    if (!offsets) {
      offsets = assignmentOffsets(this.code, handle);
      this.assignments.set(handle, offsets);
    }
    let low = 0;
    let high = offsets.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (offsets[middle]! < from) low = middle + 1;
      else high = middle;
    }
    return low < offsets.length && offsets[low]! < to;
  }
}

let indexFor: { text: string; index: PairingIndex } | null = null;

/** The index of the file being checked; the rules of one check pass (and the quick fixes) share it. */
export function pairingIndex(text: string): PairingIndex {
  if (indexFor?.text !== text) indexFor = { text, index: new PairingIndex(text) };
  return indexFor.index;
}

export function governingMaps(
  sites: readonly CallSite[],
  text: string,
  release: CallSite,
  isMap: (site: CallSite) => boolean,
): CallSite[] {
  // The index is made only when some map passes the cheap tests: most releases pair with none.
  let index: PairingIndex | null = null;
  const governing: CallSite[] = [];
  // Nearest map first: once the handle is assigned between a map and the release, it is assigned between
  // every earlier map and the release too, so the walk stops there (a map is itself such an assignment,
  // which keeps a long run of maps of one handle linear). pairedWith lists sites in source order, so the
  // walk starts at the last one before the release.
  const paired = release.pairedWith;
  const conditional: CallSite[] = [];
  for (let at = lastBefore(paired, sites, release.offset); at >= 0; at--) {
    const map = sites[paired[at]!];
    if (!map || !isMap(map)) continue;
    if (map.enclosingFunction === null || map.enclosingFunction !== release.enclosingFunction) continue;
    index ??= pairingIndex(text);
    if (map.handle !== null && index.assignedBetween(map.handle, map.endOffset, release.offset)) break;
    const block = index.innermostBlock(map.offset);
    if (block !== null && release.offset > block.open && release.endOffset <= block.close) governing.push(map);
    else conditional.push(map);
  }
  // A variable's only map in the function, made under a condition (`if (x) addr = dma_map_single(...)`)
  // and not assigned since: whenever the release runs on something this function mapped, it is that map.
  if (governing.length === 0 && conditional.length === 1 && /^[A-Za-z_]\w*$/.test(release.handle ?? ''))
    return conditional;
  return governing.reverse();
}

/** The position in `paired` (site indexes in source order) of the last site starting before `offset`, or -1. */
function lastBefore(paired: readonly number[], sites: readonly CallSite[], offset: number): number {
  let low = 0;
  let high = paired.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sites[paired[middle]!]?.offset ?? Infinity) < offset) low = middle + 1;
    else high = middle;
  }
  return low - 1;
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
  return assignmentOffsets(code, handle).length > 0;
}

/** Offsets in `code` where `handle = …` assigns the handle (see assignsTo), in order. */
function assignmentOffsets(code: string, handle: string): number[] {
  let pattern = assignmentPatterns.get(handle);
  if (!pattern) {
    const name = escapeRegExp(handle.replace(/\s+/g, '')).replace(/(->|\\\.)/g, '\\s*$1\\s*');
    pattern = new RegExp(`${name}\\s*=(?!=)`, 'g');
    if (assignmentPatterns.size >= MAX_PATTERNS) assignmentPatterns.clear();
    assignmentPatterns.set(handle, pattern);
  }
  const offsets: number[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(code); match; match = pattern.exec(code)) {
    const before = match.index > 0 ? code.charCodeAt(match.index - 1) : NaN;
    if (!isWordCode(before) && before !== DOT && before !== GREATER) offsets.push(match.index);
    pattern.lastIndex = match.index + 1;
  }
  return offsets;
}
