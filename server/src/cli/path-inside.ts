// Whether a path lies under a directory, for the scan's printed paths, SARIF's relative URIs and the
// files a change is limited to.
import { isAbsolute, relative } from 'node:path';

/** The path relative to `root` when it lies under it ('' for `root` itself), else null. */
export function pathInside(root: string, path: string): string | null {
  const inside = relative(root, path);
  return inside.startsWith('..') || isAbsolute(inside) ? null : inside;
}
