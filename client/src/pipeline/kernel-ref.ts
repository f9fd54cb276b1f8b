// A stage's kernel reference (`kernel/dma/mapping.c:dma_map_page_attrs`) as a place in a kernel tree: the
// file, and the line where the function is defined. Kernel style starts a definition at column 0 and its
// parameter list is followed by `{` (a prototype's by `;`); a macro is `#define name(`. No vscode.

export interface KernelRef {
  /** The file relative to the top of the tree, e.g. `kernel/dma/mapping.c`. */
  path: string;
  /** The function, or null when the reference names only a file. */
  fn: string | null;
}

const REF =
  /^((?:arch|block|drivers|fs|include|kernel|lib|mm|net|virt)\/[A-Za-z0-9_./-]+?)(?::([A-Za-z_][A-Za-z0-9_]*))?(?:$|[\s,(])/;

/** The file and function of a reference, or null when it does not name a file of the kernel tree. */
export function parseKernelRef(ref: string): KernelRef | null {
  const match = REF.exec(ref);
  if (!match || match[1]!.split('/').includes('..')) return null;
  return { path: match[1]!, fn: match[2] ?? null };
}

/** The zero-based line that defines `fn` in `text`, or 0 when none does. */
export function definitionLine(text: string, fn: string): number {
  const call = new RegExp(`\\b${fn}\\s*\\(`);
  const lines = text.split('\n');
  let macro = -1;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (!call.test(line)) continue;
    if (line.startsWith('#')) {
      if (macro < 0 && new RegExp(`^#\\s*define\\s+${fn}\\(`).test(line)) macro = index;
      continue;
    }
    if (/^[A-Za-z_]/.test(line) && opensBody(lines, index)) return index;
  }
  return Math.max(macro, 0);
}

/**
 * Whether the declaration starting on line `start` goes on to a body: after its parameter list comes `{`
 * (a definition), not `;` (a prototype, which may span several lines).
 */
function opensBody(lines: readonly string[], start: number): boolean {
  let depth = 0;
  for (const line of lines.slice(start, start + MAX_DECLARATION_LINES))
    for (const char of line) {
      if (char === '(') depth++;
      else if (char === ')') depth--;
      else if (depth === 0 && char === ';') return false;
      else if (depth === 0 && char === '{') return true;
    }
  return false;
}

const MAX_DECLARATION_LINES = 40;
