// Exclude patterns for the tree walk. Users write the globs they know from .gitignore and VS Code's
// files.exclude, so the rules follow those: `**` crosses directories, `*` and `?` stay inside one name,
// `{a,b}` is an alternative, and a pattern without a slash matches a name at any depth.

/** A compiled exclude list: `matches(relativePath)` with '/'-separated paths relative to a scan root. */
export interface ExcludeMatcher {
  matches(relativePath: string): boolean;
}

export function compileExcludes(patterns: readonly string[]): ExcludeMatcher {
  const regexes = patterns.map(globToRegExp);
  return { matches: (relativePath) => regexes.some((regex) => regex.test(relativePath)) };
}

/** Converts one glob to an anchored regular expression over a relative path. */
export function globToRegExp(pattern: string): RegExp {
  let glob = pattern.trim().replace(/\\/g, '/');
  if (glob.startsWith('./')) glob = glob.slice(2);
  // A trailing slash only says "directory"; directories and files are matched the same way here.
  glob = glob.replace(/\/+$/, '');
  // `dir/**` excludes the directory itself too: every pattern already covers what lies below a match.
  while (glob.endsWith('/**')) glob = glob.slice(0, -3);
  if (glob === '') throw new Error(`empty exclude pattern: '${pattern}'`);
  // Like .gitignore: a name without a slash matches at any depth.
  const anchored = glob.includes('/');
  if (glob.startsWith('/')) glob = glob.slice(1);
  const body = translate(glob);
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}(?:/.*)?$`);
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
      out += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  if (braceDepth !== 0) throw new Error(`unbalanced '{' in exclude pattern '${glob}'`);
  return out;
}
