// Lexical helpers over C text: the argument list of a call (balanced, aware of strings, characters and
// comments) and skipping white space. Used for calls the grammar
// could not shape into a call_expression and for argument texts in general, so that every path reports
// arguments the same way.

export interface ArgumentText {
  text: string;
  start: number;
  end: number;
}

export interface ArgumentList {
  /** Offset of the closing parenthesis. */
  close: number;
  args: ArgumentText[];
}

/** Longest argument list scanned before giving up (an unbalanced parenthesis must not scan a whole file). */
const MAX_ARGUMENT_SCAN = 8000;

/** Splits the argument list whose `(` is at `open` into top-level arguments; null if it does not close. */
export function scanArguments(text: string, open: number): ArgumentList | null {
  if (text[open] !== '(') return null;
  const limit = Math.min(text.length, open + MAX_ARGUMENT_SCAN);
  const args: ArgumentText[] = [];
  let depth = 0;
  let argStart = open + 1;
  for (let at = open; at < limit; at++) {
    const char = text[at]!;
    if (char === '"' || char === "'") {
      at = skipLiteral(text, at, limit);
      continue;
    }
    if (char === '/' && text[at + 1] === '*') {
      const end = text.indexOf('*/', at + 2);
      if (end < 0 || end > limit) return null;
      at = end + 1;
      continue;
    }
    if (char === '/' && text[at + 1] === '/') {
      const end = text.indexOf('\n', at);
      if (end < 0) return null;
      at = end;
      continue;
    }
    if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') {
      depth--;
      if (depth === 0) {
        if (char !== ')') return null;
        pushArgument(text, argStart, at, args);
        return { close: at, args };
      }
      if (depth < 0) return null;
    } else if (char === ',' && depth === 1) {
      pushArgument(text, argStart, at, args);
      argStart = at + 1;
    } else if (char === ';' && depth === 1) return null;
  }
  return null;
}

function pushArgument(text: string, start: number, end: number, args: ArgumentText[]): void {
  const raw = text.slice(start, end);
  const leading = raw.length - raw.trimStart().length;
  const trimmed = raw.trim();
  // `f()` has no arguments, not one empty argument.
  if (trimmed === '' && args.length === 0 && text[end] === ')') return;
  args.push({ text: normaliseArgument(trimmed), start: start + leading, end: start + leading + trimmed.length });
}

/** Joins macro continuation lines and collapses whitespace, so that texts compare equal across formatting. */
export function normaliseArgument(text: string): string {
  return text
    .replace(/\\\r?\n/g, ' ')
    .replace(/\/\*[^]*?\*\//g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The closing quote (or the line break) of the literal opened at `open`, or `limit` when neither comes first. */
export function skipLiteral(text: string, open: number, limit: number): number {
  const quote = text[open];
  for (let at = open + 1; at < limit; at++) {
    const char = text[at];
    if (char === '\\') at++;
    else if (char === quote || char === '\n') return at;
  }
  return limit;
}

/** Skips spaces, tabs, newlines and macro continuations forward from `from`. */
export function skipSpaceForward(text: string, from: number): number {
  let at = from;
  while (at < text.length && (/\s/.test(text[at]!) || (text[at] === '\\' && /[\r\n]/.test(text[at + 1] ?? '')))) at++;
  return at;
}

/** Skips whitespace backwards; returns the index of the last non-space character before `from`, or -1. */
export function skipSpaceBackward(text: string, from: number): number {
  let at = from - 1;
  while (at >= 0 && /\s/.test(text[at]!)) at--;
  return at;
}
