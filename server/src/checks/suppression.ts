// Per-line suppression comments:
//   foo(); /* dmalens-ignore unchecked-mapping */      silences the rule on this line
//   // dmalens-ignore-next-line unchecked-mapping      silences it on the next line
// Without rule ids the comment silences every rule on that line. Ids are separated by commas or spaces.
import type { LineIndex } from '../analysis/line-index';

const SAME_LINE = /dmalens-ignore(?!-)([^*\n]*)/;
const NEXT_LINE = /dmalens-ignore-next-line([^*\n]*)/;

function ruleIds(list: string): Set<string> | 'all' {
  const ids = list
    .replace(/\*\/.*$/, '')
    .split(/[\s,]+/)
    .filter((id) => /^[a-z0-9-]+$/.test(id));
  return ids.length ? new Set(ids) : 'all';
}

function covers(ids: Set<string> | 'all', ruleId: string): boolean {
  return ids === 'all' || ids.has(ruleId);
}

type Silenced = Set<string> | 'all' | null;

/**
 * The suppression test of one file, reading each line's comments once: a file whose findings crowd one
 * long line (generated tables) would otherwise re-read that line for every finding.
 */
export function suppressionTest(lines: LineIndex): (line: number, ruleId: string) => boolean {
  const sameLine = new Map<number, Silenced>();
  const nextLine = new Map<number, Silenced>();
  const read = (cache: Map<number, Silenced>, pattern: RegExp, line: number): Silenced => {
    let ids = cache.get(line);
    if (ids === undefined) {
      const match = pattern.exec(lines.line(line));
      ids = match ? ruleIds(match[1]!) : null;
      cache.set(line, ids);
    }
    return ids;
  };
  return (line, ruleId) => {
    const here = read(sameLine, SAME_LINE, line);
    if (here !== null && covers(here, ruleId)) return true;
    if (line === 0) return false;
    const previous = read(nextLine, NEXT_LINE, line - 1);
    return previous !== null && covers(previous, ruleId);
  };
}
