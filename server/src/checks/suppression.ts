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

export function isSuppressed(lines: LineIndex, line: number, ruleId: string): boolean {
  const here = SAME_LINE.exec(lines.line(line));
  if (here && covers(ruleIds(here[1]!), ruleId)) return true;
  if (line === 0) return false;
  const previous = NEXT_LINE.exec(lines.line(line - 1));
  return previous !== null && covers(ruleIds(previous[1]!), ruleId);
}
