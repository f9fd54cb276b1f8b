// Which kernel tree a source file belongs to. A directory is the root of a kernel tree when it holds the
// top-level Kconfig, an arch/ folder and a scripts/ folder, the three things every Linux tree has at its
// top and no subsystem folder has together. Answers are memoised per directory, so a whole-tree scan asks
// the file system once per directory.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class TreeRoots {
  private readonly rootOf = new Map<string, string | null>();

  /** The root of the kernel tree holding `file` (an absolute path), or null outside any kernel tree. */
  find(file: string): string | null {
    return this.rootOfDirectory(dirname(file));
  }

  private rootOfDirectory(directory: string): string | null {
    const known = this.rootOf.get(directory);
    if (known !== undefined) return known;
    const parent = dirname(directory);
    const root = isTreeRoot(directory) ? directory : parent === directory ? null : this.rootOfDirectory(parent);
    this.rootOf.set(directory, root);
    return root;
  }
}

function isTreeRoot(directory: string): boolean {
  return (
    isFile(join(directory, 'Kconfig')) &&
    isDirectory(join(directory, 'arch')) &&
    isDirectory(join(directory, 'scripts'))
  );
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
