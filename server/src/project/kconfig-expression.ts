// Kconfig expressions (Documentation/kbuild/kconfig-language.rst, "Menu dependencies"): symbols and
// constants, `=`/`!=`/`<`/`>`/`<=`/`>=` between two of them, `!`, `&&`, `||` and parentheses, in the
// precedence scripts/kconfig/parser.y gives them (`!` binds tightest, then comparisons, `&&`, `||`).
// Macros are expanded before parsing; one that cannot be expanded here (`$(cc-option,...)`) arrives as
// the UNKNOWN_MACRO word, a symbol whose value nobody knows.

export type KconfigExpr =
  | { kind: 'symbol'; name: string }
  /** A quoted string or a number: a constant, never a symbol. */
  | { kind: 'constant'; text: string }
  | { kind: 'compare'; op: '=' | '!=' | '<' | '>' | '<=' | '>='; left: KconfigExpr; right: KconfigExpr }
  | { kind: 'not'; operand: KconfigExpr }
  | { kind: 'and'; left: KconfigExpr; right: KconfigExpr }
  | { kind: 'or'; left: KconfigExpr; right: KconfigExpr };

/** What an unexpandable `$(...)` becomes: a symbol name no Kconfig file can define. */
export const UNKNOWN_MACRO = '$unknown';

const TOKEN = /\s*(?:(&&|\|\||!=|<=|>=|[=<>!()])|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([A-Za-z0-9_$.+-]+))/y;

type Token = { kind: 'op'; text: string } | { kind: 'word'; text: string; quoted: boolean };

export class KconfigExprError extends Error {}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/\s/.test(text[at]!)) {
      at++;
      continue;
    }
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    if (!match) throw new KconfigExprError(`unexpected '${text[at]}' in expression '${text.trim()}'`);
    at = TOKEN.lastIndex;
    if (match[1]) tokens.push({ kind: 'op', text: match[1] });
    else if (match[2] !== undefined) tokens.push({ kind: 'word', text: match[2], quoted: true });
    else if (match[3] !== undefined) tokens.push({ kind: 'word', text: match[3], quoted: true });
    else tokens.push({ kind: 'word', text: match[4]!, quoted: false });
  }
  return tokens;
}

/** Parses an expression; throws KconfigExprError with a sentence when it is malformed. */
export function parseKconfigExpr(text: string): KconfigExpr {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new KconfigExprError('empty expression');
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const isOp = (op: string): boolean => {
    const token = peek();
    return token?.kind === 'op' && token.text === op;
  };

  const or = (): KconfigExpr => {
    let left = and();
    while (isOp('||')) {
      position++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): KconfigExpr => {
    let left = unary();
    while (isOp('&&')) {
      position++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): KconfigExpr => {
    if (isOp('!')) {
      position++;
      return { kind: 'not', operand: unary() };
    }
    if (isOp('(')) {
      position++;
      const inner = or();
      if (!isOp(')')) throw new KconfigExprError(`missing ')' in '${text.trim()}'`);
      position++;
      return inner;
    }
    const left = word();
    const token = peek();
    if (token?.kind === 'op' && ['=', '!=', '<', '>', '<=', '>='].includes(token.text)) {
      position++;
      return { kind: 'compare', op: token.text as '=', left, right: word() };
    }
    return left;
  };
  const word = (): KconfigExpr => {
    const token = tokens[position++];
    if (!token) throw new KconfigExprError(`expression '${text.trim()}' ends too early`);
    if (token.kind !== 'word') throw new KconfigExprError(`unexpected '${token.text}' in '${text.trim()}'`);
    if (token.quoted || /^-?(0x[0-9a-fA-F]+|[0-9]+)$/.test(token.text)) return { kind: 'constant', text: token.text };
    if (!/^[A-Za-z0-9_$]+$/.test(token.text))
      throw new KconfigExprError(`'${token.text}' is not a symbol name in '${text.trim()}'`);
    return { kind: 'symbol', name: token.text };
  };

  const expression = or();
  if (position < tokens.length)
    throw new KconfigExprError(`unexpected '${tokens[position]!.text}' in '${text.trim()}'`);
  return expression;
}

/** The expression as Kconfig would print it, with parentheses only where precedence needs them. */
export function formatKconfigExpr(expr: KconfigExpr, parent: 'or' | 'and' | 'not' | null = null): string {
  switch (expr.kind) {
    case 'symbol':
      return expr.name === UNKNOWN_MACRO ? '$(...)' : expr.name;
    case 'constant':
      return /^[A-Za-z0-9_-]+$/.test(expr.text) ? expr.text : `"${expr.text}"`;
    case 'compare':
      return `${formatKconfigExpr(expr.left, 'not')}${expr.op}${formatKconfigExpr(expr.right, 'not')}`;
    case 'not':
      return `!${formatKconfigExpr(expr.operand, 'not')}`;
    case 'and': {
      const text = `${formatKconfigExpr(expr.left, 'and')} && ${formatKconfigExpr(expr.right, 'and')}`;
      return parent === 'not' ? `(${text})` : text;
    }
    case 'or': {
      const text = `${formatKconfigExpr(expr.left, 'or')} || ${formatKconfigExpr(expr.right, 'or')}`;
      return parent === 'and' || parent === 'not' ? `(${text})` : text;
    }
  }
}

/** The conjunction of several expressions (dependencies add up), or null for none. */
export function allOf(expressions: readonly KconfigExpr[]): KconfigExpr | null {
  if (expressions.length === 0) return null;
  return expressions.reduce((left, right) => ({ kind: 'and', left, right }));
}

/** The terms of a conjunction, flattened: `A && (B && C)` gives A, B, C. */
export function conjuncts(expr: KconfigExpr): KconfigExpr[] {
  return expr.kind === 'and' ? [...conjuncts(expr.left), ...conjuncts(expr.right)] : [expr];
}

/** The terms of a disjunction, flattened. */
export function disjuncts(expr: KconfigExpr): KconfigExpr[] {
  return expr.kind === 'or' ? [...disjuncts(expr.left), ...disjuncts(expr.right)] : [expr];
}

/** Every symbol name the expression reads. */
export function symbolsOf(expr: KconfigExpr, into: Set<string> = new Set()): Set<string> {
  switch (expr.kind) {
    case 'symbol':
      into.add(expr.name);
      break;
    case 'constant':
      break;
    case 'not':
      symbolsOf(expr.operand, into);
      break;
    default:
      symbolsOf(expr.left, into);
      symbolsOf(expr.right, into);
  }
  return into;
}
