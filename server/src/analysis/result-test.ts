// Is an allocation's result tested in the code that follows it? Kernel code tests a result as `!x`, `!(x`,
// `x == NULL`, `0 == x`, `x < 0`, `if (x)`, `IS_ERR_OR_NULL(x)` or `x ? a : b`, with any whitespace inside `x`
// (`priv -> buf`). This runs for thousands of allocations in a whole-tree scan, each with its own lvalue,
// and a regular expression per lvalue cost more to compile than everything else the link step does; so the
// name is found in the text without whitespace and its surroundings are read directly.

/** Calls and statements whose parenthesised argument being the result counts as a test of it. */
const TEST_WORDS = ['if', 'while', 'WARN_ON', 'WARN_ON_ONCE', 'unlikely', 'likely', 'IS_ERR_OR_NULL', 'IS_ERR'];

const UNICODE_SPACE = /\s/;

/** Whitespace exactly as the regular expression `\s` counts it. */
function isSpace(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return UNICODE_SPACE.test(text[index]!);
}

/** The first index at or after `index` that is not whitespace. */
function skipSpace(text: string, index: number): number {
  while (index < text.length && isSpace(text, index)) index++;
  return index;
}

/** The index just after the last non-whitespace character before `index`. */
function skipSpaceBack(text: string, index: number): number {
  while (index > 0 && isSpace(text, index - 1)) index--;
  return index;
}

/** `x` may not continue as a longer expression (`!x->field`, `!x[i]`, `!x.y`, `!xy`) for `!x` to test it. */
const CONTINUES_EXPRESSION = /[\w[.>-]/;

/**
 * True when `after` tests `lvalue`. `lvalue` is compared without whitespace, and whitespace may sit between
 * any two of its characters in `after`.
 */
export function isResultTested(after: string, lvalue: string): boolean {
  const name = lvalue.replace(/\s+/g, '');
  if (name.length === 0) return false;
  const squeezed = after.replace(/\s+/g, '');
  for (let at = squeezed.indexOf(name); at !== -1; at = squeezed.indexOf(name, at + 1)) {
    const start = nonSpaceIndex(after, at, 0);
    const last = nonSpaceIndex(after, name.length - 1, start);
    if (testedAt(after, start, last + 1)) return true;
  }
  return false;
}

/**
 * The index in `text` of the `nth` non-whitespace character at or after `from` (counting from 0); it
 * exists because the whitespace-free text holds it. Occurrences are few, so each is found by walking the
 * window rather than by building a table of offsets for every window.
 */
function nonSpaceIndex(text: string, nth: number, from: number): number {
  let counted = 0;
  let index = from;
  for (;;) {
    if (!isSpace(text, index)) {
      if (counted === nth) return index;
      counted++;
    }
    index++;
  }
}

/** Is the occurrence of the result at [start, end) of `text` a test of it? */
function testedAt(text: string, start: number, end: number): boolean {
  const next = skipSpace(text, end);
  const following = text[next];
  // x == y, x != y, x <= y, x >= y, x < y, x > y
  if (following === '<' || following === '>' || ((following === '=' || following === '!') && text[next + 1] === '='))
    return true;
  // x ? a : b, (x) ? a : b
  if (following === '?' || (following === ')' && text[skipSpace(text, next + 1)] === '?')) return true;
  const before = skipSpaceBack(text, start);
  const preceding = text[before - 1];
  // !x, !(x
  if (negates(text, before) && !CONTINUES_EXPRESSION.test(text[end] ?? '')) return true;
  // 0 == x, NULL != x, 0 >= x (the constant first, as some drivers write it); not `->` or `=` alone
  if (comparedFromLeft(text, before)) return true;
  // if (x), IS_ERR_OR_NULL(x), unlikely(x)
  if (preceding === '(' && following === ')') {
    const word = skipSpaceBack(text, before - 1);
    return TEST_WORDS.some((candidate) => text.endsWith(candidate, word));
  }
  return false;
}

/** Is there a comparison operator (`==`, `!=`, `<=`, `>=`, `<`, `>`) right before `before`? */
function comparedFromLeft(text: string, before: number): boolean {
  const last = text[before - 1];
  const previous = text[before - 2];
  if (last === '=') return previous === '=' || previous === '!' || previous === '<' || previous === '>';
  if (last === '<') return previous !== '<';
  if (last === '>') return previous !== '-' && previous !== '>';
  return false;
}

/** Is there a `!`, or `!(`, right before `before` (whitespace aside)? */
function negates(text: string, before: number): boolean {
  const preceding = text[before - 1];
  if (preceding === '!') return true;
  return preceding === '(' && text[skipSpaceBack(text, before - 1) - 1] === '!';
}
