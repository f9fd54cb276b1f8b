// C integer constant expressions (C11 6.6) over tokens whose macros are already expanded: what a size
// argument or an array dimension in kernel code computes. Beyond the `#if` flavour (evaluate.ts), C has
// `sizeof`, casts, and identifiers that are not zero but objects or enum constants; those are answered
// by the caller through the hooks, which know the target's ABI and the tree's definitions. Anything the
// hooks cannot answer makes the whole expression unknown, with the reason.
import { integerValue } from './evaluate';
import { charLiteralValue, type PpToken } from './tokens';

export interface CEvaluationHooks {
  /** `sizeof(type-name)`: the tokens between the parentheses when they name a type; null when they do not. */
  sizeofType(tokens: readonly PpToken[]): bigint | null | 'not-a-type';
  /** `sizeof expression` (`sizeof(buf)`, `sizeof(*p)`), or null when unknown. */
  sizeofExpression(tokens: readonly PpToken[]): bigint | null;
  /** An identifier left after expansion: an enum constant's value, or null. */
  identifier(name: string): bigint | null;
  /** Whether the tokens between `(` and `)` are a type name (a cast), and its width in bits and signedness. */
  castType(tokens: readonly PpToken[]): { bits: number; unsigned: boolean } | null;
  /** `ARRAY_SIZE(name)` and friends the caller knows as built-ins: their value, or undefined when not built in. */
  builtin?(name: string, args: readonly PpToken[][]): bigint | null | undefined;
}

export type CEvaluation = { value: bigint } | { unknown: string };

class Unknown {
  constructor(readonly reason: string) {}
}

interface Value {
  value: bigint;
  unsigned: boolean;
}

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

/** Evaluates the tokens as one C constant expression in 64-bit arithmetic. */
export function evaluateC(tokens: readonly PpToken[], hooks: CEvaluationHooks): CEvaluation {
  const list = tokens.filter((token) => token.kind !== 'newline');
  if (list.length === 0) return { unknown: 'empty expression' };
  try {
    const parser = new CParser(list, hooks);
    const result = parser.expression();
    if (!parser.done()) throw new Unknown(`'${parser.rest()}' is not part of a constant expression`);
    return { value: result.unsigned ? BigInt.asUintN(64, result.value) : BigInt.asIntN(64, result.value) };
  } catch (error) {
    if (error instanceof Unknown) return { unknown: error.reason };
    throw error;
  }
}

class CParser {
  private at = 0;

  constructor(
    private readonly tokens: readonly PpToken[],
    private readonly hooks: CEvaluationHooks,
  ) {}

  done(): boolean {
    return this.at >= this.tokens.length;
  }

  rest(): string {
    return this.tokens
      .slice(this.at)
      .map((token) => token.text)
      .join(' ');
  }

  private peek(offset = 0): PpToken | undefined {
    return this.tokens[this.at + offset];
  }

  private expect(text: string): void {
    if (this.peek()?.text !== text) throw new Unknown(`expected '${text}'`);
    this.at++;
  }

  expression(): Value {
    const value = this.conditional();
    // A comma expression's value is its last operand.
    if (this.peek()?.text === ',') {
      this.at++;
      return this.expression();
    }
    return value;
  }

  private conditional(): Value {
    const condition = this.binary(1);
    if (this.peek()?.text !== '?') return condition;
    this.at++;
    const yes = this.conditional();
    this.expect(':');
    const no = this.conditional();
    const chosen = condition.value !== 0n ? yes : no;
    return { value: chosen.value, unsigned: yes.unsigned || no.unsigned };
  }

  private binary(level: number): Value {
    let left = this.unary();
    for (;;) {
      const operator = this.peek()?.text;
      const precedence = operator === undefined ? undefined : PRECEDENCE[operator];
      if (precedence === undefined || precedence < level) return left;
      this.at++;
      const right = this.binary(precedence + 1);
      left = apply(operator!, left, right);
    }
  }

