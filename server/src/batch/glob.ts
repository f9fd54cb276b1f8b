// Exclude patterns for the tree walk. Users write the globs they know from .gitignore and VS Code's
// files.exclude, so the rules follow those: `**` crosses directories, `*` and `?` stay inside one name,
// `{a,b}` is an alternative, and a pattern without a slash matches a name at any depth.
import { escapeRegExp } from '../analysis/regexp-text';

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

export function compileExcludes(patterns: readonly string[]): ExcludeMatcher {
  const regexes = patterns.map(globToRegExp);
  const names = patterns.map(anyDepthName);
  const nameRegexes = names.flatMap((name) => (name === null ? [] : [new RegExp(`^${translate(name)}$`)]));
  const pathRegexes = regexes.filter((_, index) => names[index] === null);
  return {
    matches: (relativePath) => regexes.some((regex) => regex.test(relativePath)),
    matchesEntry: (relativePath, name) =>
      nameRegexes.some((regex) => regex.test(name)) || pathRegexes.some((regex) => regex.test(relativePath)),
  };
}

/** The name glob of a pattern that matches one name at any depth, else null (see `matchesEntry`). */
function anyDepthName(pattern: string): string | null {
  let glob = normalizedGlob(pattern);
  while (glob.startsWith('**/')) glob = glob.slice(3);
  // A slash left over anchors the pattern at the root (`/x`, `a/x`); `**` inside a name crosses directories.
  return glob === '' || glob.includes('/') || glob.includes('**') ? null : glob;
}

/** Converts one glob to an anchored regular expression over a relative path. */
export function globToRegExp(pattern: string): RegExp {
  let glob = normalizedGlob(pattern);
  if (glob === '') throw new Error(`empty exclude pattern: '${pattern}'`);
  // Like .gitignore: a name without a slash matches at any depth.
  const anchored = glob.includes('/');
  if (glob.startsWith('/')) glob = glob.slice(1);
  const body = translate(glob);
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}(?:/.*)?$`);
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

function translate(glob: string): string {
  let out = '';
  let braceDepth = 0;
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    if (char === '*') {
      if (glob[index + 1] === '*') {
        // `**/` matches zero or more directories; a bare `**` matches anything.
        const followedBySlash = glob[index + 2] === '/';
        out += followedBySlash ? '(?:.*/)?' : '.*';
        index += followedBySlash ? 2 : 1;
      } else {
        out += '[^/]*';
      }
    } else if (char === '?') {
      out += '[^/]';
    } else if (char === '{') {
      braceDepth++;
      out += '(?:';
    } else if (char === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (char === ',' && braceDepth > 0) {
      out += '|';
    } else {
      out += escapeRegExp(char);
    }
  }
  if (braceDepth !== 0) throw new Error(`unbalanced '{' in exclude pattern '${glob}'`);
  return out;
}
