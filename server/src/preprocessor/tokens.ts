// Preprocessing tokens (C11 6.4), as cpp sees them in C and in `-x assembler-with-cpp` mode (device trees):
// identifiers, pp-numbers, string and character literals, punctuators. Comments count as whitespace; a
// backslash-newline joins lines. Offsets index the text the tokens came from, so everything built from them
// points back to where it was written.

export type PpTokenKind = 'ident' | 'number' | 'string' | 'char' | 'punct' | 'newline';

export interface PpToken {
  kind: PpTokenKind;
  text: string;
  /** Offsets in the text the token came from. */
  start: number;
  end: number;
  /** Whitespace or a comment stands between this token and the previous one on the logical line. */
  space: boolean;
}

/** Punctuators of more than one character, longest first; the rest are single characters. */
const MULTI_PUNCT = ['...', '<<=', '>>=', '##', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '->', '++', '--'];

const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$]/;
const DIGIT = /[0-9]/;

/** Splits a text into tokens; `newline` tokens end each logical line (a backslash-newline does not). */
export function tokenize(text: string): PpToken[] {
  const tokens: PpToken[] = [];
  let at = 0;
  let space = false;
  const length = text.length;
  while (at < length) {
    const char = text[at]!;
    if (char === '\n') {
      tokens.push({ kind: 'newline', text: '\n', start: at, end: at + 1, space });
      space = false;
      at++;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r' || char === '\f' || char === '\v') {
      space = true;
      at++;
      continue;
    }
    if (char === '\\' && (text[at + 1] === '\n' || (text[at + 1] === '\r' && text[at + 2] === '\n'))) {
      at += text[at + 1] === '\n' ? 2 : 3;
      space = true;
      continue;
    }
    if (char === '/' && text[at + 1] === '*') {
      const close = text.indexOf('*/', at + 2);
      at = close < 0 ? length : close + 2;
      space = true;
      continue;
    }
    if (char === '/' && text[at + 1] === '/') {
      at = lineCommentEnd(text, at);
      space = true;
      continue;
    }
    const start = at;
    let kind: PpTokenKind;
    if (IDENT_START.test(char)) {
      at++;
      while (at < length && IDENT_PART.test(text[at]!)) at++;
      kind = 'ident';
    } else if (DIGIT.test(char) || (char === '.' && DIGIT.test(text[at + 1] ?? ''))) {
      at = ppNumberEnd(text, at);
      kind = 'number';
    } else if (char === '"' || char === "'") {
      const end = quotedEnd(text, at, char);
      // An unmatched quote is a lone character in assembler-with-cpp mode, not an error.
      if (end < 0) {
        at++;
        kind = 'punct';
      } else {
        at = end;
        kind = char === '"' ? 'string' : 'char';
      }
    } else {
      const multi = MULTI_PUNCT.find((punct) => text.startsWith(punct, at));
      at += multi ? multi.length : 1;
      kind = 'punct';
    }
    tokens.push({ kind, text: text.slice(start, at), start, end: at, space });
    space = false;
  }
  return tokens;
}

/** A `//` comment runs to the end of the line, continued by a backslash-newline. */
function lineCommentEnd(text: string, at: number): number {
  for (;;) {
    const newline = text.indexOf('\n', at);
    if (newline < 0) return text.length;
    let before = newline - 1;
    if (text[before] === '\r') before--;
    if (text[before] !== '\\') return newline;
    at = newline + 1;
  }
}

/** pp-number: a digit (or `.digit`) followed by digits, letters, `_`, `.` and exponent signs. */
function ppNumberEnd(text: string, at: number): number {
  at++;
  while (at < text.length) {
    const char = text[at]!;
    if ((char === '+' || char === '-') && /[eEpP]/.test(text[at - 1]!)) at++;
    else if (/[A-Za-z0-9_.]/.test(char)) at++;
    else break;
  }
  return at;
}

/** The offset after the closing quote, or -1 when the line ends first. */
function quotedEnd(text: string, at: number, quote: string): number {
  for (let index = at + 1; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') index++;
    else if (char === quote) return index + 1;
    else if (char === '\n') return -1;
  }
  return -1;
}

/** The value of a character literal as cpp and dtc read it ('a' = 97, '\n' = 10, '\x41' = 65), or null. */
export function charLiteralValue(literal: string): number | null {
  const body = literal.slice(1, -1);
  if (body.length === 1) return body.charCodeAt(0);
  if (body[0] !== '\\' || body.length < 2) return null;
  const escapes: Record<string, number> = {
    n: 10,
    t: 9,
    r: 13,
    a: 7,
    b: 8,
    f: 12,
    v: 11,
    '\\': 92,
    "'": 39,
    '"': 34,
    '?': 63,
  };
  const simple = escapes[body[1]!];
  if (simple !== undefined && body.length === 2) return simple;
  if (body[1] === 'x' && /^[0-9a-fA-F]{1,2}$/.test(body.slice(2))) return parseInt(body.slice(2), 16);
  if (/^[0-7]{1,3}$/.test(body.slice(1))) return parseInt(body.slice(1), 8) & 0xff;
  return null;
}
