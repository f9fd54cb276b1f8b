// Finds where JSON text stops being valid, for error messages that say "line L, column C". Node's
// JSON.parse reports a position only for some errors, so the CLI locates the first bad character itself.

/** Offset of the first syntax error, or null when the text is valid JSON. */
export function jsonErrorOffset(text: string): number | null {
  let pos = 0;
  const space = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos] as string)) pos++;
  };
  const fail = (): never => {
    throw pos;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, pos)) pos += word.length;
    else fail();
  };
  const string = () => {
    pos++;
    while (pos < text.length && text[pos] !== '"') {
      if ((text.charCodeAt(pos) as number) < 0x20) fail();
      if (text[pos] === '\\') {
        pos++;
        if (text[pos] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 1, pos + 5))) fail();
          pos += 4;
        } else if (!'"\\/bfnrt'.includes(text[pos] ?? 'x')) fail();
      }
      pos++;
    }
    if (pos >= text.length) fail();
    pos++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(pos));
    if (!match || match[0] === '' || match[0] === '-') fail();
    pos += match![0].length;
  };
  const value = (): void => {
    space();
    const ch = text[pos];
    if (ch === '{') {
      pos++;
      space();
      if (text[pos] === '}') return void pos++;
      for (;;) {
        space();
        if (text[pos] !== '"') fail();
        string();
        space();
        if (text[pos] !== ':') fail();
        pos++;
        value();
        space();
        if (text[pos] === ',') pos++;
        else if (text[pos] === '}') return void pos++;
        else fail();
      }
    }
    if (ch === '[') {
      pos++;
      space();
      if (text[pos] === ']') return void pos++;
      for (;;) {
        value();
        space();
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') return void pos++;
        else fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    fail();
  };
  try {
    value();
    space();
    return pos < text.length ? pos : null;
  } catch (offset) {
    return offset as number;
  }
}

/** `line L, column C` (both from 1) of an offset. */
export function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}
