// Resolves a size argument to a constant when the text allows it: literals, sizeof of fixed-width kernel types,
// simple constant arithmetic, SZ_* and BIT() (include/linux/sizes.h, include/linux/bits.h), the file's own
// object-like #defines, and multiples of PAGE_SIZE (kept symbolic because PAGE_SIZE differs per platform).
import type { SizeFact } from './callsite';
import type { FileDefines } from './defines';

/** sizeof of the kernel's fixed-width types (include/uapi/asm-generic/int-ll64.h, include/linux/types.h). */
const FIXED_SIZES: Record<string, bigint> = {
  char: 1n,
  'unsigned char': 1n,
  'signed char': 1n,
  u8: 1n,
  s8: 1n,
  __u8: 1n,
  __s8: 1n,
  short: 2n,
  'unsigned short': 2n,
  u16: 2n,
  s16: 2n,
  __u16: 2n,
  __s16: 2n,
  __le16: 2n,
  __be16: 2n,
  int: 4n,
  'unsigned int': 4n,
  unsigned: 4n,
  u32: 4n,
  s32: 4n,
  __u32: 4n,
  __s32: 4n,
  __le32: 4n,
  __be32: 4n,
  'long long': 8n,
  'unsigned long long': 8n,
  u64: 8n,
  s64: 8n,
  __u64: 8n,
  __s64: 8n,
  __le64: 8n,
  __be64: 8n,
};

const SZ_UNITS: Record<string, bigint> = {
  '': 1n,
  K: 1024n,
  M: 1024n * 1024n,
  G: 1024n * 1024n * 1024n,
  T: 1024n ** 4n,
};

/** Two page geometries: a size that is the same multiple of PAGE_SIZE in both is a page multiple. */
const PAGE_GEOMETRIES = [
  { size: 4096n, shift: 12n },
  { size: 65536n, shift: 16n },
] as const;

/**
 * Thrown to abandon an expression the evaluator cannot resolve, and always caught in `evaluate`. It is not an
 * Error on purpose: capturing a stack trace for each of the many unresolvable sizes cost a whole-tree scan
 * about 0.1 s per worker.
 */
class Unresolvable {}

interface Env {
  defines: FileDefines;
  pageSize: bigint;
  pageShift: bigint;
  usedPage: boolean;
  usedUnknownSizeof: boolean;
  depth: number;
}

export function sizeFact(text: string, defines: FileDefines): SizeFact {
  const trimmed = text.trim();
  const results = PAGE_GEOMETRIES.map((geometry) => evaluate(trimmed, defines, geometry.size, geometry.shift));
  const [small, large] = results as [Evaluation, Evaluation];
  if (small.unknownSizeof) return { value: null, text: trimmed, kind: 'sizeof', pages: null };
  if (small.value === null || large.value === null) return { value: null, text: trimmed, kind: 'unknown', pages: null };
  if (!small.usedPage)
    return { value: small.value, text: trimmed, kind: /\bsizeof\b/.test(trimmed) ? 'sizeof' : 'constant', pages: null };
  const pagesSmall = small.value / PAGE_GEOMETRIES[0].size;
  const pagesLarge = large.value / PAGE_GEOMETRIES[1].size;
  const whole = small.value % PAGE_GEOMETRIES[0].size === 0n && large.value % PAGE_GEOMETRIES[1].size === 0n;
  if (whole && pagesSmall === pagesLarge && pagesSmall > 0n && pagesSmall <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return { value: null, text: trimmed, kind: 'page_size', pages: Number(pagesSmall) };
  }
  return { value: null, text: trimmed, kind: 'unknown', pages: null };
}

interface Evaluation {
  value: bigint | null;
  usedPage: boolean;
  unknownSizeof: boolean;
}

function evaluate(text: string, defines: FileDefines, pageSize: bigint, pageShift: bigint): Evaluation {
  const env: Env = { defines, pageSize, pageShift, usedPage: false, usedUnknownSizeof: false, depth: 0 };
  try {
    const value = new ExpressionParser(tokenize(text), env).parseAll();
    return { value: value >= 0n ? value : null, usedPage: env.usedPage, unknownSizeof: false };
  } catch (error) {
    if (!(error instanceof Unresolvable)) throw error;
    return { value: null, usedPage: env.usedPage, unknownSizeof: env.usedUnknownSizeof };
  }
}

type Token =
  | { kind: 'num'; value: bigint }
  | { kind: 'id'; text: string }
  | { kind: 'op'; text: string }
  | { kind: 'sizeof'; inner: string };

const TOKEN = /\s*(?:(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|([A-Za-z_]\w*)|(<<|>>|[-+*/%&|^~()?,]))/y;

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
    if (!match) throw new Unresolvable();
    at = TOKEN.lastIndex;
    if (match[1] !== undefined)
      tokens.push({
        kind: 'num',
        value: BigInt(
          match[1].startsWith('0') && match[1].length > 1 && !/^0[xX]/.test(match[1])
            ? `0o${match[1].slice(1)}`
            : match[1],
        ),
      });
    else if (match[2] === 'sizeof') {
      const inner = balancedParens(text, at);
      if (inner === null) throw new Unresolvable();
      tokens.push({ kind: 'sizeof', inner: inner.text });
      at = inner.end;
    } else if (match[2] !== undefined) tokens.push({ kind: 'id', text: match[2] });
    else tokens.push({ kind: 'op', text: match[3]! });
  }
  return tokens;
}

