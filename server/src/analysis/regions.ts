// Finds, without parsing, the top-level definition around an offset, using kernel layout: top-level items
// start at column 0 and function bodies end with a `}` at column 0. A `#define` holding a hit (with its
// continuation lines) is a region of its own. A region that turns out not to be self-contained is detected after parsing and the
// caller falls back to a full parse, so these heuristics can cost time but never sites.

export interface Region {
  start: number;
  end: number;
}

/** Line boundaries: `lineStartAt(text, o)` is the start of the line holding offset o. */
function lineStartAt(text: string, offset: number): number {
  // lastIndexOf reads a negative start as 0: at offset 0 of a text that begins with a line break it would
  // answer 1, and the walk up to the previous item would never reach the start of the file.
  return offset <= 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndAt(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end + 1;
}

/** Does the line break just before `offset` follow a backslash (with or without a carriage return), continuing the line? */
function continuesBefore(text: string, offset: number): boolean {
  if (text[offset - 1] !== '\n') return false;
  return text[offset - 2] === '\\' || (text[offset - 2] === '\r' && text[offset - 3] === '\\');
}

/** The logical line (joined by trailing backslashes) that holds `offset`. */
function logicalLine(text: string, offset: number): Region {
  let start = lineStartAt(text, offset);
  while (start > 0 && continuesBefore(text, start)) start = lineStartAt(text, start - 1);
  let end = lineEndAt(text, offset);
  while (end < text.length && continuesBefore(text, end)) end = lineEndAt(text, end);
  return { start, end };
}

/** Does the line starting at `start` end a top-level item (so that the next item starts after it)? */
function endsTopLevelItem(text: string, start: number, end: number): boolean {
  const first = text[start];
  if (first === undefined || first === ' ' || first === '\t' || first === '\n' || first === '\r') return false;
  if (first === '}') return true;
  // Comment lines are never boundaries, even when they end in `;` (commented-out code).
  if (first === '/' || first === '*') return false;
  // Directives are never boundaries: drivers put #define and #if at column 0 inside function bodies too.
  if (first === '#') return false;
  return endsWithStatement(text.slice(start, end).trimEnd());
}

/**
 * A line that ends with `;`, perhaps followed by a comment. Written without a pattern that spans the comment:
 * `;\s*(\/\*.*\*\/)?$` backtracks over every `;` and every `*\/` of a long generated line (an 88 KB line
 * held a scan for minutes).
 */
function endsWithStatement(line: string): boolean {
  if (line.endsWith(';')) return true;
  if (/;\s*\/\//.test(line)) return true;
  if (!line.endsWith('*/')) return false;
  const comment = /;\s*\/\*/.exec(line);
  return comment !== null && comment.index + comment[0].length <= line.length - 2;
}

/** The enclosing top-level region of `offset`. */
export function regionAround(text: string, offset: number): Region {
  const line = logicalLine(text, offset);
  if (/^\s*#/.test(text.slice(line.start, Math.min(line.end, line.start + 64)))) return line;
  let start = line.start;
  while (start > 0) {
    // The previous logical line, so that a multi-line #define above is seen from its `#define` line.
    const previous = logicalLine(text, start - 1);
    if (endsTopLevelItem(text, previous.start, previous.end)) break;
    start = previous.start;
  }
  let end = line.start;
  for (;;) {
    const next = lineEndAt(text, end);
    if (endsTopLevelItem(text, end, next)) {
      end = next;
      break;
    }
    if (next >= text.length) {
      end = text.length;
      break;
    }
    end = next;
  }
  return { start, end: Math.max(end, line.end) };
}

/** Regions around each offset, merged when they overlap or touch, in file order. */
export function regionsAround(text: string, offsets: readonly number[]): Region[] {
  const regions: Region[] = [];
  let last: Region | undefined;
  for (const offset of offsets) {
    if (last && offset >= last.start && offset < last.end) continue;
    const region = regionAround(text, offset);
    if (last && region.start <= last.end) last.end = Math.max(last.end, region.end);
    else {
      last = { ...region };
      regions.push(last);
    }
  }
  return regions;
}
