// The truth of an `#if`/`#elif` condition (C11 6.10.1): `defined NAME` and `defined(NAME)` are answered first,
// then macros expand, then the expression is evaluated with cpp's rules.
import { evaluateTokens } from './evaluate';
import { expandAll } from './expand';
import type { MacroTable } from './macro-table';
import type { PpToken } from './tokens';

export function evaluateCondition(
  tokens: readonly PpToken[],
  table: MacroTable,
): { value: boolean } | { error: string } {
  const list = tokens.filter((token) => token.kind !== 'newline');
  const replaced: PpToken[] = [];
  for (let index = 0; index < list.length; index++) {
    const token = list[index]!;
    if (token.kind !== 'ident' || token.text !== 'defined') {
      replaced.push(token);
      continue;
    }
    const parenthesised = list[index + 1]?.text === '(';
    const name = list[index + (parenthesised ? 2 : 1)];
    if (name?.kind !== 'ident' || (parenthesised && list[index + 3]?.text !== ')'))
      return { error: 'operator "defined" requires an identifier' };
    replaced.push({ ...token, kind: 'number', text: table.has(name.text) ? '1' : '0' });
    index += parenthesised ? 3 : 1;
  }
  const expanded = expandAll(table, replaced);
  if ('error' in expanded) return expanded;
  const result = evaluateTokens(expanded.tokens, 'cpp');
  return 'error' in result ? result : { value: result.value !== 0n };
}
