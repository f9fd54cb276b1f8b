// Puts results that finish in any order (two threads, batches of different speed) back into the order the
// walk found their files, releasing each as soon as every file walked before it is done. A report can then
// be written while the scan runs instead of being held and sorted at the end.

export class WalkOrder<T> {
  /** Sequence numbers of the files taken and not yet settled, by path (a path given twice is taken twice). */
  private readonly waiting = new Map<string, number[]>();
  /** Settled out of turn: a result, or null for a file with nothing to report. */
  private readonly early = new Map<number, T | null>();
  private nextTaken = 0;
  private nextReleased = 0;

  /** Records that `path` is the next file of the walk. */
  taken(path: string): void {
    const numbers = this.waiting.get(path);
    if (numbers) numbers.push(this.nextTaken++);
    else this.waiting.set(path, [this.nextTaken++]);
  }

  /** Settles the earliest taken file at `path`, and appends to `released` every result whose turn has come. */
  settle(path: string, result: T | null, released: T[]): void {
    const numbers = this.waiting.get(path);
    const sequence = numbers?.shift();
    if (sequence === undefined) {
      // Not taken through this order (nothing should be); better reported out of turn than lost.
      if (result !== null) released.push(result);
      return;
    }
    if (numbers!.length === 0) this.waiting.delete(path);
    this.early.set(sequence, result);
    while (this.early.has(this.nextReleased)) {
      const next = this.early.get(this.nextReleased)!;
      this.early.delete(this.nextReleased++);
      if (next !== null) released.push(next);
    }
  }

  /** Files taken and not settled yet, or settled and waiting for an earlier one. */
  get pending(): number {
    return this.nextTaken - this.nextReleased;
  }
}
