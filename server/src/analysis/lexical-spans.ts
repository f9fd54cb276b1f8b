// Where comments and literals are, asked once per name of a file whose tree has errors. Each question used to
// rescan its line from the start and search the whole text backwards for `/*`, which made a line of thousands
// of names quadratic; here each line is read once, the comment delimiters are found once per file (one
// instance serves the whole file and its macro bodies, see FileContext), and each question is a binary search.
import { skipLiteral } from './arguments';
import type { LineIndex } from './line-index';

/** The comments and literals opening on one line, in order: an offset is inside the i-th when `opens[i] < offset <= closes[i]`. */
interface LineSpans {
  opens: number[];
  closes: number[];
}

export class LexicalSpans {
  private readonly lines = new Map<number, LineSpans>();
  private commentOpens: number[] | null = null;
  private commentCloses: number[] | null = null;

  constructor(
    private readonly text: string,
    private readonly lineIndex: LineIndex,
  ) {}

  /** After an unclosed `/*`, or inside a string or comment opened earlier on the same line. */
  insideBrokenCommentOrLiteral(offset: number): boolean {
    return this.afterUnclosedComment(offset) || this.insideCommentOrLiteralOnLine(offset);
  }

  /** True when `offset` is inside a comment or a string/character literal that starts on its line. */
  private insideCommentOrLiteralOnLine(offset: number): boolean {
    const lineStart = offset - this.lineIndex.positionAt(offset).character;
    // The spans of a line do not overlap and are in order, so only the last one opened before the offset can hold it.
    const spans = this.spansOfLine(lineStart);
    const last = lastIndexAtMost(spans.opens, offset - 1);
    return last >= 0 && offset <= spans.closes[last]!;
  }

  /** The last `/*` before the offset is later than the last `*\/` before it. */
  private afterUnclosedComment(offset: number): boolean {
    this.commentOpens ??= occurrences(this.text, '/*');
    this.commentCloses ??= occurrences(this.text, '*/');
    return lastBefore(this.commentOpens, offset) > lastBefore(this.commentCloses, offset);
  }

  private spansOfLine(lineStart: number): LineSpans {
    let spans = this.lines.get(lineStart);
    if (!spans) {
      spans = scanLine(this.text, lineStart);
      this.lines.set(lineStart, spans);
    }
    return spans;
  }
}

/** The comments and literals that open on the line starting at `lineStart`, each to where it ends. */
function scanLine(text: string, lineStart: number): LineSpans {
  const spans: LineSpans = { opens: [], closes: [] };
  const lineEnd = endOfLine(text, lineStart);
  for (let at = lineStart; at < lineEnd; at++) {
    const char = text[at];
    if (char === '"' || char === "'") {
      const close = skipLiteral(text, at, text.length);
      spans.opens.push(at);
      spans.closes.push(close);
      at = close;
    } else if (char === '/' && text[at + 1] === '/') {
      spans.opens.push(at);
      spans.closes.push(lineEnd);
      break;
    } else if (char === '/' && text[at + 1] === '*') {
      const end = text.indexOf('*/', at + 2);
      const close = end < 0 ? text.length : end + 1;
      spans.opens.push(at);
      spans.closes.push(close);
      at = close;
    }
  }
  return spans;
}

function endOfLine(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  return newline < 0 ? text.length : newline;
}

function occurrences(text: string, token: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) found.push(at);
  return found;
}

/** The largest entry of the sorted `offsets` that is at most `limit`, or -1. */
function lastBefore(offsets: readonly number[], limit: number): number {
  const index = lastIndexAtMost(offsets, limit);
  return index >= 0 ? offsets[index]! : -1;
}

/** The index of the largest entry of the sorted `offsets` that is at most `limit`, or -1. */
function lastIndexAtMost(offsets: readonly number[], limit: number): number {
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (offsets[middle]! <= limit) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}