  private unary(): Value {
    const token = this.peek();
    if (!token) throw new Unknown('the expression ends too early');
    switch (token.text) {
      case '-':
      case '+':
      case '~':
      case '!': {
        this.at++;
        const operand = this.unary();
        if (token.text === '+') return operand;
        if (token.text === '-') return { value: wrap(-operand.value, operand.unsigned), unsigned: operand.unsigned };
        if (token.text === '~') return { value: wrap(~operand.value, operand.unsigned), unsigned: operand.unsigned };
        return { value: operand.value === 0n ? 1n : 0n, unsigned: false };
      }
      case 'sizeof':
        this.at++;
        return { value: this.sizeOf(), unsigned: true };
      case '(': {
        const cast = this.castAhead();
        if (cast) {
          const operand = this.unary();
          return { value: truncate(operand.value, cast.bits, cast.unsigned), unsigned: cast.unsigned };
        }
        this.at++;
        const inner = this.expression();
        this.expect(')');
        return inner;
      }
      default:
        return this.primary();
    }
  }

  /** A cast `(type)` at the current position: consumes it and returns the type, or returns null. */
  private castAhead(): { bits: number; unsigned: boolean } | null {
    const close = this.closing(this.at);
    if (close < 0) return null;
    const inner = this.tokens.slice(this.at + 1, close);
    const next = this.tokens[close + 1];
    // `(x) + 1` is a parenthesised operand, `(u32)x` a cast: a cast is followed by an operand.
    if (!next || (next.kind === 'punct' && !['(', '-', '~', '!', '+', '*', '&'].includes(next.text))) return null;
    const type = this.hooks.castType(inner);
    if (!type) return null;
    this.at = close + 1;
    return type;
  }

  /** The index of the `)` closing the `(` at `open`, or -1. */
  private closing(open: number): number {
    let depth = 0;
    for (let index = open; index < this.tokens.length; index++) {
      const text = this.tokens[index]!.text;
      if (text === '(') depth++;
      else if (text === ')' && --depth === 0) return index;
    }
    return -1;
  }

  private sizeOf(): bigint {
    if (this.peek()?.text === '(') {
      const close = this.closing(this.at);
      if (close < 0) throw new Unknown("missing ')' after sizeof");
      const inner = this.tokens.slice(this.at + 1, close);
      const asType = this.hooks.sizeofType(inner);
      if (asType !== 'not-a-type') {
        if (asType === null) throw new Unknown(`the size of ${spell(inner)} is not known`);
        this.at = close + 1;
        return asType;
      }
    }
    // `sizeof expr`: the operand is a unary expression; take the tokens up to the next binary operator.
    const start = this.at;
    let depth = 0;
    while (this.at < this.tokens.length) {
      const text = this.tokens[this.at]!.text;
      if (text === '(' || text === '[') depth++;
      else if (text === ')' || text === ']') {
        if (depth === 0) break;
        depth--;
      } else if (
        depth === 0 &&
        this.at > start &&
        (PRECEDENCE[text] !== undefined || text === '?' || text === ':' || text === ',')
      )
        break;
      this.at++;
    }
    const operand = unparenthesise(this.tokens.slice(start, this.at));
    const value = this.hooks.sizeofExpression(operand);
    if (value === null) throw new Unknown(`the size of ${spell(operand)} is not known`);
    return value;
  }

