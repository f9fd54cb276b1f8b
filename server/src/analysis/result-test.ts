// Is an allocation's result tested in the code that follows it? Kernel code tests a result as `!x`, `!(x`,
// `x == NULL`, `x < 0`, `if (x)`, `IS_ERR_OR_NULL(x)` or `x ? a : b`, with any whitespace inside `x`
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
  let at = squeezed.indexOf(name);
  if (at === -1) return false;
  const offsets = nonSpaceOffsets(after);
  for (; at !== -1; at = squeezed.indexOf(name, at + 1)) {
    if (testedAt(after, offsets[at]!, offsets[at + name.length - 1]! + 1)) return true;
  }
  return false;
}

/** For each non-whitespace character of `text`, its index: the squeezed text's offsets in the original. */
function nonSpaceOffsets(text: string): number[] {
  const offsets: number[] = [];
  for (let index = 0; index < text.length; index++) if (!isSpace(text, index)) offsets.push(index);
  return offsets;
}

/** Is the occurrence of the result at [start, end) of `text` a test of it? */
function testedAt(text: string, start: number, end: number): boolean {
  const next = skipSpace(text, end);
  const following = text[next];
  // x == y, x != y, x <= y, x >= y, x < y, x > y
  if (following === '<' || following === '>' || ((following === '=' || following === '!') && text[next + 1] === '=')) return true;
  // x ? a : b, (x) ? a : b
  if (following === '?' || (following === ')' && text[skipSpace(text, next + 1)] === '?')) return true;
  const before = skipSpaceBack(text, start);
  const preceding = text[before - 1];
  // !x, !(x
  if (negates(text, before) && !CONTINUES_EXPRESSION.test(text[end] ?? '')) return true;
  // if (x), IS_ERR_OR_NULL(x), unlikely(x)
  if (preceding === '(' && following === ')') {
    const word = skipSpaceBack(text, before - 1);
    return TEST_WORDS.some((candidate) => text.endsWith(candidate, word));
  }
  return false;
}

/** Is there a `!`, or `!(`, right before `before` (whitespace aside)? */
function negates(text: string, before: number): boolean {
  const preceding = text[before - 1];
  if (preceding === '!') return true;
  return preceding === '(' && text[skipSpaceBack(text, before - 1) - 1] === '!';
}
