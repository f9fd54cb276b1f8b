// Exclude patterns for the tree walk. Users write the globs they know from .gitignore and VS Code's
// files.exclude, so the rules follow those: `**` crosses directories, `*` and `?` stay inside one name,
// `{a,b}` is an alternative, and a pattern without a slash matches a name at any depth.
//
// Patterns come from workspace settings a repository can ship, so matching must stay linear whatever they
// say: a glob is compiled to a list of steps and matched by walking the set of reachable steps over the
// path, once per character (no regular expression, hence no backtracking: `****…!` or `*a*a*a*a*b` cost
// the same per character as `*.c`).

/** A compiled exclude list: `matches(relativePath)` with '/'-separated paths relative to a scan root. */
export interface ExcludeMatcher {
  matches(relativePath: string): boolean;
  /**
   * The same answer for an entry met by a walk that has checked every directory above it: a pattern for
   * one name at any depth (`out`, `*.mod.c`, with or without a leading `**` and slash) then needs only the
   * entry's own name, which over a kernel tree's 55,000 paths is several times cheaper than the whole path.
   */
  matchesEntry(relativePath: string, name: string): boolean;
}

/** A bad pattern, with the pattern and what is wrong, for a usage error or a settings message. */
export class GlobError extends Error {}

/** Alternatives one pattern may expand to through its `{a,b}` groups. */
const MAX_ALTERNATIVES = 256;

export function compileExcludes(patterns: readonly string[]): ExcludeMatcher {
  const paths: Glob[] = [];
  const names: Glob[] = [];
  const all: Glob[] = [];
  for (const pattern of patterns) {
    const name = anyDepthName(pattern);
    const compiled = compileGlob(pattern);
    all.push(...compiled);
    if (name === null) paths.push(...compiled);
    else names.push(...expandBraces(name, pattern).map((alternative) => steps(alternative, true, false)));
  }
  return {
    matches: (relativePath) => all.some((glob) => matchGlob(glob, relativePath)),
    matchesEntry: (relativePath, name) =>
      names.some((glob) => matchGlob(glob, name)) || paths.some((glob) => matchGlob(glob, relativePath)),
  };
}

/** The name glob of a pattern that matches one name at any depth, else null (see `matchesEntry`). */
function anyDepthName(pattern: string): string | null {
  let glob = normalizedGlob(pattern);
  while (glob.startsWith('**/')) glob = glob.slice(3);
  // A slash left over anchors the pattern at the root (`/x`, `a/x`); `**` inside a name crosses directories.
  return glob === '' || glob.includes('/') || glob.includes('**') ? null : glob;
}

/** One glob as steps over a relative path: anchored or at any depth, and covering what lies below a match. */
function compileGlob(pattern: string): Glob[] {
  let glob = normalizedGlob(pattern);
  if (glob === '') throw new GlobError(`empty exclude pattern: '${pattern}'`);
  // Like .gitignore: a name without a slash matches at any depth.
  const anchored = glob.includes('/');
  if (glob.startsWith('/')) glob = glob.slice(1);
  return expandBraces(glob, pattern).map((alternative) => steps(alternative, anchored, true));
}

/** The glob with `/` separators, without a leading `./`, trailing slashes or a trailing `/**`. */
function normalizedGlob(pattern: string): string {
  let glob = pattern.trim().replace(/\\/g, '/');
  if (glob.startsWith('./')) glob = glob.slice(2);
  // A trailing slash only says "directory"; directories and files are matched the same way here.
  glob = glob.replace(/\/+$/, '');
  // `dir/**` excludes the directory itself too: every pattern already covers what lies below a match.
  while (glob.endsWith('/**')) glob = glob.slice(0, -3);
  return glob;
}

