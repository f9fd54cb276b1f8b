// C declarations read from expanded tokens, as far as a layout needs them: the type specifiers (scalars,
// struct/union/enum, typedef names, an inline record body), then each declarator's pointer, array
// dimensions, bit-field width and name; GCC attributes (`packed`, `aligned(N)`) wherever they are written.
import type { PpToken } from '../preprocessor';

export type BaseType =
  | {
      kind: 'scalar';
      name: 'char' | 'short' | 'int' | 'long' | 'long long' | 'bool' | 'float' | 'double' | 'void';
      unsigned: boolean;
    }
  | {
      kind: 'record';
      record: 'struct' | 'union';
      tag: string | null;
      body: PpToken[] | null;
      packed: boolean;
      aligned: PpToken[] | null;
    }
  | { kind: 'enum' }
  | { kind: 'named'; name: string };

export interface Declarator {
  name: string | null;
  /** Levels of `*` (a function pointer counts as a pointer). */
  pointer: boolean;
  /** Array dimensions, outermost first; an empty one is a flexible array member. */
  dimensions: PpToken[][];
  bitWidth: PpToken[] | null;
  aligned: PpToken[] | null;
  packed: boolean;
}

export interface Declaration {
  base: BaseType;
  declarators: Declarator[];
  /** `aligned(N)` and `packed` written among the specifiers apply to every declarator. */
  aligned: PpToken[] | null;
  packed: boolean;
}

/** Qualifiers and storage words that do not change a layout. */
const IGNORED = new Set([
  'const',
  'volatile',
  'static',
  'extern',
  'register',
  'inline',
  'restrict',
  '__restrict',
  'typedef',
  'signed',
  '__signed__',
  '__extension__',
  '__volatile__',
  '__const',
]);

const SCALAR_WORDS = new Set([
  'char',
  'short',
  'int',
  'long',
  'unsigned',
  '_Bool',
  'float',
  'double',
  'void',
  'signed',
]);

export class DeclarationError {
  constructor(readonly reason: string) {}
}

/**
 * Parses one declaration (without its `;`). `isTypeName` tells whether an identifier names a type in
 * scope (a typedef); identifiers that do not, and are spelled like kernel annotations (`__user`), are skipped.
 */
export function parseDeclaration(tokens: readonly PpToken[], isTypeName: (name: string) => boolean): Declaration {
  const parser = new Parser(tokens, isTypeName);
  return parser.declaration();
}

class Parser {
  private at = 0;
  private aligned: PpToken[] | null = null;
  private packed = false;

  constructor(
    private readonly tokens: readonly PpToken[],
    private readonly isTypeName: (name: string) => boolean,
  ) {}

  private peek(offset = 0): PpToken | undefined {
    return this.tokens[this.at + offset];
  }

  declaration(): Declaration {
    const base = this.specifiers();
    const declarators: Declarator[] = [];
    while (this.at < this.tokens.length) {
      declarators.push(this.declarator());
      if (this.peek()?.text === ',') this.at++;
      else break;
    }
    if (declarators.length === 0) declarators.push(emptyDeclarator());
    return { base, declarators, aligned: this.aligned, packed: this.packed };
  }

  private specifiers(): BaseType {
    const words: string[] = [];
    let base: BaseType | null = null;
    while (this.at < this.tokens.length) {
      const token = this.peek()!;
      if (this.attribute()) continue;
      if (token.kind !== 'ident') break;
      const text = token.text;
      if (IGNORED.has(text) && text !== 'signed') {
        this.at++;
        continue;
      }
      if (SCALAR_WORDS.has(text)) {
        words.push(text);
        this.at++;
        continue;
      }
      if ((text === 'struct' || text === 'union' || text === 'enum') && !base && words.length === 0) {
        base = this.tagged(text);
        continue;
      }
      if (!base && words.length === 0 && this.isTypeName(text)) {
        base = { kind: 'named', name: text };
        this.at++;
        continue;
      }
      // Annotations the kernel defines away (__user, __iomem, __rcu) when the headers were not found.
      if (text.startsWith('__') && !this.isTypeName(text) && this.peek(1)?.kind === 'ident') {
        this.at++;
        continue;
      }
      break;
    }
    if (base) return base;
    if (words.length === 0) throw new DeclarationError(`no type in '${spellTokens(this.tokens)}'`);
    return { kind: 'scalar', name: scalarName(words), unsigned: words.includes('unsigned') || words.includes('_Bool') };
  }

  /** `struct tag`, `struct tag { ... }` or `struct { ... }`. */
  private tagged(keyword: string): BaseType {
    this.at++;
    let packed = false;
    let aligned: PpToken[] | null = null;
    while (this.attribute()) {
      packed ||= this.packed;
      aligned ??= this.aligned;
    }
    let tag: string | null = null;
    if (this.peek()?.kind === 'ident') tag = this.tokens[this.at++]!.text;
    let body: PpToken[] | null = null;
    if (this.peek()?.text === '{') {
      const close = matching(this.tokens, this.at, '{', '}');
      body = this.tokens.slice(this.at + 1, close);
      this.at = close + 1;
      // Attributes after the closing brace belong to the type.
      const before = { packed: this.packed, aligned: this.aligned };
      this.packed = false;
      this.aligned = null;
      while (this.attribute());
      packed ||= this.packed;
      aligned ??= this.aligned;
      this.packed = before.packed;
      this.aligned = before.aligned;
    }
    if (keyword === 'enum') return { kind: 'enum' };
    return { kind: 'record', record: keyword as 'struct' | 'union', tag, body, packed, aligned };
  }

