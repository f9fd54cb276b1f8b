// Macro definitions in the order a translation unit meets them: `#define` adds or replaces, `#undef` removes.
// A definition is read from the tokens after `define` on its directive line (C11 6.10.3).
import type { PpToken } from './tokens';

export interface Macro {
  name: string;
  /** Parameter names of a function-like macro (`__VA_ARGS__` for a bare `...`); null for an object-like one. */
  params: string[] | null;
  /** The last parameter takes the variable arguments (`...` or GNU `name...`). */
  variadic: boolean;
  body: PpToken[];
}

export class MacroTable {
  private readonly macros = new Map<string, Macro>();

  get(name: string): Macro | undefined {
    return this.macros.get(name);
  }

  has(name: string): boolean {
    return this.macros.has(name);
  }

  set(macro: Macro): void {
    this.macros.set(macro.name, macro);
  }

  delete(name: string): void {
    this.macros.delete(name);
  }

  get size(): number {
    return this.macros.size;
  }

  /**
   * Defines a macro from the tokens after `define` (newline tokens excluded). Returns the complaint cpp would
   * make about a malformed definition, or null.
   */
  define(tokens: readonly PpToken[]): string | null {
    const parsed = parseDefinition(tokens);
    if (typeof parsed === 'string') return parsed;
    this.set(parsed);
    return null;
  }
}

export function parseDefinition(tokens: readonly PpToken[]): Macro | string {
  const name = tokens[0];
  if (!name || name.kind !== 'ident') return 'macro names must be identifiers';
  if (name.text === 'defined') return '"defined" cannot be used as a macro name';
  const open = tokens[1];
  // A `(` written right after the name makes a function-like macro; with a space it starts the body.
  if (!open || open.text !== '(' || open.space) {
    return { name: name.text, params: null, variadic: false, body: trimSpace(tokens.slice(1)) };
  }
  const params: string[] = [];
  let variadic = false;
  let index = 2;
  for (;;) {
    const token = tokens[index];
    if (!token) return `missing ')' in the parameter list of ${name.text}`;
    if (token.text === ')' && params.length === 0 && !variadic) {
      index++;
      break;
    }
    if (token.text === '...') {
      params.push('__VA_ARGS__');
      variadic = true;
    } else if (token.kind === 'ident') {
      if (params.includes(token.text)) return `duplicate macro parameter "${token.text}"`;
      params.push(token.text);
      if (tokens[index + 1]?.text === '...') {
        variadic = true;
        index++;
      }
    } else return `"${token.text}" may not appear in the parameter list of ${name.text}`;
    index++;
    const separator = tokens[index];
    if (separator?.text === ')') {
      index++;
      break;
    }
    if (separator?.text !== ',' || variadic) return `expected ',' or ')' in the parameter list of ${name.text}`;
    index++;
  }
  return { name: name.text, params, variadic, body: trimSpace(tokens.slice(index)) };
}

/** The body's first token has no leading space of its own (the space after the name is not part of it). */
function trimSpace(body: readonly PpToken[]): PpToken[] {
  const copy = body.filter((token) => token.kind !== 'newline');
  if (copy[0]) copy[0] = { ...copy[0], space: false };
  return copy;
}
