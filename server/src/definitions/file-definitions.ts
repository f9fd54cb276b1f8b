// What one C source or header defines, read lexically from its preprocessing tokens without expanding
// anything: its #define/#undef and #include lines, and its top-level struct/union/enum definitions and
// typedefs, each with the #if/#ifdef blocks around it kept as conditions (not decided here: the same
// header is read for every platform, and a definition under `#ifdef CONFIG_X` is an alternative). Every
// other token of the file belongs to code this index does not need and is skipped.
import { tokenize, type PpToken } from '../preprocessor';

/** One `#if`-family test around a definition: true when taken (`negated` for the #else side). */
export interface Condition {
  /** `if` tokens are an #if/#elif expression; `defined` a name tested by #ifdef/#ifndef. */
  kind: 'if' | 'defined';
  tokens: PpToken[];
  negated: boolean;
}

/** The conditions around a definition, outermost first; all must hold. */
export type Conditions = readonly Condition[];

export interface MacroDefinition {
  name: string;
  /** The tokens after `define` (name, parameters, body) as MacroTable.define takes them. */
  tokens: PpToken[];
  offset: number;
  conditions: Conditions;
}

export interface IncludeDirective {
  path: string;
  /** `<...>` rather than `"..."`. */
  system: boolean;
  offset: number;
  conditions: Conditions;
}

/** A member token of a record body with the conditions of the #if blocks inside the body around it. */
export interface BodyToken extends PpToken {
  /** Index into FileDefinitions.bodyConditions: the conditions opened inside the body (0 = none). */
  conditionId: number;
}

export interface RecordDefinition {
  kind: 'struct' | 'union';
  /** The tag, or null for an anonymous record (which a typedef may name). */
  tag: string | null;
  /** Tokens between the braces. */
  body: BodyToken[];
  /** Tokens between the closing brace and the declarator or `;` (attributes such as `__packed`). */
  trailing: PpToken[];
  /** Tokens before `struct` in the declaration (`typedef`, attributes). */
  leading: PpToken[];
  offset: number;
  conditions: Conditions;
}

export interface EnumDefinition {
  tag: string | null;
  /** The constants in order, each with its `= value` tokens when written. */
  constants: { name: string; value: PpToken[] | null; offset: number }[];
  offset: number;
  conditions: Conditions;
}

export interface TypedefDefinition {
  name: string;
  /** The whole declaration between `typedef` and `;`, the record body excluded when it has one. */
  tokens: PpToken[];
  /** The record the typedef names by definition (`typedef struct { ... } foo_t;`), as an index into records. */
  record: number | null;
  offset: number;
  conditions: Conditions;
}

/** A file-scope array (`static const u8 table[] = { ... };`), for ARRAY_SIZE and sizeof. */
export interface ArrayDefinition {
  name: string;
  /** The declaration's tokens before the name: the element type. */
  elementType: PpToken[];
  /** Dimensions as written; an empty first one takes its length from the initialiser. */
  dimensions: PpToken[][];
  /** Elements of the initialiser's outer braces, when there is one. */
  initializerLength: number | null;
  offset: number;
  conditions: Conditions;
}

export interface FileDefinitions {
  macros: MacroDefinition[];
  arrays: ArrayDefinition[];
  undefs: { name: string; offset: number; conditions: Conditions }[];
  includes: IncludeDirective[];
  records: RecordDefinition[];
  enums: EnumDefinition[];
  typedefs: TypedefDefinition[];
  /** Conditions opened inside record bodies, by BodyToken.conditionId (index 0: none). */
  bodyConditions: Conditions[];
  /** Macro names whose #ifndef guards the whole file, so the guard is taken on first inclusion. */
  guard: string | null;
  /** Every name the file defines in any way, for a quick "could it be here" test. */
  names: ReadonlySet<string>;
}

interface OpenBlock {
  conditions: Condition[];
  /** The conditions of the earlier branches, negated, for #elif and #else. */
  previous: Condition[];
}

