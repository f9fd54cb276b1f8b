// The device-tree preprocessor's view of the shared macro machinery (server/src/preprocessor): one macro table
// per preprocessor run, expansion at a token, and `#if` conditions, so C and device trees agree on every macro.
import { evaluateCondition, expandAt, MacroTable, type PpToken } from '../preprocessor';

export interface MacroEngine {
  /** Records `#define` (the tokens after `define` on the line); returns a complaint when it is malformed. */
  define(tokens: readonly PpToken[]): string | null;
  undefine(name: string): void;
  isDefined(name: string): boolean;
  /**
   * When `tokens[index]` is a macro name that expands here (a function-like macro only when a `(` follows),
   * its full expansion and the index of the first token after the invocation; null when it does not expand.
   */
  expand(
    tokens: readonly PpToken[],
    index: number,
  ): { tokens: PpToken[]; next: number } | { error: string; next: number } | null;
  /** The truth of an `#if`/`#elif` condition (the tokens after the directive name). */
  condition(tokens: readonly PpToken[]): { value: boolean } | { error: string };
}

export function createMacroEngine(): MacroEngine {
  const table = new MacroTable();
  return {
    define: (tokens) => table.define(tokens),
    undefine: (name) => table.delete(name),
    isDefined: (name) => table.has(name),
    expand: (tokens, index) => expandAt(table, tokens, index),
    condition: (tokens) => evaluateCondition(tokens, table),
  };
}
