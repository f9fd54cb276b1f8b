// The compatible strings of a driver's device-tree match tables (`struct of_device_id foo_of_match[] = {
// { .compatible = "brcm,bcm2711-genet-v5" }, ... }`): the nodes a platform driver binds to. They lead from a
// driver's call sites to the boards whose device trees hold such a node (board-editor/driver-boards.ts).
// The tables are plain initialisers, so a scan of the text finds them. The structure is read from the text
// with comments and literals blanked (a commented-out entry does not count, a brace in a string does not
// nest), the strings themselves from the same offsets of the original.
import { maskNonCode } from '../checks/code-identifiers';

export interface OfCompatible {
  compatible: string;
  /** Zero-based line of the entry. */
  line: number;
}

const TABLE_START = /\bstruct\s+of_device_id\s+\w+\s*\[[^\]]*\]\s*=\s*\{/g;
/** `.compatible =`; the string after it is blank in the masked text, so it is read from the original. */
const COMPATIBLE_FIELD = /\.compatible\s*=/g;
const STRING_LITERAL = /^\s*"([^"\\\n]+)"/;

export function ofCompatibles(text: string): OfCompatible[] {
  if (!text.includes('of_device_id')) return [];
  const masked = maskNonCode(text);
  const found: OfCompatible[] = [];
  for (const start of masked.matchAll(TABLE_START)) {
    const open = start.index + start[0].length - 1;
    const close = matchingBrace(masked, open);
    const body = masked.slice(open, close);
    for (const entry of body.matchAll(COMPATIBLE_FIELD)) {
      const at = open + entry.index + entry[0].length;
      const literal = STRING_LITERAL.exec(text.slice(at, at + 256));
      const compatible = literal?.[1];
      if (!literal || !compatible || found.some((known) => known.compatible === compatible)) continue;
      found.push({ compatible, line: lineOf(text, at + literal[0].indexOf('"')) });
    }
  }
  return found;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let at = open; at < text.length; at++) {
    const char = text[at];
    if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return at;
  }
  return text.length;
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}
