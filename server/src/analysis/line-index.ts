// Converts between UTF-16 offsets into a document and LSP positions (zero-based line, UTF-16 column).
// JavaScript strings are UTF-16 like LSP characters, so a column is a plain string index within its line.
// Extraction computes every range from offsets through this index, so region parses and macro-body
// fragments report file positions no matter where their trees started; the checks use it for
// suppression comments and the text their quick fixes insert.
import type { Position, Range } from './callsite';

const CARRIAGE_RETURN = 0x0d;

export class LineIndex {
  /**
   * Offsets of the line starts, in a typed array: a whole-tree scan indexes 100 M characters of candidates,
   * and an array of numbers growing one push at a time allocated about four times the final size on the
   * way. One pass over the text, sized from a guess of one line per 32 characters (kernel C averages about
   * 28) and grown by doubling; the result is a view of exactly the lines found.
   */
  private readonly starts: Int32Array;

  constructor(readonly text: string) {
    let starts = new Int32Array(Math.max(16, (text.length >> 5) + 1));
    let count = 1;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
      if (count === starts.length) {
        const grown = new Int32Array(starts.length * 2);
        grown.set(starts);
        starts = grown;
      }
      starts[count++] = at + 1;
    }
    this.starts = starts.subarray(0, count);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]!;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: clamped - this.starts[low]! };
  }

  offsetAt(position: Position): number {
    const line = Math.floor(position.line);
    if (line >= this.starts.length) return this.text.length;
    if (!(line >= 0)) return 0;
    const start = this.starts[line]!;
    // A column past the end of its line means the end of that line, before its line break: `\r\n` as well
    // as `\n`, or an edit there would land between the two and shift every later position by one.
    let lineEnd = line + 1 < this.starts.length ? this.starts[line + 1]! - 1 : this.text.length;
    if (lineEnd > start && this.text.charCodeAt(lineEnd - 1) === CARRIAGE_RETURN && lineEnd < this.text.length)
      lineEnd--;
    // A column that is not a number (NaN from a hostile client) is the line's start, never NaN.
    const column = Number.isFinite(position.character) ? Math.max(0, Math.floor(position.character)) : 0;
    return Math.min(start + column, lineEnd);
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** A line's text without its line break (`\n` or `\r\n`); '' for a line outside the document. */
  line(line: number): string {
    if (line < 0 || line >= this.starts.length) return '';
    const end = line + 1 < this.starts.length ? this.starts[line + 1]! - 1 : this.text.length;
    return this.text.slice(this.starts[line], end).replace(/\r$/, '');
  }

  /** Leading whitespace of a line, reused for inserted statements. */
  indentation(line: number): string {
    return /^[ \t]*/.exec(this.line(line))![0];
  }
}
