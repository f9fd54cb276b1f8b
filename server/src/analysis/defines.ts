// Object-like `#define NAME value` constants of one file, found lexically so that region parsing (which never
// sees the whole tree) resolves the same sizes as a full parse. A name defined twice with different texts
// (e.g. in #ifdef branches) is ambiguous and therefore unknown.
/** The definition on the line starting at `lastIndex` (sticky); `$` is the end of that line. */
const DEFINE_AT = /[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^\n]*)$/my;

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
    // Only lines holding `define` after a `#` that begins the line can match. Finding those with indexOf and
    // matching there costs a fraction of a multiline pattern tried at every line start of the file.
    // A match runs to the next `\n`, past any lone `\r`: a line it swallowed is not matched again.
    let matchedUpTo = 0;
    for (let at = this.text.indexOf('define'); at !== -1; at = this.text.indexOf('define', at + 6)) {
      const lineStart = directiveLineStart(this.text, at);
      if (lineStart === null || lineStart < matchedUpTo) continue;
      DEFINE_AT.lastIndex = lineStart;
      const match = DEFINE_AT.exec(this.text);
      if (!match) continue;
      matchedUpTo = DEFINE_AT.lastIndex;
      const body = stripComments(match[2]!).trim();
      if (body === '' || body.endsWith('\\')) continue;
      const name = match[1]!;
      const previous = table.get(name);
      table.set(name, previous === undefined || previous === body ? body : null);
    }
    this.table = table;
    return table;
  }
}

/** Characters that end a line for `^` and `$` in a multiline pattern. */
const LINE_TERMINATORS = new Set(['\n', '\r', '\u2028', '\u2029']);

/**
 * The start of the line when only blanks and a `#` (with blanks around it) stand before `at` on it, as in
 * `#define` or `  # define`; otherwise null.
 */
function directiveLineStart(text: string, at: number): number | null {
  let index = at;
  while (index > 0 && (text[index - 1] === ' ' || text[index - 1] === '\t')) index--;
  if (text[index - 1] !== '#') return null;
  index--;
  while (index > 0 && (text[index - 1] === ' ' || text[index - 1] === '\t')) index--;
  return index === 0 || LINE_TERMINATORS.has(text[index - 1]!) ? index : null;
}

function stripComments(text: string): string {
  return text.replace(/\/\*.*?(\*\/|$)/g, ' ').replace(/\/\/.*$/, '');
}
