// The top-level brace pairs of a file (function bodies, and initialisers) with the declaration before each,
// found once per file text by the pairing index and asked by binary search: the quick fixes, the zero-test
// rule and the findings' fingerprints all ask which function an offset is in.

export interface FunctionBody {
  /** Offset of the body's `{` and just past its `}`. */
  open: number;
  close: number;
  /** The declaration before the body: return type, name and parameters, comments and literals blanked. */
  header: string;
}

export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;

/** Every top-level brace pair of a text whose comments and literals are blanked (maskNonCode): function bodies, and initialisers. */
export function topLevelBodies(masked: string): FunctionBody[] {
  const bodies: FunctionBody[] = [];
  let depth = 0;
  let open = -1;
  let boundary = 0;
  // Only braces and semicolons matter; a character-class search jumps between them at the engine's speed.
  const special = /[{};]/g;
  for (let match = special.exec(masked); match; match = special.exec(masked)) {
    const index = match.index;
    const char = masked.charCodeAt(index);
    if (char === OPEN_BRACE) {
      if (depth === 0) open = index;
      depth++;
    } else if (char === CLOSE_BRACE) {
      depth--;
      if (depth === 0 && open >= 0) {
        bodies.push({ open, close: index + 1, header: headerBefore(masked, boundary, open) });
        boundary = index + 1;
      }
      if (depth < 0) depth = 0;
    } else if (depth === 0) boundary = index + 1;
  }
  return bodies;
}

/** The body holding an offset, by binary search over bodies in order. */
export function bodyAt(bodies: readonly FunctionBody[], offset: number): FunctionBody | null {
  let low = 0;
  let high = bodies.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const body = bodies[middle]!;
    if (offset < body.open) high = middle - 1;
    else if (offset >= body.close) low = middle + 1;
    else return body;
  }
  return null;
}

/** Preprocessor lines between the previous declaration and this one are not part of its header. */
function headerBefore(masked: string, from: number, open: number): string {
  const lines = masked.slice(from, open).split('\n');
  return lines
    .filter((line) => !line.trimStart().startsWith('#'))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}
