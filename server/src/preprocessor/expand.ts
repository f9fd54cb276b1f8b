// Macro expansion as C11 6.10.3 and cpp do it: object- and function-like macros, `#` stringizing, `##`
// pasting (with placemarkers and GNU's `, ## __VA_ARGS__`), arguments expanded before substitution unless they
// stand next to `#` or `##`, and rescanning with hide sets (Prosser's algorithm) so that a macro never expands
// inside its own expansion. Tokens after an invocation are pulled in when a function-like macro name ends an
// expansion, as cpp does. Pure: no files, no directives.
import type { Macro, MacroTable } from './macro-table';
import { tokenize, type PpToken } from './tokens';

/** A token on its way through expansion: the macros it may no longer expand. */
export interface ExpandToken extends PpToken {
  hide?: ReadonlySet<string>;
  /** An empty argument next to `##` (C11 6.10.3.3): removed once pasting is done. */
  placemarker?: boolean;
}

export type ExpandResult = { tokens: PpToken[]; next: number } | { error: string; next: number };

/** A runaway definition stops here instead of filling memory: far beyond anything the kernel writes. */
const MAX_TOKENS = 200_000;
const MAX_DEPTH = 200;

class ExpansionError extends Error {}

/**
 * Expands the macro invocation at `input[index]` and everything its rescanning reaches. Returns null when the
 * token is not a macro that expands here (not defined, hidden, or a function-like macro without `(`).
 * `next` is the index of the first input token after the invocation.
 */
export function expandAt(table: MacroTable, input: readonly ExpandToken[], index: number): ExpandResult | null {
  const expander = new Expander(table);
  try {
    const result = expander.expandAt(input, index, 0);
    return result && 'tokens' in result ? { tokens: result.tokens.map(plain), next: result.next } : result;
  } catch (error) {
    if (error instanceof ExpansionError) return { error: error.message, next: index + 1 };
    throw error;
  }
}

/** Expands every macro in a token list (an argument, an `#if` condition). */
export function expandAll(
  table: MacroTable,
  tokens: readonly ExpandToken[],
): { tokens: PpToken[] } | { error: string } {
  const expander = new Expander(table);
  try {
    return { tokens: expander.expandAll(tokens, 0).map(plain) };
  } catch (error) {
    if (error instanceof ExpansionError) return { error: error.message };
    throw error;
  }
}

class Expander {
  private produced = 0;

  constructor(private readonly table: MacroTable) {}

  expandAll(tokens: readonly ExpandToken[], depth: number): ExpandToken[] {
    const out: ExpandToken[] = [];
    for (let index = 0; index < tokens.length;) {
      const result = this.expandAt(tokens, index, depth);
      if (!result) {
        out.push(tokens[index]!);
        index++;
      } else if ('error' in result) throw new ExpansionError(result.error);
      else {
        out.push(...result.tokens);
        index = result.next;
      }
    }
    return out;
  }

  expandAt(input: readonly ExpandToken[], index: number, depth: number): ExpandResult | null {
    const first = input[index];
    if (!first || !this.expandable(first)) return null;
    const macro = this.table.get(first.text)!;
    if (macro.params && this.peekSource(input, index + 1)?.text !== '(') return null;
    if (depth > MAX_DEPTH) throw new ExpansionError(`macros nested more than ${MAX_DEPTH} deep`);
    // `pending` holds produced tokens still to be rescanned, last element first.
    const pending: ExpandToken[] = [];
    let source = index;
    const out: ExpandToken[] = [];
    const read = (): ExpandToken | undefined => {
      if (pending.length) return pending.pop();
      while (source < input.length && input[source]!.kind === 'newline') source++;
      return source < input.length ? input[source++] : undefined;
    };
    const peek = (): ExpandToken | undefined => {
      if (pending.length) return pending[pending.length - 1];
      return this.peekSource(input, source);
    };
    let started = false;
    while (!started || pending.length > 0) {
      const token = read();
      if (!token) break;
      started = true;
      if (!this.expandable(token)) {
        out.push(token);
        continue;
      }
      const current = this.table.get(token.text)!;
      if (!current.params) {
        pending.push(...this.substitute(current, null, union(token.hide, current.name), token.space, depth).reverse());
        continue;
      }
      if (peek()?.text !== '(') {
        out.push(token);
        continue;
      }
      read();
      const { args, close } = this.collectArguments(current, read);
      const hide = union(intersect(token.hide, close.hide), current.name);
      pending.push(...this.substitute(current, args, hide, token.space, depth).reverse());
    }
    return { tokens: out.filter((token) => !token.placemarker), next: source };
  }

  private expandable(token: ExpandToken): boolean {
    return token.kind === 'ident' && this.table.has(token.text) && !token.hide?.has(token.text);
  }

  private peekSource(input: readonly ExpandToken[], from: number): ExpandToken | undefined {
    let at = from;
    while (at < input.length && input[at]!.kind === 'newline') at++;
    return input[at];
  }

  /** The arguments up to the matching `)`, split at top-level commas (the variadic one keeps its commas). */
  private collectArguments(
    macro: Macro,
    read: () => ExpandToken | undefined,
  ): { args: ExpandToken[][]; close: ExpandToken } {
    const params = macro.params!;
    const args: ExpandToken[][] = [[]];
    let depth = 0;
    for (;;) {
      const token = read();
      if (!token) throw new ExpansionError(`unterminated argument list invoking macro "${macro.name}"`);
      if (token.text === '(') depth++;
      else if (token.text === ')') {
        if (depth === 0) {
          this.checkArity(macro, params, args);
          return { args, close: token };
        }
        depth--;
      } else if (token.text === ',' && depth === 0 && !(macro.variadic && args.length === params.length)) {
        args.push([]);
        continue;
      }
      const current = args[args.length - 1]!;
      current.push(current.length === 0 ? { ...token, space: false } : token);
    }
  }

