// Object-like `#define NAME value` constants of one file, found lexically so that region parsing (which never
// sees the whole tree) resolves the same sizes as a full parse. A name defined twice with different texts
// (e.g. in #ifdef branches) is ambiguous and therefore unknown.
const DEFINE_LINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^\n]*)$/gm;

export class FileDefines {
  private table: Map<string, string | null> | null = null;

  constructor(private readonly text: string) {}

  /** The replacement text of an object-like macro, or undefined when there is none or it is ambiguous. */
  lookup(name: string): string | undefined {
    const value = this.load().get(name);
    return value ?? undefined;
  }

  private load(): Map<string, string | null> {
    if (this.table) return this.table;
    const table = new Map<string, string | null>();
    // Only lines that contain `define` can match; skipping the regex on define-free files keeps this cheap.
    if (this.text.includes('define')) {
      for (const match of this.text.matchAll(DEFINE_LINE)) {
        const body = stripComments(match[2]!).trim();
        if (body === '' || body.endsWith('\\')) continue;
        const name = match[1]!;
        const previous = table.get(name);
        table.set(name, previous === undefined || previous === body ? body : null);
      }
    }
    this.table = table;
    return table;
  }
}

function stripComments(text: string): string {
  return text.replace(/\/\*.*?(\*\/|$)/g, ' ').replace(/\/\/.*$/, '');
}
