// Where `dmalens scan --diff ARG` gets its change and both versions of each changed file: `-` is a patch on
// standard input, an existing file is a patch file (`git format-patch` mail or a plain diff), anything else
// is a git revision (the change from it to the working tree) or range (`A..B`, `A...B`: the change between
// commits). A patch is checked whether or not it has been applied to the working tree: the tree's text is
// matched against each hunk's new side, then its old side.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { DEFAULT_EXTENSIONS } from '../batch/scan-tree';
import { applyForward, applyReverse, HunkMismatch, patchedText, toPatchedLines, type PatchedLine } from './apply-hunks';
import { parseUnifiedDiff, PatchSyntaxError, type FilePatch } from './unified-diff';

export interface ChangedFile {
  /** Absolute path of the file's new version in the tree (where it is, or would be once applied). */
  path: string;
  /** The old version's text; empty for a file the change adds. */
  oldText: string;
  /** The new version, line by line, with the lines the change adds or touches marked. */
  newLines: PatchedLine[];
}

export interface UnusableFile {
  path: string;
  problem: string;
}

export interface PatchChange {
  files: (ChangedFile | UnusableFile)[];
  /** Lines the change adds to C sources, as checkpatch counts the lines it checked. */
  addedLines: number;
}

export class PatchSourceError extends Error {}

/** Reads the change ARG names, relative to `cwd`; stdin is read only for `-`. */
export function readChange(arg: string, cwd: string, readStdin: () => string): PatchChange {
  if (arg === '-' || (existsSync(resolve(cwd, arg)) && statSync(resolve(cwd, arg)).isFile())) {
    const text = arg === '-' ? readStdin() : readFileSync(resolve(cwd, arg), 'utf8');
    const root = gitRoot(cwd) ?? cwd;
    return changeOf(parse(text, arg === '-' ? 'standard input' : arg), root, () => null);
  }
  // git would read a leading dash as one of its own options (`--output=FILE` writes a file).
  if (arg.startsWith('-')) throw new PatchSourceError(`'${arg}' is neither a patch file nor a git revision`);
  const root = gitRoot(cwd);
  if (!root)
    throw new PatchSourceError(
      `'${arg}' is neither a patch file nor a git revision: ${cwd} is not in a git repository`,
    );
  const range = /^(.*?)(\.\.\.?)(.*)$/.exec(arg);
  const target = range ? range[3] || 'HEAD' : null;
  const diff = git(
    root,
    ['diff', '--no-color', '--no-ext-diff', '--src-prefix=a/', '--dst-prefix=b/', '-M', arg, '--'],
    arg,
  );
  // Without a range the change ends at the working tree, whose files are its new side as they are.
  const newSide = (path: string) =>
    target === null ? null : git(root, ['show', `${target}:${path}`], `${target}:${path}`);
  return changeOf(parse(diff, `git diff ${arg}`), root, newSide);
}

function parse(text: string, source: string): FilePatch[] {
  try {
    return parseUnifiedDiff(text);
  } catch (error) {
    if (error instanceof PatchSyntaxError) throw new PatchSourceError(`${source}: ${error.message}`);
    throw error;
  }
}

/** The C files of the patches, each once with all its hunks in order (a series may change a file twice). */
function changeOf(patches: FilePatch[], root: string, newSide: (path: string) => string | null): PatchChange {
  const byFile = new Map<string, FilePatch[]>();
  for (const patch of patches) {
    const path = patch.newPath;
    // A deleted file has nothing left to check; binary patches and other languages are not C.
    if (path === null || patch.binary || !DEFAULT_EXTENSIONS.includes(extname(path))) continue;
    byFile.set(path, [...(byFile.get(path) ?? []), patch]);
  }
  const files: PatchChange['files'] = [];
  let addedLines = 0;
  for (const [path, filePatches] of byFile) {
    const absolute = resolve(root, path);
    const file = versionsOf(absolute, filePatches, newSide(path));
    files.push(file);
    if ('newLines' in file) addedLines += file.newLines.filter((line) => line.added).length;
  }
  return { files, addedLines };
}

/**
 * Both versions of one file. With its new side known (a revision range), the old side is the hunks taken
 * back out of it. Otherwise the working tree's file is the new side when every hunk is in it (a change
 * from a revision, or an applied patch), and the old side when every hunk applies to it.
 */
function versionsOf(path: string, patches: FilePatch[], knownNewText: string | null): ChangedFile | UnusableFile {
  const hunksInOrder = patches.map((patch) => patch.hunks);
  const created = patches[0]!.oldPath === null;
  const treeText = knownNewText ?? (existsSync(path) ? readFileSync(path, 'utf8') : created ? '' : null);
  if (treeText === null) return { path, problem: 'not in the working tree, and the patch does not create it' };
  let oldLines: PatchedLine[] | null = null;
  let failure: HunkMismatch | null = null;
  try {
    oldLines = [...hunksInOrder].reverse().reduce(applyReverse, toPatchedLines(treeText));
  } catch (error) {
    if (!(error instanceof HunkMismatch) || knownNewText !== null) throw error;
    failure = error;
  }
  if (!oldLines) {
    try {
      applyAll(toPatchedLines(treeText), hunksInOrder);
      oldLines = toPatchedLines(treeText);
    } catch (error) {
      if (!(error instanceof HunkMismatch)) throw error;
      return {
        path,
        problem: `the patch does not match the working tree's file, applied or not (${failure?.message ?? error.message})`,
      };
    }
  }
  return { path, oldText: patchedText(oldLines), newLines: applyAll(oldLines, hunksInOrder) };
}

function applyAll(lines: PatchedLine[], hunksInOrder: FilePatch['hunks'][]): PatchedLine[] {
  return hunksInOrder.reduce(applyForward, lines);
}

function gitRoot(cwd: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/** Runs git in the repository; its own message is the error when it fails (an unknown revision, say). */
function git(root: string, args: string[], what: string): string {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new PatchSourceError(`git could not read '${what}': ${stderr || (error as Error).message}`);
  }
}
