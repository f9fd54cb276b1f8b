// Finds identifiers in C text outside comments, string and character literals. Used by the few rules
// that are about a name rather than a call (a renamed macro), so that a mention in a comment never
// produces a diagnostic.
import { isWordCode } from '../analysis/name-search';

export interface IdentifierHit {
  offset: number;
  /** The line's text before the identifier (its last 64 characters), for context such as `#define`. */
  linePrefix: string;
}

/** Enough of a line to see `#ifdef`, `#define` or `defined(` before a name. */
const PREFIX_CHARACTERS = 64;
const NEWLINE = 0x0a;

export function findIdentifier(text: string, name: string): IdentifierHit[] {
  const hits: IdentifierHit[] = [];
  let index = text.indexOf(name);
  if (index < 0) return hits;
  const code = maskNonCode(text);
  // Line starts are found walking back only to the previous hit, so thousands of hits on one long line
  // cost one pass over it, not one pass per hit.
  let lineStart = 0;
  let walkedTo = 0;
  while (index >= 0) {
    const before = index > 0 ? code.charCodeAt(index - 1) : 32;
    const after = code.charCodeAt(index + name.length);
    if (code.startsWith(name, index) && !isWordCode(before) && !isWordCode(after)) {
      for (let at = index - 1; at >= walkedTo; at--)
        if (text.charCodeAt(at) === NEWLINE) {
          lineStart = at + 1;
          break;
        }
      walkedTo = index;
      hits.push({ offset: index, linePrefix: text.slice(Math.max(lineStart, index - PREFIX_CHARACTERS), index) });
    }
    index = text.indexOf(name, index + name.length);
  }
  return hits;
}

/** The text with comments and literals replaced by spaces (same length, newlines kept). */
export function maskNonCode(text: string): string {
  // Built from slices: code is copied as is and each comment or literal becomes spaces, so the cost
  // is a few allocations per comment rather than one per character.
  const parts: string[] = [];
  let copiedUpTo = 0;
  const blank = (from: number, to: number) => {
    parts.push(text.slice(copiedUpTo, from), spacesKeepingNewlines(text, from, to));
    copiedUpTo = to;
  };
  let index = 0;
  while (index < text.length) {
    const next = nextSpecial(text, index);
    if (next < 0) break;
    const char = text[next];
    const following = text[next + 1];
    if (char === '/' && following === '*') {
      const end = text.indexOf('*/', next + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(next, stop);
      index = stop;
    } else if (char === '/' && following === '/') {
      const end = text.indexOf('\n', next);
      const stop = end < 0 ? text.length : end;
      blank(next, stop);
      index = stop;
    } else if (char === '"' || char === "'") {
      let at = next + 1;
      while (at < text.length && text[at] !== char && text[at] !== '\n') at += text[at] === '\\' ? 2 : 1;
      const stop = Math.min(at + 1, text.length);
      blank(next, stop);
      index = stop;
    } else {
      index = next + 1;
    }
  }
  parts.push(text.slice(copiedUpTo));
  return parts.join('');
}

/** Spaces as long as `text[from, to)`, with its newlines kept; a regular expression replace cost 3x more. */
function spacesKeepingNewlines(text: string, from: number, to: number): string {
  let blanked = '';
  let start = from;
  for (let newline = text.indexOf('\n', start); newline !== -1 && newline < to; newline = text.indexOf('\n', start)) {
    blanked += `${spaces(newline - start)}\n`;
    start = newline + 1;
  }
  return blanked + spaces(to - start);
}

/** Most runs of spaces are cut from one long string (a slice shares its characters) rather than built. */
const SPACES = ' '.repeat(1024);

function spaces(count: number): string {
  return count <= SPACES.length ? SPACES.slice(0, count) : ' '.repeat(count);
}

const SPECIAL = /[/"']/g;

/** Offset of the next `/`, `"` or `'` at or after `from`, or -1. */
function nextSpecial(text: string, from: number): number {
  SPECIAL.lastIndex = from;
  const match = SPECIAL.exec(text);
  return match ? match.index : -1;
}
