// Integer constant expressions over expanded tokens, in two flavours:
//   cpp  `#if` rules (C11 6.10.1): intmax_t, or uintmax_t once an operand is unsigned (usual arithmetic
//        conversions), identifiers left after expansion are 0, comparisons and logic give signed 0/1;
//   dtc  device-tree cell expressions (scripts/dtc/dtc-parser.y): everything uint64_t, shifts by 64 or more
//        give 0, no unary plus, and identifiers are errors because dtc knows no names.
import { charLiteralValue, type PpToken } from './tokens';

export type Flavour = 'cpp' | 'dtc';
export type Evaluation = { value: bigint } | { error: string };

interface Value {
  /** The 64 bits of the value, as an unsigned number. */
  bits: bigint;
  unsigned: boolean;
}

class EvaluationError extends Error {}

const U64 = (value: bigint): bigint => BigInt.asUintN(64, value);
const S64 = (value: bigint): bigint => BigInt.asIntN(64, value);

/** Evaluates the whole token list; the value is signed for cpp (unless unsigned) and unsigned for dtc. */
export function evaluateTokens(tokens: readonly PpToken[], flavour: Flavour): Evaluation {
  const list = tokens.filter((token) => token.kind !== 'newline');
  if (list.length === 0) return { error: 'empty expression' };
  const parser = new ExpressionParser(list, flavour);
  try {
    const value = parser.parse();
    return { value: flavour === 'dtc' || value.unsigned ? value.bits : S64(value.bits) };
  } catch (error) {
    if (error instanceof EvaluationError) return { error: error.message };
    throw error;
  }
}

/** The value of an integer literal with its suffixes; cpp accepts 0b binary, dtc reads with strtoull(..., 0). */
export function integerValue(text: string, flavour: Flavour): Value | null {
  const match = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(text.replace(/'/g, ''));
  if (!match) return null;
  const digits = match[1]!;
  const suffix = match[2]!.toLowerCase();
  if (!/^(u?(l|ll)?|(l|ll)u)$/.test(suffix)) return null;
  const value =
    digits.length > 1 && digits[0] === '0' && /^[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  if (value >> 64n !== 0n) return null;
  const unsigned = flavour === 'dtc' || suffix.includes('u') || value > 0x7fffffffffffffffn;
  return { bits: value, unsigned };
}

const BINARY: Record<string, number> = {
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

class ExpressionParser {
  private at = 0;

  constructor(
    private readonly tokens: readonly PpToken[],
    private readonly flavour: Flavour,
  ) {}

  parse(): Value {
    const value = this.conditional();
    const rest = this.tokens[this.at];
    if (rest) throw new EvaluationError(`unexpected '${rest.text}' in expression`);
    return value;
  }

  private peek(): string | undefined {
    return this.tokens[this.at]?.text;
  }

  /**
   * Operands cpp does not evaluate (the untaken side of `?:`, `&&`, `||`) are parsed but raise no division
   * by zero; dtc's parser computes every operand, so there they always count.
   */
  private unevaluated = 0;

  private skipping<T>(skip: boolean, parse: () => T): T {
    if (!skip || this.flavour === 'dtc') return parse();
    this.unevaluated++;
    try {
      return parse();
    } finally {
      this.unevaluated--;
    }
  }

  private conditional(): Value {
    const condition = this.binary(1);
    if (this.peek() !== '?') return condition;
    this.at++;
    const yes = this.skipping(condition.bits === 0n, () => this.conditional());
    if (this.peek() !== ':') throw new EvaluationError("expected ':' in a conditional expression");
    this.at++;
    const no = this.skipping(condition.bits !== 0n, () => this.conditional());
    const unsigned = yes.unsigned || no.unsigned;
    const chosen = condition.bits !== 0n ? yes : no;
    return { bits: chosen.bits, unsigned };
  }

  private binary(level: number): Value {
    let left = this.unary();
    for (;;) {
      const operator = this.peek();
      const precedence = operator === undefined ? undefined : BINARY[operator];
      if (precedence === undefined || precedence < level) return left;
      this.at++;
      const decided = (operator === '&&' && left.bits === 0n) || (operator === '||' && left.bits !== 0n);
      const right = this.skipping(decided, () => this.binary(precedence + 1));
      left = this.apply(operator!, left, right);
    }
  }

  private unary(): Value {
    const token = this.tokens[this.at];
    if (!token) throw new EvaluationError('expression ends too early');
    const operator = token.text;
    if (operator === '-' || operator === '~' || operator === '!' || (operator === '+' && this.flavour === 'cpp')) {
      this.at++;
      const operand = this.unary();
      if (operator === '+') return operand;
      if (operator === '-') return { bits: U64(-operand.bits), unsigned: operand.unsigned };
      if (operator === '~') return { bits: U64(~operand.bits), unsigned: operand.unsigned };
      return { bits: operand.bits === 0n ? 1n : 0n, unsigned: this.flavour === 'dtc' };
    }
    return this.primary();
  }

  private primary(): Value {
    const token = this.tokens[this.at++]!;
    if (token.text === '(') {
      const value = this.conditional();
      if (this.peek() !== ')') throw new EvaluationError("missing ')' in expression");
      this.at++;
      return value;
    }
    if (token.kind === 'number') {
      const value = integerValue(token.text, this.flavour);
      if (!value) throw new EvaluationError(`'${token.text}' is not an integer constant`);
      return value;
    }
    if (token.kind === 'char') {
      const value = charLiteralValue(token.text);
      if (value === null) throw new EvaluationError(`bad character constant ${token.text}`);
      return { bits: BigInt(value), unsigned: this.flavour === 'dtc' };
    }
    if (token.kind === 'ident') {
      if (this.flavour === 'dtc') throw new EvaluationError(`'${token.text}' is not a number (an undefined macro?)`);
      // An identifier that survived expansion is 0 in #if.
      if (this.peek() === '(') throw new EvaluationError(`function-like macro "${token.text}" is not defined`);
      return { bits: 0n, unsigned: false };
    }
    throw new EvaluationError(`unexpected '${token.text}' in expression`);
  }

  private apply(operator: string, left: Value, right: Value): Value {
    const dtc = this.flavour === 'dtc';
    const unsigned = dtc || left.unsigned || right.unsigned;
    const truth = (value: boolean): Value => ({ bits: value ? 1n : 0n, unsigned: dtc });
    const a = unsigned ? left.bits : S64(left.bits);
    const b = unsigned ? right.bits : S64(right.bits);
    const result = (value: bigint, isUnsigned = unsigned): Value => ({ bits: U64(value), unsigned: isUnsigned });
    switch (operator) {
      case '||':
        return truth(left.bits !== 0n || right.bits !== 0n);
      case '&&':
        return truth(left.bits !== 0n && right.bits !== 0n);
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
        if (b === 0n) {
          if (this.unevaluated > 0) return result(0n);
          throw new EvaluationError('division by zero');
        }
        return result(operator === '/' ? a / b : a % b);
      case '<<':
      case '>>': {
        // The result has the left operand's type; dtc gives 0 for counts of 64 or more.
        const count = right.unsigned || dtc ? right.bits : S64(right.bits);
        const leftValue = left.unsigned || dtc ? left.bits : S64(left.bits);
        const isUnsigned = dtc || left.unsigned;
        if (count < 0n || count >= 64n) return result(operator === '>>' && leftValue < 0n ? -1n : 0n, isUnsigned);
        return result(operator === '<<' ? leftValue << count : leftValue >> count, isUnsigned);
      }
    }
    throw new EvaluationError(`unknown operator '${operator}'`);
  }
}
