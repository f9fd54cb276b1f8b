// Unified diffs as git, diff -u and `git format-patch` write them: the files a change touches and its hunks.
// A hunk's header counts its lines, so the parser reads exactly that many and nothing after (a mail's
// `-- ` signature line is not a removed line). Mail headers, the diffstat and git's extended headers are
// skipped; binary patches carry no text to check and are listed as such.

export interface HunkLine {
  kind: ' ' | '-' | '+';
  text: string;
}

export interface Hunk {
  /** 1-based first line of the hunk on each side, as in `@@ -oldStart,oldCount +newStart,newCount @@`. */
  oldStart: number;
  newStart: number;
  lines: HunkLine[];
  /** The header line, for messages that name the hunk. */
  header: string;
}

export interface FilePatch {
  /** Repository-relative paths with git's a/ and b/ prefixes taken off; null for /dev/null (added, deleted). */
  oldPath: string | null;
  newPath: string | null;
  hunks: Hunk[];
  binary: boolean;
}

export class PatchSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Every file of a diff in order (a series touching one file twice lists it twice). */
export function parseUnifiedDiff(text: string): FilePatch[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const patches: FilePatch[] = [];
  let current: FilePatch | null = null;
  let gitHeader: { oldPath: string | null; newPath: string | null } | null = null;
  for (let index = 0; index < lines.length; index++) {
    const line = stripCarriageReturn(lines[index]!);
    if (line.startsWith('diff --git ')) {
      gitHeader = gitHeaderPaths(line.slice('diff --git '.length));
      current = null;
    } else if (line.startsWith('--- ') && lines[index + 1]?.startsWith('+++ ')) {
      current = {
        oldPath: headerPath(line.slice(4), 'a/'),
        newPath: headerPath(stripCarriageReturn(lines[index + 1]!).slice(4), 'b/'),
        hunks: [],
        binary: false,
      };
      patches.push(current);
      gitHeader = null;
      index++;
    } else if (gitHeader && (line.startsWith('Binary files ') || line === 'GIT binary patch')) {
      patches.push({ ...gitHeader, hunks: [], binary: true });
      gitHeader = null;
    } else if (line.startsWith('@@ ')) {
      if (!current) throw new PatchSyntaxError('a hunk before any --- / +++ file header', index + 1);
      index = readHunk(lines, index, current);
    }
  }
  return patches;
}

/** Reads the hunk whose header is at `start` into the patch; returns the index of its last line. */
function readHunk(lines: readonly string[], start: number, patch: FilePatch): number {
  const header = stripCarriageReturn(lines[start]!);
  const match = HUNK_HEADER.exec(header);
  if (!match) throw new PatchSyntaxError(`malformed hunk header '${header}'`, start + 1);
  let oldLeft = match[2] === undefined ? 1 : Number(match[2]);
  let newLeft = match[4] === undefined ? 1 : Number(match[4]);
  const hunk: Hunk = { oldStart: Number(match[1]), newStart: Number(match[3]), lines: [], header };
  let index = start;
  while (oldLeft > 0 || newLeft > 0) {
    index++;
    if (index >= lines.length)
      throw new PatchSyntaxError(`hunk '${header}' ends early: the file ends ${oldLeft + newLeft} lines short`, index);
    const line = stripCarriageReturn(lines[index]!);
    if (line.startsWith('\\')) continue;
    // Some mailers drop the single space of an empty context line.
    const kind = line === '' ? ' ' : line[0];
    if (kind !== ' ' && kind !== '-' && kind !== '+')
      throw new PatchSyntaxError(
        `hunk '${header}' has a line that is neither context, removal nor addition`,
        index + 1,
      );
    if (kind !== '+') oldLeft--;
    if (kind !== '-') newLeft--;
    if (oldLeft < 0 || newLeft < 0)
      throw new PatchSyntaxError(`hunk '${header}' has more lines than its header counts`, index + 1);
    hunk.lines.push({ kind, text: line.slice(1) });
  }
  // `\ No newline at end of file` after the last line belongs to this hunk.
  if (lines[index + 1]?.startsWith('\\')) index++;
  patch.hunks.push(hunk);
  return index;
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** `a/drivers/x.c b/drivers/x.c` (or quoted forms): the paths of a binary patch, which has no ---/+++ lines. */
function gitHeaderPaths(rest: string): { oldPath: string | null; newPath: string | null } {
  const quoted = /^("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)$/.exec(rest);
  if (!quoted) return { oldPath: null, newPath: null };
  return { oldPath: headerPath(quoted[1]!, 'a/'), newPath: headerPath(quoted[2]!, 'b/') };
}

/** A ---/+++ path: unquoted, without a timestamp after a tab and without git's prefix; /dev/null is null. */
function headerPath(field: string, prefix: string): string | null {
  let path = field.startsWith('"') ? unquote(field) : field.split('\t')[0]!.trimEnd();
  if (path === '/dev/null') return null;
  if (path.startsWith(prefix)) path = path.slice(prefix.length);
  return path;
}

/** git's C-style quoting of unusual paths (core.quotePath): escapes and octal bytes, decoded as UTF-8. */
function unquote(field: string): string {
  const body = field.replace(/^"|"\s*(\t.*)?$/g, '');
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '"': 34, '\\': 92 };
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const octal = /^[0-7]{3}/.exec(body.slice(index + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      index += 3;
    } else {
      bytes.push(escapes[body[index + 1]!] ?? body.charCodeAt(index + 1));
      index++;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