export function scanDefinitions(text: string): FileDefinitions {
  const tokens = tokenize(text);
  const result: FileDefinitions = {
    macros: [],
    arrays: [],
    undefs: [],
    includes: [],
    records: [],
    enums: [],
    typedefs: [],
    bodyConditions: [[]],
    guard: null,
    names: new Set(),
  };
  const names = result.names as Set<string>;
  const stack: OpenBlock[] = [];
  let current: Conditions = [];
  const code: { token: PpToken; conditions: Conditions }[] = [];
  let firstDirective = true;
  for (let index = 0; index < tokens.length;) {
    const lineEnd = nextNewline(tokens, index);
    const first = tokens[index]!;
    if (first.kind === 'newline') {
      index++;
      continue;
    }
    if (first.text === '#' && (index === 0 || tokens[index - 1]!.kind === 'newline')) {
      const line = tokens.slice(index + 1, lineEnd);
      const keyword = line[0]?.text;
      const rest = line.slice(1);
      switch (keyword) {
        case 'define':
          if (rest[0]?.kind === 'ident') {
            result.macros.push({ name: rest[0].text, tokens: rest, offset: first.start, conditions: current });
            names.add(rest[0].text);
          }
          break;
        case 'undef':
          if (rest[0]?.kind === 'ident')
            result.undefs.push({ name: rest[0].text, offset: first.start, conditions: current });
          break;
        case 'include': {
          const include = includePath(rest);
          if (include) result.includes.push({ ...include, offset: first.start, conditions: current });
          break;
        }
        case 'if':
        case 'ifdef':
        case 'ifndef': {
          const condition: Condition =
            keyword === 'if'
              ? { kind: 'if', tokens: rest, negated: false }
              : { kind: 'defined', tokens: rest.slice(0, 1), negated: keyword === 'ifndef' };
          if (firstDirective && keyword === 'ifndef' && rest[0]) result.guard = rest[0].text;
          stack.push({ conditions: [...current, condition], previous: [...current, negate(condition)] });
          current = stack[stack.length - 1]!.conditions;
          break;
        }
        case 'elif': {
          const top = stack[stack.length - 1];
          if (!top) break;
          const condition: Condition = { kind: 'if', tokens: rest, negated: false };
          top.conditions = [...top.previous, condition];
          top.previous = [...top.previous, negate(condition)];
          current = top.conditions;
          break;
        }
        case 'else': {
          const top = stack[stack.length - 1];
          if (!top) break;
          top.conditions = top.previous;
          current = top.conditions;
          break;
        }
        case 'endif':
          stack.pop();
          current = stack[stack.length - 1]?.conditions ?? [];
          break;
        default:
          break;
      }
      firstDirective = false;
      index = lineEnd;
      continue;
    }
    for (let at = index; at < lineEnd; at++)
      if (tokens[at]!.kind !== 'newline') code.push({ token: tokens[at]!, conditions: current });
    index = lineEnd;
  }
  // A guard is a guard only when the #ifndef is closed by the file's last #endif; anything else is a test.
  if (result.guard && !result.macros.some((macro) => macro.name === result.guard)) result.guard = null;
  readDeclarations(code, result, names);
  return result;
}

function negate(condition: Condition): Condition {
  return { ...condition, negated: !condition.negated };
}

function nextNewline(tokens: readonly PpToken[], from: number): number {
  let at = from;
  while (at < tokens.length && tokens[at]!.kind !== 'newline') at++;
  return Math.min(at + 1, tokens.length);
}

function includePath(tokens: readonly PpToken[]): { path: string; system: boolean } | null {
  const first = tokens[0];
  if (!first) return null;
  if (first.kind === 'string') return { path: first.text.slice(1, -1), system: false };
  if (first.text !== '<') return null;
  const close = tokens.findIndex((token) => token.text === '>');
  if (close < 0) return null;
  // `<linux/foo.h>` is several tokens; the file name is their spelling joined.
  return {
    path: tokens
      .slice(1, close)
      .map((token) => token.text)
      .join(''),
    system: true,
  };
}

/**
 * The top-level declarations of the code tokens: at brace depth 0, `struct`/`union` definitions, `enum`
 * definitions and `typedef`s. Function bodies and initialisers are skipped by their braces.
 */
function readDeclarations(
  code: readonly { token: PpToken; conditions: Conditions }[],
  result: FileDefinitions,
  names: Set<string>,
): void {
  let statementStart = 0;
  for (let index = 0; index < code.length; index++) {
    const { token } = code[index]!;
    if (token.text === ';') {
      const statement = code.slice(statementStart, index);
      if (statement.some((entry) => entry.token.text === 'typedef')) readTypedef(statement, result, names);
      else readArray(code, statementStart, index, null, result, names);
      statementStart = index + 1;
      continue;
    }
    if (token.text === '{') {
      const close = matchingBrace(code, index);
      const end = declarationEnd(code, close);
      if (code[index - 1]?.token.text === '=')
        readArray(code, statementStart, index - 1, [index, close], result, names);
      else readDeclaration(code, statementStart, index, close, end, result, names);
      // A function body ends its declaration at its closing brace.
      index = end < code.length && code[end]!.token.text === ';' ? end : close;
      statementStart = index + 1;
    }
  }
}