  /** Consumes `__attribute__((...))` or a bare `__packed`/`__aligned(N)`; records packed and aligned. */
  private attribute(): boolean {
    const token = this.peek();
    if (!token || token.kind !== 'ident') return false;
    if (token.text === '__attribute__' || token.text === '__attribute') {
      const open = this.at + 1;
      if (this.tokens[open]?.text !== '(') return false;
      const close = matching(this.tokens, open, '(', ')');
      this.readAttributes(this.tokens.slice(open + 1, close));
      this.at = close + 1;
      return true;
    }
    if (token.text === '__packed') {
      this.packed = true;
      this.at++;
      return true;
    }
    if (token.text === '__aligned' && this.peek(1)?.text === '(') {
      const close = matching(this.tokens, this.at + 1, '(', ')');
      this.aligned = this.tokens.slice(this.at + 2, close);
      this.at = close + 1;
      return true;
    }
    return false;
  }

  /** The inside of `__attribute__(( ... ))`: a comma-separated list. */
  private readAttributes(inner: readonly PpToken[]): void {
    const list = inner[0]?.text === '(' ? inner.slice(1, matching(inner, 0, '(', ')')) : inner;
    for (let index = 0; index < list.length; index++) {
      const name = list[index]!.text.replace(/^__(.*)__$/, '$1');
      if (name === 'packed') this.packed = true;
      else if (name === 'aligned') {
        if (list[index + 1]?.text === '(') {
          const close = matching(list, index + 1, '(', ')');
          this.aligned = list.slice(index + 2, close);
          index = close;
        } else this.aligned = [];
      } else if (list[index + 1]?.text === '(') index = matching(list, index + 1, '(', ')');
    }
  }

  private declarator(): Declarator {
    const result = emptyDeclarator();
    const outerPacked = this.packed;
    const outerAligned = this.aligned;
    this.packed = false;
    this.aligned = null;
    for (;;) {
      if (this.attribute()) continue;
      const token = this.peek();
      if (token?.text === '*') {
        result.pointer = true;
        this.at++;
      } else if (token?.kind === 'ident' && IGNORED.has(token.text)) this.at++;
      else break;
    }
    const token = this.peek();
    if (token?.text === '(') {
      // `(*name)(args)` or `(*name[N])(args)`: a function pointer, or a parenthesised declarator.
      const close = matching(this.tokens, this.at, '(', ')');
      const inner = this.tokens.slice(this.at + 1, close);
      const nested = new Parser(inner, this.isTypeName).declarator();
      result.name = nested.name;
      result.pointer ||= nested.pointer;
      result.dimensions.push(...nested.dimensions);
      this.at = close + 1;
      if (this.peek()?.text === '(') {
        this.at = matching(this.tokens, this.at, '(', ')') + 1;
        result.pointer = true;
      }
    } else if (token?.kind === 'ident') {
      result.name = token.text;
      this.at++;
    }
    for (;;) {
      if (this.attribute()) continue;
      const next = this.peek();
      if (next?.text === '[') {
        const close = matching(this.tokens, this.at, '[', ']');
        result.dimensions.push(this.tokens.slice(this.at + 1, close));
        this.at = close + 1;
      } else if (next?.text === ':') {
        const end = this.until([',']);
        result.bitWidth = this.tokens.slice(this.at + 1, end);
        this.at = end;
      } else if (next?.text === '(') {
        // A function declarator: its parameters do not matter here.
        this.at = matching(this.tokens, this.at, '(', ')') + 1;
      } else if (next?.text === '=') {
        this.at = this.until([',']);
      } else break;
    }
    result.packed = this.packed;
    result.aligned = this.aligned;
    this.packed = outerPacked;
    this.aligned = outerAligned;
    return result;
  }

  /** The index of the next top-level token among `stops`, or the end. */
  private until(stops: readonly string[]): number {
    let depth = 0;
    for (let index = this.at + 1; index < this.tokens.length; index++) {
      const text = this.tokens[index]!.text;
      if (text === '(' || text === '[' || text === '{') depth++;
      else if (text === ')' || text === ']' || text === '}') depth--;
      else if (depth === 0 && stops.includes(text)) return index;
    }
    return this.tokens.length;
  }
}

function emptyDeclarator(): Declarator {
  return { name: null, pointer: false, dimensions: [], bitWidth: null, aligned: null, packed: false };
}

function scalarName(words: readonly string[]): Extract<BaseType, { kind: 'scalar' }>['name'] {
  const count = (word: string) => words.filter((candidate) => candidate === word).length;
  if (words.includes('_Bool')) return 'bool';
  if (words.includes('char')) return 'char';
  if (words.includes('short')) return 'short';
  if (words.includes('float')) return 'float';
  if (words.includes('double')) return 'double';
  if (words.includes('void')) return 'void';
  if (count('long') >= 2) return 'long long';
  if (count('long') === 1) return 'long';
  return 'int';
}

/** The index of the token closing the one at `open`. */
export function matching(tokens: readonly PpToken[], open: number, opener: string, closer: string): number {
  let depth = 0;
  for (let index = open; index < tokens.length; index++) {
    const text = tokens[index]!.text;
    if (text === opener) depth++;
    else if (text === closer && --depth === 0) return index;
  }
  return tokens.length;
}

/** Splits a record body into member declarations at top-level `;`. */
export function splitMembers<T extends PpToken>(body: readonly T[]): T[][] {
  const members: T[][] = [];
  let current: T[] = [];
  let depth = 0;
  for (const token of body) {
    if (token.text === '{' || token.text === '(' || token.text === '[') depth++;
    else if (token.text === '}' || token.text === ')' || token.text === ']') depth--;
    if (token.text === ';' && depth === 0) {
      if (current.length) members.push(current);
      current = [];
    } else current.push(token);
  }
  if (current.length) members.push(current);
  return members;
}

function spellTokens(tokens: readonly PpToken[]): string {
  return tokens.map((token) => token.text).join(' ');
}
