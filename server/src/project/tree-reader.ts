// How the project model reads a kernel tree: through this interface only, with paths relative to the
// tree's root and `/` between names, so that the model itself stays pure and testable on texts in memory.
// The server and the CLI hand it a reader over the file system; tests hand it a map.

export interface TreeReader {
  /** The text of the file, or null when it does not exist or cannot be read. */
  read(path: string): string | null;
}

/** A reader over texts held in memory, for tests and for open editor buffers. */
export function memoryReader(files: Readonly<Record<string, string>>): TreeReader {
  return { read: (path) => files[path] ?? null };
}

/** `a/b/../c` → `a/c`; null when the path climbs above the root. */
export function normalizePath(path: string): string | null {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function joinPath(dir: string, name: string): string | null {
  return normalizePath(dir ? `${dir}/${name}` : name);
}