/** `a{b,c{d,e}}` → `ab`, `acd`, `ace`; an unbalanced brace or too many alternatives is a GlobError. */
function expandBraces(glob: string, pattern: string): string[] {
  const open = glob.indexOf('{');
  if (open < 0) return [glob];
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let index = open; index < glob.length && close < 0; index++) {
    const char = glob[index];
    if (char === '{') depth++;
    else if (char === '}' && --depth === 0) close = index;
    else if (char === ',' && depth === 1) commas.push(index);
  }
  if (close < 0) throw new GlobError(`unbalanced '{' in exclude pattern '${pattern}'`);
  const bounds = [open, ...commas, close];
  const results: string[] = [];
  for (let index = 0; index + 1 < bounds.length; index++) {
    const choice = glob.slice(bounds[index]! + 1, bounds[index + 1]);
    for (const expanded of expandBraces(`${glob.slice(0, open)}${choice}${glob.slice(close + 1)}`, pattern)) {
      results.push(expanded);
      if (results.length > MAX_ALTERNATIVES)
        throw new GlobError(`exclude pattern '${pattern}' expands to more than ${MAX_ALTERNATIVES} alternatives`);
    }
  }
  return results;
}

/**
 * A step of a compiled glob: a character, `?` (one character of a name), `*` (any run within a name),
 * `**` (any run), `**` then `/` (any run of whole directories, or none), or the end of the pattern followed by an
 * optional `/…` (what lies below a matched directory).
 */
type Step = { kind: 'char'; char: string } | { kind: 'one' | 'name' | 'any' | 'dirs' | 'below' };
interface Glob {
  steps: readonly Step[];
  /** The whole glob when it is plain characters (`.git`, `node_modules`): a comparison answers it. */
  literal: string | null;
}

function steps(glob: string, anchored: boolean, coversBelow: boolean): Glob {
  const list = stepList(glob, anchored, coversBelow);
  const literal = list.every((step) => step.kind === 'char')
    ? list.map((step) => (step as { char: string }).char).join('')
    : null;
  return { steps: list, literal };
}

function stepList(glob: string, anchored: boolean, coversBelow: boolean): Step[] {
  const list: Step[] = anchored ? [] : [{ kind: 'dirs' }];
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    const previous = list.at(-1)?.kind;
    if (char === '*' && glob[index + 1] === '*') {
      const followedBySlash = glob[index + 2] === '/';
      index += followedBySlash ? 2 : 1;
      // Runs of wildcards are one wildcard: they match the same paths.
      if (previous !== 'any' && previous !== 'dirs') list.push({ kind: followedBySlash ? 'dirs' : 'any' });
    } else if (char === '*') {
      if (previous !== 'name' && previous !== 'any') list.push({ kind: 'name' });
    } else if (char === '?') list.push({ kind: 'one' });
    else list.push({ kind: 'char', char });
  }
  if (coversBelow) list.push({ kind: 'below' });
  return list;
}

/** Steps that may match nothing: the walk can pass them without reading a character. */
function skippable(step: Step | undefined): boolean {
  return step !== undefined && step.kind !== 'char' && step.kind !== 'one';
}

/**
 * Whether the glob matches the whole path. The state is the set of steps reachable after the characters
 * read so far (plus "inside what lies below"), so the cost is the path's length times the glob's.
 */
function matchGlob(glob: Glob, path: string): boolean {
  if (glob.literal !== null) return path === glob.literal;
  const { steps } = glob;
  const end = steps.length;
  const below = end + 1;
  let current = closure(steps, [0]);
  for (const char of path) {
    const next = new Set<number>();
    for (const at of current) {
      if (at === below) {
        next.add(below);
        continue;
      }
      const step = steps[at];
      if (!step) continue;
      switch (step.kind) {
        case 'char':
          if (step.char === char) next.add(at + 1);
          break;
        case 'one':
          if (char !== '/') next.add(at + 1);
          break;
        case 'name':
          if (char !== '/') next.add(at);
          break;
        case 'any':
          next.add(at);
          break;
        case 'dirs':
          next.add(at);
          if (char === '/') next.add(at + 1);
          break;
        case 'below':
          if (char === '/') next.add(below);
          break;
      }
    }
    if (next.size === 0) return false;
    current = closure(steps, next);
  }
  return current.has(end) || current.has(below);
}

function closure(steps: readonly Step[], states: Iterable<number>): Set<number> {
  const reached = new Set<number>();
  for (let at of states) {
    reached.add(at);
    while (skippable(steps[at])) reached.add(++at);
  }
  return reached;
}
