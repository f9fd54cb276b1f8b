// Which boards include a device-tree file, and which files hold a compatible string, over the .dts/.dtsi/.dtso
// sources of one kernel tree (arch/*/boot/dts) or, outside a kernel tree, of one folder. A .dtsi means
// nothing on its own (its nodes are enabled and its /dts-v1/ given by the boards that include it), so the
// editor resolves a board that includes it; a driver's compatibles lead to the boards that use the driver.
// The index reads each source once and keeps only its include lines; compatible searches read the texts
// again through the same file list, so the index itself stays small.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** #include "x", #include <x> and dtc's /include/ "x". */
const INCLUDE_LINE = /^[ \t]*(?:#[ \t]*include[ \t]*[<"]([^>"\n]+)[>"]|\/include\/[ \t]*"([^"\n]+)")/gm;

/** Device-tree sources bigger than this are not indexed (the largest 6.1 .dtsi is under 300 KiB). */
const MAX_SOURCE_BYTES = 4 << 20;

export function canonicalPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export class DtsIncludeIndex {
  /** Every source, by canonical path. */
  readonly sources: string[] = [];
  /** Canonical path → the canonical paths of the files that include it. */
  private readonly includedBy = new Map<string, Set<string>>();
  /** `dir\0name` → the file it resolves to: most boards include the same binding headers. */
  private readonly resolved = new Map<string, string | null>();

  /**
   * `root`: the kernel tree (its arch/{arch}/boot/dts folders and include prefixes are used), or a plain
   * folder whose sources include each other by relative paths.
   */
  constructor(
    private readonly root: string,
    private readonly kernelTree: boolean,
  ) {
    const folders = kernelTree ? archDtsFolders(root) : [root];
    for (const folder of folders) collectSources(folder, this.sources, 0);
    for (const source of this.sources) this.indexIncludes(source);
  }

  /** Boards (.dts) that include the file directly or through other files, nearest first. */
  boardsIncluding(file: string): string[] {
    const start = canonicalPath(file);
    const boards: string[] = [];
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length) {
      const current = queue.shift()!;
      for (const parent of [...(this.includedBy.get(current) ?? [])].sort()) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        if (parent.endsWith('.dts')) boards.push(parent);
        queue.push(parent);
      }
    }
    return boards;
  }

  /** For each literal, the sources whose text holds it as a string (`"brcm,bcm2711-genet-v5"`); one read per source. */
  filesWithStrings(literals: readonly string[]): Map<string, string[]> {
    const found = new Map(literals.map((literal) => [literal, [] as string[]]));
    for (const source of this.sources) {
      const text = readText(source);
      if (text === null) continue;
      for (const literal of literals) if (text.includes(`"${literal}"`)) found.get(literal)!.push(source);
    }
    return found;
  }

  private indexIncludes(source: string): void {
    const text = readText(source);
    if (text === null) return;
    for (const match of text.matchAll(INCLUDE_LINE)) {
      const name = match[1] ?? match[2]!;
      const target = this.resolveInclude(name, source);
      if (!target) continue;
      let parents = this.includedBy.get(target);
      if (!parents) this.includedBy.set(target, (parents = new Set()));
      parents.add(source);
    }
  }

  private resolveInclude(name: string, from: string): string | null {
    const dirs = [dirname(from)];
    if (this.kernelTree) dirs.push(join(this.root, 'scripts', 'dtc', 'include-prefixes'));
    for (const dir of dirs) {
      const key = `${dir}\0${name}`;
      let found = this.resolved.get(key);
      if (found === undefined) {
        const candidate = join(dir, name);
        found = existsSync(candidate) ? canonicalPath(candidate) : null;
        this.resolved.set(key, found);
      }
      if (found) return found;
    }
    return null;
  }
}

function archDtsFolders(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(root, 'arch'));
  } catch {
    return [];
  }
  return names.map((name) => join(root, 'arch', name, 'boot', 'dts')).filter((folder) => existsSync(folder));
}

/** Depth bound: arch/arm64/boot/dts/vendor/ is two levels; a symlink loop must not recurse for ever. */
const MAX_DEPTH = 6;

function collectSources(folder: string, into: string[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) collectSources(path, into, depth + 1);
    else if (entry.isFile() && /\.(dts|dtsi|dtso)$/.test(entry.name)) into.push(canonicalPath(path));
  }
}

function readText(path: string): string | null {
  try {
    if (statSync(path).size > MAX_SOURCE_BYTES) return null;
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
