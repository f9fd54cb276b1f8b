// Where comments and literals are, asked once per name of a file whose tree has errors. Each question used to
// rescan its line from the start and search the whole text backwards for `/*`, which made a line of thousands
// of names quadratic; here each line is read once, the line starts and comment delimiters are found once per
// file, and each question is a binary search.

/** The comments and literals opening on one line, in order: an offset is inside the i-th when `opens[i] < offset <= closes[i]`. */
interface LineSpans {
  opens: number[];
  closes: number[];
}

export class LexicalSpans {
  private readonly lines = new Map<number, LineSpans>();
  private commentOpens: number[] | null = null;
  private commentCloses: number[] | null = null;
  private newlines: number[] | null = null;

  constructor(private readonly text: string) {}

  /** After an unclosed `/*`, or inside a string or comment opened earlier on the same line. */
  insideBrokenCommentOrLiteral(offset: number): boolean {
    return this.afterUnclosedComment(offset) || this.insideCommentOrLiteralOnLine(offset);
  }

  /** True when `offset` is inside a comment or a string/character literal that starts on its line. */
  private insideCommentOrLiteralOnLine(offset: number): boolean {
    this.newlines ??= occurrences(this.text, '\n');
    const lineStart = lastBefore(this.newlines, offset - 1) + 1;
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
      const close = closingQuote(text, at);
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

/** The closing quote of the literal opened at `open`, or the end of its line when it does not close. */
function closingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let at = open + 1; at < text.length; at++) {
    const char = text[at];
    if (char === '\\') at++;
    else if (char === quote || char === '\n') return at;
  }
  return text.length;
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
