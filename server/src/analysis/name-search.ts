// Finds a fixed set of names as whole identifiers, in raw bytes or in a string, without a regular expression.
// Every name holds one of a few short anchors; `indexOf` finds an anchor at memory-search speed (it scans for
// the anchor's first byte with memchr), and only at an anchor's occurrences is the surrounding identifier cut
// out and looked up. This is the floor of a whole-tree scan (every byte of every file passes through it), so
// the anchors are chosen for speed: an anchor starting with a byte that is rare in C (`hys` rather than
// `phys`, `pa` rather than `__pa`, whose `_` stops memchr every few bytes) costs a fraction of the others.

/** Bytes and UTF-16 code units that make up an identifier, as the regular expression `\w` counts them (ASCII only). */
const IS_WORD = new Uint8Array(256);
for (let code = 0; code < 256; code++) IS_WORD[code] = /\w/.test(String.fromCharCode(code)) ? 1 : 0;

/** Is this UTF-16 code unit part of an identifier, as `\w` counts it? NaN (past the end of a string) is not. */
export function isWordCode(code: number): boolean {
  return code < 128 && IS_WORD[code] === 1;
}

/** A name occurrence: where it starts and which name it is. */
export interface NameOccurrence {
  offset: number;
  name: string;
}

export class NameSearch {
  private readonly names: Set<string>;
  private readonly anchors: string[];
  private readonly anchorBytes: Buffer[];
  /**
   * Length, first and last character of every name, packed into one number: most anchor occurrences sit in
   * identifiers that are no name (`pa` in `page_address`), and this rejects them without building a string.
   */
  private readonly shapes: Set<number>;

  /**
   * `preferredAnchors` are tried first, in order (the common ones first, so that a file holding names is
   * settled by the first search). A name holding none of them becomes its own anchor, so the search stays
   * exact whatever the names are.
   */
  constructor(names: Iterable<string>, preferredAnchors: readonly string[]) {
    this.names = new Set(names);
    const anchors = preferredAnchors.filter((anchor) => [...this.names].some((name) => name.includes(anchor)));
    for (const name of this.names) if (!anchors.some((anchor) => name.includes(anchor))) anchors.push(name);
    this.anchors = anchors;
    this.anchorBytes = anchors.map((anchor) => Buffer.from(anchor, 'latin1'));
    this.shapes = new Set(
      [...this.names].map((name) => shape(name.length, name.charCodeAt(0), name.charCodeAt(name.length - 1))),
    );
  }

  /**
   * True when `bytes` hold a name as a whole identifier. Every name is ASCII, so the raw bytes of a file give
   * the same answer as its decoded text: a non-ASCII character becomes bytes that are not identifier bytes.
   */
  containsIn(buffer: Buffer): boolean {
    for (const anchor of this.anchorBytes) {
      for (let at = buffer.indexOf(anchor); at !== -1;) {
        let start = at;
        while (start > 0 && IS_WORD[buffer[start - 1]!] === 1) start--;
        let end = at + anchor.length;
        while (end < buffer.length && IS_WORD[buffer[end]!] === 1) end++;
        if (
          this.shapes.has(shape(end - start, buffer[start]!, buffer[end - 1]!)) &&
          this.names.has(buffer.toString('latin1', start, end))
        )
          return true;
        at = buffer.indexOf(anchor, end);
      }
    }
    return false;
  }

  /** Every whole-identifier occurrence of a name in `text`, in offset order. */
  findAllIn(text: string): NameOccurrence[] {
    const found: NameOccurrence[] = [];
    for (const anchor of this.anchors) {
      for (let at = text.indexOf(anchor); at !== -1;) {
        let start = at;
        while (start > 0 && isWordCode(text.charCodeAt(start - 1))) start--;
        let end = at + anchor.length;
        while (end < text.length && isWordCode(text.charCodeAt(end))) end++;
        if (this.shapes.has(shape(end - start, text.charCodeAt(start), text.charCodeAt(end - 1)))) {
          const name = text.slice(start, end);
          if (this.names.has(name)) found.push({ offset: start, name });
        }
        at = text.indexOf(anchor, end);
      }
    }
    return this.anchors.length > 1 ? inOffsetOrderOnce(found) : found;
  }
}

function shape(length: number, first: number, last: number): number {
  return length * 65536 + (first & 0xff) * 256 + (last & 0xff);
}

/** A name holding two anchors (`virtqueue_dma_...`) is found once per anchor. */
function inOffsetOrderOnce(found: NameOccurrence[]): NameOccurrence[] {
  found.sort((a, b) => a.offset - b.offset);
  return found.filter((entry, index) => index === 0 || found[index - 1]!.offset !== entry.offset);
}
