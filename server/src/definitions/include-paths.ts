// Where `#include` finds a header in a kernel build (the top-level Makefile's LINUXINCLUDE): `"foo.h"`
// first in the including file's directory, then, like `<foo.h>`, in arch/<arch>/include, include,
// arch/<arch>/include/uapi and include/uapi, in that order. Headers an architecture takes from
// asm-generic (its Kbuild's generic-y, generated into arch/<arch>/include/generated) are found there
// directly: `<asm/foo.h>` falls back to include/asm-generic/foo.h. Every build also includes kconfig.h
// and compiler_types.h before the file's first line.

/** Paths relative to the tree's root, in the order the compiler tries them. */
export function includeCandidates(path: string, system: boolean, includingDir: string, srcarch: string): string[] {
  const candidates: (string | null)[] = [];
  if (!system) candidates.push(join(includingDir, path));
  for (const dir of [`arch/${srcarch}/include`, 'include', `arch/${srcarch}/include/uapi`, 'include/uapi'])
    candidates.push(join(dir, path));
  const generic = /^(uapi\/)?asm\/(.+)$/.exec(path);
  if (generic) candidates.push(join(generic[1] ? 'include/uapi' : 'include', `asm-generic/${generic[2]}`));
  return candidates.flatMap((candidate) => (candidate === null ? [] : [candidate]));
}

/** The headers the kernel's Makefile forces into every file with `-include`. */
export const FORCED_INCLUDES = ['include/linux/kconfig.h', 'include/linux/compiler_types.h'];

function join(dir: string, path: string): string | null {
  const parts: string[] = [];
  for (const part of `${dir}/${path}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}
