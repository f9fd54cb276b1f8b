// Finds identifiers in C text outside comments, string and character literals. Used by the few rules
// that are about a name rather than a call (a renamed macro), so that a mention in a comment never
// produces a diagnostic.

export interface IdentifierHit {
  offset: number;
  /** The text of the line up to the identifier, for context such as `#define`. */
  linePrefix: string;
}

export function findIdentifier(text: string, name: string): IdentifierHit[] {
  const hits: IdentifierHit[] = [];
  let index = text.indexOf(name);
  if (index < 0) return hits;
  const code = maskNonCode(text);
  while (index >= 0) {
    const before = index > 0 ? code.charCodeAt(index - 1) : 32;
    const after = code.charCodeAt(index + name.length);
    if (code.startsWith(name, index) && !isIdentChar(before) && !isIdentChar(after)) {
      const lineStart = text.lastIndexOf('\n', index - 1) + 1;
      hits.push({ offset: index, linePrefix: text.slice(lineStart, index) });
    }
    index = text.indexOf(name, index + name.length);
  }
  return hits;
}

function isIdentChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** The text with comments and literals replaced by spaces (same length, newlines kept). */
export function maskNonCode(text: string): string {
  const out = text.split('');
  let index = 0;
  const blank = (from: number, to: number) => {
    for (let at = from; at < to && at < out.length; at++) if (out[at] !== '\n') out[at] = ' ';
  };
  while (index < text.length) {
    const char = text[index];
    const next = text[index + 1];
    if (char === '/' && next === '*') {
      const end = text.indexOf('*/', index + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(index, stop);
      index = stop;
    } else if (char === '/' && next === '/') {
      const end = text.indexOf('\n', index);
      const stop = end < 0 ? text.length : end;
      blank(index, stop);
      index = stop;
    } else if (char === '"' || char === "'") {
      let at = index + 1;
      while (at < text.length && text[at] !== char && text[at] !== '\n') at += text[at] === '\\' ? 2 : 1;
      blank(index, at + 1);
      index = at + 1;
    } else {
      index++;
    }
  }
  return out.join('');
}
