// Offsets and LSP positions over one document's text. JavaScript strings are UTF-16, like LSP
// characters, so a position's character is a plain string index within its line.
import type { Position } from '../analysis/callsite';

export class TextLines {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) === 10) this.starts.push(index + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  offsetAt(position: Position): number {
    const start = this.starts[Math.min(Math.max(position.line, 0), this.starts.length - 1)]!;
    return Math.min(start + Math.max(position.character, 0), this.text.length);
  }

  positionAt(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: offset - this.starts[low]! };
  }

  line(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    const end = this.starts[line + 1] ?? this.text.length + 1;
    return this.text.slice(start, end - 1).replace(/\r$/, '');
  }

  /** Leading whitespace of a line, reused for inserted statements. */
  indentation(line: number): string {
    return /^[ \t]*/.exec(this.line(line))![0];
  }
}