  private checkArity(macro: Macro, params: string[], args: ExpandToken[][]): void {
    if (params.length === 0 && args.length === 1 && args[0]!.length === 0) {
      args.pop();
      return;
    }
    // GNU: the variable arguments may be left out entirely.
    if (macro.variadic && args.length === params.length - 1) args.push([]);
    if (args.length !== params.length)
      throw new ExpansionError(
        `macro "${macro.name}" ${args.length > params.length ? 'passed' : 'requires'} ${
          args.length > params.length ? args.length : params.length
        } arguments, but ${args.length > params.length ? `takes just ${params.length}` : `only ${args.length} given`}`,
      );
  }

  /** The macro body with arguments substituted, `#` and `##` applied, and the hide set added. */
  private substitute(
    macro: Macro,
    args: ExpandToken[][] | null,
    hide: ReadonlySet<string>,
    space: boolean,
    depth: number,
  ): ExpandToken[] {
    const body = macro.body;
    const params = macro.params ?? [];
    const expanded = new Map<number, ExpandToken[]>();
    const paramAt = (token: ExpandToken | undefined): number =>
      args && token?.kind === 'ident' ? params.indexOf(token.text) : -1;
    const argument = (param: number, raw: boolean, leading: boolean): ExpandToken[] => {
      let tokens: ExpandToken[];
      if (raw) tokens = args![param]!;
      else {
        if (!expanded.has(param)) expanded.set(param, this.expandAll(args![param]!, depth + 1));
        tokens = expanded.get(param)!;
      }
      return tokens.map((token, index) => (index === 0 ? { ...token, space: leading } : token));
    };
    const result: ExpandToken[] = [];
    for (let index = 0; index < body.length; index++) {
      const token = body[index]!;
      if (args && token.text === '#' && paramAt(body[index + 1]) >= 0) {
        result.push(stringize(args[paramAt(body[index + 1])]!, token));
        index++;
        continue;
      }
      if (token.text === '##' && index > 0 && index < body.length - 1) {
        const right = body[++index]!;
        const param = paramAt(right);
        const operand = param >= 0 ? argument(param, true, right.space) : [right];
        if (operand.length === 0) {
          // GNU: `, ## __VA_ARGS__` drops the comma when there are no variable arguments.
          if (param === params.length - 1 && macro.variadic && result[result.length - 1]?.text === ',') result.pop();
          continue;
        }
        const left = result.pop();
        if (!left || left.placemarker) result.push(...operand);
        else result.push(...paste(left, operand[0]!), ...operand.slice(1));
        continue;
      }
      const param = paramAt(token);
      if (param >= 0) {
        const pasted = body[index + 1]?.text === '##' || body[index - 1]?.text === '##';
        const tokens = argument(param, pasted, token.space);
        if (tokens.length === 0 && pasted) result.push({ ...token, text: '', placemarker: true });
        else result.push(...tokens);
        continue;
      }
      result.push(token);
    }
    this.produced += result.length;
    if (this.produced > MAX_TOKENS)
      throw new ExpansionError(`expansion of "${macro.name}" grows beyond ${MAX_TOKENS} tokens`);
    return result
      .filter((token) => !token.placemarker)
      .map((token, index) => ({ ...token, space: index === 0 ? space : token.space, hide: joined(token.hide, hide) }));
  }
}

function plain(token: ExpandToken): PpToken {
  return { kind: token.kind, text: token.text, start: token.start, end: token.end, space: token.space };
}

function union(set: ReadonlySet<string> | undefined, ...names: string[]): ReadonlySet<string> {
  const result = new Set(set);
  for (const name of names) result.add(name);
  return result;
}

/** hide ∪ more, sharing `more` itself when the token's own set adds nothing (the common case). */
function joined(hide: ReadonlySet<string> | undefined, more: ReadonlySet<string>): ReadonlySet<string> {
  if (!hide || hide === more) return more;
  for (const name of hide) if (!more.has(name)) return union(more, ...hide);
  return more;
}

function intersect(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): ReadonlySet<string> {
  if (!a || !b) return new Set();
  return new Set([...a].filter((name) => b.has(name)));
}

/** `#param`: the argument's spelling as a string literal, spaces collapsed, quotes and backslashes escaped. */
function stringize(tokens: readonly ExpandToken[], at: ExpandToken): ExpandToken {
  const spelling = tokens
    .map((token, index) => {
      const text = token.kind === 'string' || token.kind === 'char' ? token.text.replace(/[\\"]/g, '\\$&') : token.text;
      return (index > 0 && token.space ? ' ' : '') + text;
    })
    .join('');
  return { kind: 'string', text: `"${spelling}"`, start: at.start, end: at.end, space: at.space };
}

/**
 * `a ## b`: the two spellings lexed again as one token. When they do not form one (allowed in assembler-with-cpp
 * mode, an error in C), both stay, written side by side.
 */
function paste(left: ExpandToken, right: ExpandToken): ExpandToken[] {
  const text = left.text + right.text;
  const tokens = tokenize(text);
  if (tokens.length === 1)
    return [{ ...tokens[0]!, start: left.start, end: right.end, space: left.space, hide: left.hide }];
  return [left, { ...right, space: false }];
}