/** `typedef unsigned char __u8;`, `typedef void (*handler_t)(int);`: a typedef without a record body. */
function readTypedef(
  statement: readonly { token: PpToken; conditions: Conditions }[],
  result: FileDefinitions,
  names: Set<string>,
): void {
  const tokens = statement.map((entry) => entry.token);
  const pointerName = tokens.findIndex((token, index) => token.text === '(' && tokens[index + 1]?.text === '*');
  let name: PpToken | undefined;
  if (pointerName >= 0) name = tokens.slice(pointerName + 2).find((token) => token.kind === 'ident');
  else {
    const end = tokens.findIndex((token) => token.text === '[');
    const before = end < 0 ? tokens : tokens.slice(0, end);
    name = [...before]
      .reverse()
      .find(
        (token, index, reversed) =>
          token.kind === 'ident' && !isAttributeWord(token.text) && reversed[index - 1]?.text !== '(',
      );
  }
  if (!name) return;
  result.typedefs.push({
    name: name.text,
    tokens,
    record: null,
    offset: tokens[0]!.start,
    conditions: statement[0]!.conditions,
  });
  names.add(name.text);
}

/**
 * A file-scope array declaration between `start` and `end` (exclusive: the `;` or the `=` before an
 * initialiser): `type name[dims]`, with the initialiser's element count when `braces` are given.
 */
function readArray(
  code: readonly { token: PpToken; conditions: Conditions }[],
  start: number,
  end: number,
  braces: [number, number] | null,
  result: FileDefinitions,
  names: Set<string>,
): void {
  const tokens = code.slice(start, end).map((entry) => entry.token);
  const open = tokens.findIndex((token) => token.text === '[');
  const name = tokens[open - 1];
  if (
    open < 1 ||
    name?.kind !== 'ident' ||
    tokens.slice(0, open).some((token) => token.text === '(' || token.text === 'typedef')
  )
    return;
  const dimensions: PpToken[][] = [];
  for (let at = open; at < tokens.length && tokens[at]!.text === '[';) {
    let depth = 0;
    let close = at;
    for (; close < tokens.length; close++) {
      if (tokens[close]!.text === '[') depth++;
      else if (tokens[close]!.text === ']' && --depth === 0) break;
    }
    dimensions.push(tokens.slice(at + 1, close));
    at = close + 1;
  }
  const initializerLength = braces
    ? elementCount(code.slice(braces[0] + 1, braces[1]).map((entry) => entry.token))
    : null;
  result.arrays.push({
    name: name.text,
    elementType: tokens.slice(0, open - 1),
    dimensions,
    initializerLength,
    offset: tokens[0]!.start,
    conditions: code[start]!.conditions,
  });
  names.add(name.text);
}

/** Top-level elements of an initialiser list (a trailing comma adds none). */
function elementCount(tokens: readonly PpToken[]): number {
  if (tokens.length === 0) return 0;
  let depth = 0;
  let count = 1;
  tokens.forEach((token, index) => {
    if (token.text === '{' || token.text === '(' || token.text === '[') depth++;
    else if (token.text === '}' || token.text === ')' || token.text === ']') depth--;
    else if (token.text === ',' && depth === 0 && index < tokens.length - 1) count++;
  });
  return count;
}

function matchingBrace(code: readonly { token: PpToken }[], open: number): number {
  let depth = 0;
  for (let index = open; index < code.length; index++) {
    const text = code[index]!.token.text;
    if (text === '{') depth++;
    else if (text === '}' && --depth === 0) return index;
  }
  return code.length - 1;
}

/** The `;` ending the declaration whose braces close at `close`, skipping initialiser braces. */
function declarationEnd(code: readonly { token: PpToken }[], close: number): number {
  let depth = 0;
  for (let index = close + 1; index < code.length; index++) {
    const text = code[index]!.token.text;
    if (text === '{' || text === '(') depth++;
    else if (text === '}' || text === ')') depth--;
    else if (text === ';' && depth <= 0) return index;
    // A function definition's body follows `)` directly: no `;` belongs to it.
    if (depth < 0) return index;
  }
  return code.length;
}

