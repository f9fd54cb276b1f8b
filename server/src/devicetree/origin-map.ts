// Where each character of the preprocessed text came from. The text dtc would read is stitched from pieces
// of several files (#include, /include/) and from macro expansions; every piece records its source file and
// range, so a node, a property or a diagnostic found in the stitched text points back to what the user wrote.

export interface Origin {
  file: string;
  start: number;
  end: number;
}

interface Piece {
  outStart: number;
  file: number;
  srcStart: number;
  srcEnd: number;
  /** Copied character for character: offsets inside map one to one. Otherwise the whole piece maps to the range. */
  verbatim: boolean;
}

export class OriginMap {
  private readonly pieces: Piece[] = [];
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();

  /** Records that output from `outStart` on comes from `file` (`srcStart`..`srcEnd`). */
  add(outStart: number, file: string, srcStart: number, srcEnd: number, verbatim: boolean): void {
    let index = this.fileIndex.get(file);
    if (index === undefined) {
      index = this.files.length;
      this.files.push(file);
      this.fileIndex.set(file, index);
    }
    const last = this.pieces[this.pieces.length - 1];
    // Consecutive verbatim copies of adjacent source text are one piece.
    if (
      last &&
      verbatim &&
      last.verbatim &&
      last.file === index &&
      last.srcEnd === srcStart &&
      outStart === last.outStart + (last.srcEnd - last.srcStart)
    ) {
      last.srcEnd = srcEnd;
      return;
    }
    if (last && last.outStart === outStart) this.pieces.pop();
    this.pieces.push({ outStart, file: index, srcStart, srcEnd, verbatim });
  }

  /** The source of the output range [start, end): the file and range of its first character's piece. */
  locate(start: number, end: number = start): Origin | null {
    const piece = this.pieceAt(start);
    if (!piece) return null;
    const file = this.files[piece.file]!;
    if (!piece.verbatim) return { file, start: piece.srcStart, end: piece.srcEnd };
    const from = piece.srcStart + (start - piece.outStart);
    const length = piece.srcEnd - piece.srcStart;
    const to = Math.min(piece.srcStart + length, from + Math.max(0, end - start));
    return { file, start: from, end: Math.max(from, to) };
  }

  private pieceAt(offset: number): Piece | undefined {
    let low = 0;
    let high = this.pieces.length - 1;
    let found: Piece | undefined;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const piece = this.pieces[middle]!;
      if (piece.outStart <= offset) {
        found = piece;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }
}