/** The text inside the parentheses that start at or after `from` (skipping spaces), and the offset after them. */
function balancedParens(text: string, from: number): { text: string; end: number } | null {
  let at = from;
  while (at < text.length && /\s/.test(text[at]!)) at++;
  if (text[at] !== '(') return null;
  let depth = 0;
  for (let index = at; index < text.length; index++) {
    if (text[index] === '(') depth++;
    else if (text[index] === ')' && --depth === 0) return { text: text.slice(at + 1, index), end: index + 1 };
  }
  return null;
}

const MAX_DEFINE_DEPTH = 8;

/** Precedence climbing over the C operators that appear in constant sizes. */
class ExpressionParser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly env: Env,
  ) {}

  parseAll(): bigint {
    const value = this.binary(0);
    if (this.position !== this.tokens.length) throw new Unresolvable();
    return value;
  }

  private static readonly PRECEDENCE: Record<string, number> = {
    '|': 1,
    '^': 2,
    '&': 3,
    '<<': 4,
    '>>': 4,
    '+': 5,
    '-': 5,
    '*': 6,
    '/': 6,
    '%': 6,
  };

  private binary(minimum: number): bigint {
    let left = this.unary();
    for (;;) {
      const token = this.tokens[this.position];
      if (token?.kind !== 'op') return left;
      const precedence = ExpressionParser.PRECEDENCE[token.text];
      if (precedence === undefined || precedence < minimum) return left;
      this.position++;
      const right = this.binary(precedence + 1);
      left = apply(token.text, left, right);
    }
  }

  private unary(): bigint {
    const token = this.tokens[this.position++];
    if (!token) throw new Unresolvable();
    if (token.kind === 'num') return token.value;
    if (token.kind === 'sizeof') return this.sizeOf(token.inner);
    if (token.kind === 'op') {
      if (token.text === '(') return this.parenthesised();
      if (token.text === '+') return this.unary();
      throw new Unresolvable();
    }
    return this.identifier(token.text);
  }

  /** `( expr )`, or a cast `(type) operand` whose type is a single known word. */
  private parenthesised(): bigint {
    const first = this.tokens[this.position];
    const closing = this.tokens[this.position + 1];
    const after = this.tokens[this.position + 2];
    if (
      first?.kind === 'id' &&
      closing?.kind === 'op' &&
      closing.text === ')' &&
      after &&
      isCastType(first.text, this.env)
    ) {
      if (after.kind !== 'op' || after.text === '(') {
        this.position += 2;
        return this.unary();
      }
    }
    const value = this.binary(0);
    this.expectClosingParen();
    return value;
  }

  private identifier(name: string): bigint {
    if (name === 'PAGE_SIZE') {
      this.env.usedPage = true;
      return this.env.pageSize;
    }
    if (name === 'PAGE_SHIFT') {
      this.env.usedPage = true;
      return this.env.pageShift;
    }
    const sz = /^SZ_(\d+)([KMGT]?)$/.exec(name);
    if (sz) return BigInt(sz[1]!) * SZ_UNITS[sz[2]!]!;
    if (name === 'BIT' || name === 'BIT_ULL') {
      const argument = this.callArgument();
      if (argument > 127n) throw new Unresolvable();
      return 1n << argument;
    }
    return this.macro(name);
  }

  private callArgument(): bigint {
    const open = this.tokens[this.position++];
    if (open?.kind !== 'op' || open.text !== '(') throw new Unresolvable();
    const value = this.binary(0);
    this.expectClosingParen();
    return value;
  }

  private expectClosingParen(): void {
    const close = this.tokens[this.position++];
    if (close?.kind !== 'op' || close.text !== ')') throw new Unresolvable();
  }

  private macro(name: string): bigint {
    const body = this.env.defines.lookup(name);
    if (body === undefined || this.env.depth >= MAX_DEFINE_DEPTH) throw new Unresolvable();
    this.env.depth++;
    try {
      return new ExpressionParser(tokenize(body), this.env).parseAll();
    } finally {
      this.env.depth--;
    }
  }

  private sizeOf(inner: string): bigint {
    const type = inner
      .trim()
      .replace(/\s+/g, ' ')
      .replace(/^(const|volatile) /, '');
    const known = FIXED_SIZES[type];
    if (known !== undefined) return known;
    this.env.usedUnknownSizeof = true;
    throw new Unresolvable();
  }
}

function isCastType(word: string, env: Env): boolean {
  return (
    word in FIXED_SIZES ||
    /^(size_t|ssize_t|dma_addr_t|phys_addr_t|long|ulong|uint)$/.test(word) ||
    (env.defines.lookup(word) === undefined && /_t$/.test(word))
  );
}

function apply(operator: string, left: bigint, right: bigint): bigint {
  switch (operator) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      if (right === 0n) throw new Unresolvable();
      return left / right;
    case '%':
      if (right === 0n) throw new Unresolvable();
      return left % right;
    case '<<':
      if (right < 0n || right > 127n) throw new Unresolvable();
      return left << right;
    case '>>':
      if (right < 0n || right > 127n) throw new Unresolvable();
      return left >> right;
    case '&':
      return left & right;
    case '|':
      return left | right;
    case '^':
      return left ^ right;
    default:
      throw new Unresolvable();
  }
}