function readDeclaration(
  code: readonly { token: PpToken; conditions: Conditions }[],
  start: number,
  open: number,
  close: number,
  end: number,
  result: FileDefinitions,
  names: Set<string>,
): void {
  const head = code.slice(start, open).map((entry) => entry.token);
  const conditions = code[open]!.conditions;
  const offset = code[start]?.token.start ?? code[open]!.token.start;
  const keywordAt = head.findIndex(
    (token) => token.text === 'struct' || token.text === 'union' || token.text === 'enum',
  );
  // `= {` is an initialiser, `)` before `{` a function body.
  if (
    keywordAt < 0 ||
    head.some((token) => token.text === '=' || (token.text === '(' && !isAttributeParen(head, token)))
  )
    return;
  const keyword = head[keywordAt]!.text;
  const tagToken = head[keywordAt + 1];
  const tag = tagToken?.kind === 'ident' && !isAttributeWord(tagToken.text) ? tagToken.text : null;
  const isTypedef = head.some((token) => token.text === 'typedef');
  const tail = code.slice(close + 1, end).map((entry) => entry.token);
  if (keyword === 'enum') {
    result.enums.push({
      tag,
      constants: enumConstants(code.slice(open + 1, close).map((entry) => entry.token)),
      offset,
      conditions,
    });
    for (const constant of result.enums[result.enums.length - 1]!.constants) names.add(constant.name);
    if (tag) names.add(tag);
  } else {
    const body = code.slice(open + 1, close).map(({ token, conditions: inner }) => ({
      ...token,
      conditionId: bodyConditionId(result, conditions, inner),
    }));
    const trailing = tail.filter((_, position) => position < declaratorStart(tail));
    result.records.push({
      kind: keyword as 'struct' | 'union',
      tag,
      body,
      trailing,
      leading: head.slice(0, keywordAt),
      offset,
      conditions,
    });
    if (tag) names.add(tag);
  }
  if (isTypedef) {
    const declarators = tail.slice(declaratorStart(tail));
    for (const name of declaratorNames(declarators)) {
      result.typedefs.push({
        name,
        tokens: [...head, ...declarators],
        record: keyword === 'enum' ? null : result.records.length - 1,
        offset,
        conditions,
      });
      names.add(name);
    }
  }
}

/** Conditions opened inside a record body, relative to the record's own, as an id into bodyConditions. */
function bodyConditionId(result: FileDefinitions, outer: Conditions, inner: Conditions): number {
  if (inner.length <= outer.length) return 0;
  const own = inner.slice(outer.length);
  result.bodyConditions.push(own);
  return result.bodyConditions.length - 1;
}

/** Kernel annotations written around declarators; type names such as __u8 are not among them. */
const ANNOTATIONS = new Set([
  '__bitwise',
  '__randomize_layout',
  '__no_randomize_layout',
  '__designated_init',
  '__user',
  '__iomem',
  '__rcu',
  '__percpu',
  '__force',
  '__must_check',
  '__deprecated',
  '__maybe_unused',
  '__always_unused',
  '__signed__',
  '__extension__',
  'packed',
  'aligned',
]);

function isAttributeWord(text: string): boolean {
  return ANNOTATIONS.has(text) || /^_{2,4}(attribute|aligned|packed|cacheline)/.test(text);
}

/** `(` belonging to `__attribute__((...))` or an attribute macro such as `__aligned(8)` before the brace. */
function isAttributeParen(head: readonly PpToken[], paren: PpToken): boolean {
  const before = head[head.indexOf(paren) - 1];
  return before !== undefined && (before.text === '(' || isAttributeWord(before.text));
}

/** Where the declarators start after a record's closing brace: past attributes such as `__packed`. */
function declaratorStart(tail: readonly PpToken[]): number {
  let index = 0;
  while (index < tail.length) {
    const token = tail[index]!;
    if (token.kind !== 'ident' || !isAttributeWord(token.text)) break;
    index++;
    if (tail[index]?.text === '(') index = skipParens(tail, index);
  }
  return index;
}

function skipParens(tokens: readonly PpToken[], open: number): number {
  let depth = 0;
  for (let index = open; index < tokens.length; index++) {
    if (tokens[index]!.text === '(') depth++;
    else if (tokens[index]!.text === ')' && --depth === 0) return index + 1;
  }
  return tokens.length;
}

/** The names a typedef's declarators introduce: `foo_t, *foo_p` gives foo_t and foo_p. */
function declaratorNames(tokens: readonly PpToken[]): string[] {
  const names: string[] = [];
  let depth = 0;
  let candidate: string | null = null;
  for (const token of tokens) {
    if (token.text === '(' || token.text === '[') depth++;
    else if (token.text === ')' || token.text === ']') depth--;
    else if (token.text === ',' && depth === 0) {
      if (candidate) names.push(candidate);
      candidate = null;
    } else if (token.kind === 'ident' && depth <= 1 && !isAttributeWord(token.text) && candidate === null)
      candidate = token.text;
  }
  if (candidate) names.push(candidate);
  return names;
}

function enumConstants(body: readonly PpToken[]): EnumDefinition['constants'] {
  const constants: EnumDefinition['constants'] = [];
  let depth = 0;
  let start = 0;
  const flush = (end: number) => {
    const part = body.slice(start, end);
    const name = part[0];
    if (name?.kind === 'ident') {
      const equals = part.findIndex((token) => token.text === '=');
      constants.push({ name: name.text, value: equals > 0 ? part.slice(equals + 1) : null, offset: name.start });
    }
  };
  for (let index = 0; index < body.length; index++) {
    const text = body[index]!.text;
    if (text === '(' || text === '{' || text === '[') depth++;
    else if (text === ')' || text === '}' || text === ']') depth--;
    else if (text === ',' && depth === 0) {
      flush(index);
      start = index + 1;
    }
  }
  flush(body.length);
  return constants;
}