  private primary(): Value {
    const token = this.tokens[this.at++]!;
    if (token.kind === 'number') {
      const literal = integerValue(token.text, 'cpp');
      if (!literal) throw new Unknown(`'${token.text}' is not an integer constant`);
      return { value: literal.bits, unsigned: literal.unsigned };
    }
    if (token.kind === 'char') {
      const value = charLiteralValue(token.text);
      if (value === null) throw new Unknown(`bad character constant ${token.text}`);
      return { value: BigInt(value), unsigned: false };
    }
    if (token.kind === 'ident') {
      if (this.peek()?.text === '(' && this.hooks.builtin) {
        const close = this.closing(this.at);
        const args = close < 0 ? [] : splitArguments(this.tokens.slice(this.at + 1, close));
        const value = this.hooks.builtin(token.text, args);
        if (value !== undefined) {
          if (value === null)
            throw new Unknown(`${token.text}(${spell(this.tokens.slice(this.at + 1, close))}) is not known`);
          this.at = close + 1;
          return { value, unsigned: true };
        }
      }
      const value = this.hooks.identifier(token.text);
      if (value === null) throw new Unknown(`'${token.text}' is not a constant`);
      return { value, unsigned: false };
    }
    throw new Unknown(`unexpected '${token.text}'`);
  }
}

function apply(operator: string, left: Value, right: Value): Value {
  const unsigned = left.unsigned || right.unsigned;
  const a = unsigned ? BigInt.asUintN(64, left.value) : left.value;
  const b = unsigned ? BigInt.asUintN(64, right.value) : right.value;
  const result = (value: bigint): Value => ({ value: wrap(value, unsigned), unsigned });
  const truth = (value: boolean): Value => ({ value: value ? 1n : 0n, unsigned: false });
  switch (operator) {
    case '||':
      return truth(a !== 0n || b !== 0n);
    case '&&':
      return truth(a !== 0n && b !== 0n);
    case '|':
      return result(a | b);
    case '^':
      return result(a ^ b);
    case '&':
      return result(a & b);
    case '==':
      return truth(a === b);
    case '!=':
      return truth(a !== b);
    case '<':
      return truth(a < b);
    case '>':
      return truth(a > b);
    case '<=':
      return truth(a <= b);
    case '>=':
      return truth(a >= b);
    case '+':
      return result(a + b);
    case '-':
      return result(a - b);
    case '*':
      return result(a * b);
    case '/':
    case '%':
      if (b === 0n) throw new Unknown('division by zero');
      return result(operator === '/' ? a / b : a % b);
    case '<<':
    case '>>': {
      if (b < 0n || b >= 64n) throw new Unknown(`a shift by ${b}`);
      const shifted = operator === '<<' ? a << b : a >> b;
      return { value: wrap(shifted, left.unsigned), unsigned: left.unsigned };
    }
  }
  throw new Unknown(`operator '${operator}'`);
}

function wrap(value: bigint, unsigned: boolean): bigint {
  return unsigned ? BigInt.asUintN(64, value) : BigInt.asIntN(64, value);
}

function truncate(value: bigint, bits: number, unsigned: boolean): bigint {
  return unsigned ? BigInt.asUintN(bits, value) : BigInt.asIntN(bits, value);
}

function unparenthesise(tokens: readonly PpToken[]): PpToken[] {
  let list = [...tokens];
  while (list.length >= 2 && list[0]!.text === '(' && list[list.length - 1]!.text === ')') {
    let depth = 0;
    let wraps = true;
    for (let index = 0; index < list.length - 1; index++) {
      if (list[index]!.text === '(') depth++;
      else if (list[index]!.text === ')' && --depth === 0) {
        wraps = false;
        break;
      }
    }
    if (!wraps) break;
    list = list.slice(1, -1);
  }
  return list;
}

/** Arguments of a call, split at top-level commas. */
export function splitArguments(tokens: readonly PpToken[]): PpToken[][] {
  const args: PpToken[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.text === '(' || token.text === '[' || token.text === '{') depth++;
    else if (token.text === ')' || token.text === ']' || token.text === '}') depth--;
    if (token.text === ',' && depth === 0) args.push([]);
    else args[args.length - 1]!.push(token);
  }
  return args.length === 1 && args[0]!.length === 0 ? [] : args;
}

/** Tokens as one line of text, for reasons shown to the user. */
export function spell(tokens: readonly PpToken[]): string {
  return tokens
    .map((token, index) => (index > 0 && token.space ? ` ${token.text}` : token.text))
    .join('')
    .trim();
}
