// The kernel's MAINTAINERS file as a map from a source path to the entry that maintains it. An entry is a
// title line followed by tagged lines; `F:` lines name files, directories (ending in `/`: everything below)
// and globs (`*` and `?` within one path component). Where several entries match, the one with the longest
// pattern is the most specific, as scripts/get_maintainer.pl prefers. `X:` excludes a path from its entry.
// No vscode: unit-tested.

interface MaintainersEntry {
  title: string;
  files: string[];
  excluded: string[];
}

/** A pattern ready to test, found by the first component of the paths it can match. */
interface Pattern {
  title: string;
  length: number;
  excludes: boolean;
  matches: (path: string) => boolean;
}

/** The entries of a MAINTAINERS file, indexed for many lookups (a kernel tree has some 20,000 F: lines). */
export class Maintainers {
  private readonly byTop = new Map<string, Pattern[]>();
  private readonly known = new Map<string, string | null>();

  constructor(entries: readonly MaintainersEntry[]) {
    for (const entry of entries)
      for (const [list, excludes] of [
        [entry.files, false],
        [entry.excluded, true],
      ] as const)
        for (const pattern of list) {
          // A pattern whose first component is a glob can match under any top directory.
          const top = /[*?]/.test(pattern.split('/')[0]!) ? '*' : pattern.split('/')[0]!;
          const bucket = this.byTop.get(top) ?? [];
          this.byTop.set(top, bucket);
          bucket.push({ title: entry.title, length: pattern.length, excludes, matches: matcher(pattern) });
        }
  }

  get size(): number {
    return this.byTop.size;
  }

  /** The entry maintaining `path` (relative to the tree, with `/`), or null when none names it. */
  of(path: string): string | null {
    let known = this.known.get(path);
    if (known === undefined) this.known.set(path, (known = this.find(path)));
    return known;
  }

  private find(path: string): string | null {
    const candidates = [...(this.byTop.get(path.split('/')[0]!) ?? []), ...(this.byTop.get('*') ?? [])];
    const excluded = new Set(
      candidates.filter((item) => item.excludes && item.matches(path)).map((item) => item.title),
    );
    let best: Pattern | null = null;
    for (const item of candidates)
      if (!item.excludes && !excluded.has(item.title) && item.matches(path) && (!best || item.length > best.length))
        best = item;
    return best?.title ?? null;
  }
}

export function parseMaintainers(text: string): Maintainers {
  const entries: MaintainersEntry[] = [];
  let current: MaintainersEntry | null = null;
  for (const line of text.split('\n')) {
    const tagged = /^([A-Z]):\s*(\S+)/.exec(line);
    if (tagged && current) {
      if (tagged[1] === 'F') current.files.push(tagged[2]!);
      else if (tagged[1] === 'X') current.excluded.push(tagged[2]!);
    } else if (line.trim() === '') current = null;
    else if (!tagged && !current && /^[^\s]/.test(line)) {
      current = { title: line.trim(), files: [], excluded: [] };
      entries.push(current);
    }
  }
  return new Maintainers(entries.filter((entry) => entry.files.length > 0));
}

/** A MAINTAINERS pattern as a test: a directory covers what is below it, a glob one component each. */
function matcher(pattern: string): (path: string) => boolean {
  if (pattern.endsWith('/')) return (path) => path.startsWith(pattern);
  if (!/[*?]/.test(pattern)) return (path) => path === pattern || path.startsWith(`${pattern}/`);
  // A glob matches files in its own directory only (get_maintainer.pl's file_match_pattern).
  const expression = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  const glob = new RegExp(`^${expression}$`);
  return (path) => glob.test(path);
}
