// Applies a file's hunks to its text, forward (old → new) or in reverse (new → old), as patch(1) does
// without fuzz: each hunk is looked for at its stated line (moved by what earlier hunks added or removed),
// then at the nearest place its lines match exactly. Forward application also marks the lines the change
// brings, so that a finding can be asked whether the change is on its line.
import type { Hunk } from './unified-diff';

export interface PatchedLine {
  text: string;
  /** The change added (or rewrote) this line. */
  added: boolean;
  /** Lines were removed just before this one: a deletion touches the code around it. */
  afterRemoval: boolean;
}

export class HunkMismatch extends Error {
  constructor(readonly hunk: Hunk) {
    super(`hunk '${hunk.header}' does not match the text`);
  }
}

/** The new side of the hunks applied to `lines` (the old side); marks carry over from earlier patches. */
export function applyForward(lines: readonly PatchedLine[], hunks: readonly Hunk[]): PatchedLine[] {
  return apply(lines, hunks, 'forward');
}

/** The old side: the hunks taken back out of `lines` (the new side). Marks are dropped. */
export function applyReverse(lines: readonly PatchedLine[], hunks: readonly Hunk[]): PatchedLine[] {
  return apply(lines, hunks, 'reverse');
}

export function toPatchedLines(text: string): PatchedLine[] {
  const lines = text.split('\n');
  // A final newline ends the last line rather than starting an empty one.
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => ({ text: line, added: false, afterRemoval: false }));
}

export function patchedText(lines: readonly PatchedLine[]): string {
  return lines.map((line) => `${line.text}\n`).join('');
}

function apply(lines: readonly PatchedLine[], hunks: readonly Hunk[], direction: 'forward' | 'reverse'): PatchedLine[] {
  const forward = direction === 'forward';
  const [dropped, inserted] = forward ? (['-', '+'] as const) : (['+', '-'] as const);
  const result: PatchedLine[] = [];
  // Lines were just removed: the next line kept or added is marked as touched by the removal.
  let removedBefore = false;
  const emit = (line: PatchedLine) => {
    result.push(forward ? { ...line, afterRemoval: line.afterRemoval || removedBefore } : plain(line));
    removedBefore = false;
  };
  let copied = 0;
  let shift = 0;
  for (const hunk of hunks) {
    const start = (forward ? hunk.oldStart : hunk.newStart) - 1;
    const from = hunk.lines.filter((line) => line.kind !== inserted).map((line) => line.text);
    // A hunk without old lines (`@@ -10,0 +11,2 @@`) inserts after the line it states, not at it.
    const pureInsertion = from.length === 0 ? 1 : 0;
    const at = find(lines, from, Math.max(start + pureInsertion + shift, 0), copied);
    if (at < 0) throw new HunkMismatch(hunk);
    shift = at - start - pureInsertion;
    for (let index = copied; index < at; index++) emit(lines[index]!);
    let source = at;
    for (const line of hunk.lines) {
      if (line.kind === dropped) {
        source++;
        removedBefore = true;
      } else if (line.kind === inserted) emit({ text: line.text, added: true, afterRemoval: false });
      else emit(lines[source++]!);
    }
    copied = source;
  }
  for (let index = copied; index < lines.length; index++) emit(lines[index]!);
  return result;
}

function plain(line: PatchedLine): PatchedLine {
  return { text: line.text, added: false, afterRemoval: false };
}

/** The index nearest `stated` (not before `earliest`) where `block` occurs line for line, or -1. */
function find(lines: readonly PatchedLine[], block: readonly string[], stated: number, earliest: number): number {
  const last = lines.length - block.length;
  const matches = (start: number) => block.every((text, offset) => lines[start + offset]!.text === text);
  const start = Math.min(Math.max(stated, earliest), Math.max(last, earliest));
  for (let distance = 0; start - distance >= earliest || start + distance <= last; distance++) {
    if (start + distance <= last && start + distance >= earliest && matches(start + distance)) return start + distance;
    if (distance > 0 && start - distance >= earliest && start - distance <= last && matches(start - distance))
      return start - distance;
  }
  return -1;
}
