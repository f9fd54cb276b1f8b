// One Kconfig file read into its statements (Documentation/kbuild/kconfig-language.rst): config and
// menuconfig entries with their attributes, choice, menu and if blocks with what they contain, comments,
// and source lines. Lines are joined at a trailing backslash, `#` starts a comment outside quotes, and help
// text runs until a line indented less than its first line. Anything malformed is reported with its line
// and skipped, so one bad line never hides the rest of the file.
import { KconfigExprError, parseKconfigExpr, UNKNOWN_MACRO, type KconfigExpr } from './kconfig-expression';

/** An expression with the line it was written on (one-based) and its text. */
export interface Located {
  readonly expr: KconfigExpr;
  readonly line: number;
  readonly text: string;
}

/**
 * An expression parsed on first use: a whole-tree question evaluates a fraction of the entries of the
 * files it reads. One that does not parse is unknown (a symbol nobody defines the value of); the
 * problem is reported when the file is parsed with `eager`.
 */
class LazyLocated implements Located {
  private parsed: KconfigExpr | null = null;

  constructor(
    readonly text: string,
    readonly line: number,
  ) {}

  get expr(): KconfigExpr {
    if (!this.parsed) {
      try {
        this.parsed = parseKconfigExpr(replaceMacros(this.text));
      } catch (error) {
        if (!(error instanceof KconfigExprError)) throw error;
        this.parsed = { kind: 'symbol', name: UNKNOWN_MACRO };
      }
    }
    return this.parsed;
  }
}

export interface Conditional<T> {
  value: T;
  /** The `if` part of the attribute, or null. */
  cond: Located | null;
  line: number;
}

export type KconfigType = 'bool' | 'tristate' | 'string' | 'hex' | 'int';

export interface ConfigEntry {
  kind: 'config';
  name: string;
  line: number;
  menuconfig: boolean;
  type: KconfigType | null;
  prompts: Conditional<string>[];
  defaults: Conditional<Located>[];
  depends: Located[];
  selects: Conditional<string>[];
  implies: Conditional<string>[];
}

export interface ChoiceBlock {
  kind: 'choice';
  line: number;
  prompts: Conditional<string>[];
  depends: Located[];
  body: Statement[];
}

export interface MenuBlock {
  kind: 'menu';
  line: number;
  title: string;
  depends: Located[];
  visible: Located[];
  body: Statement[];
}

export interface IfBlock {
  kind: 'if';
  line: number;
  cond: Located;
  body: Statement[];
}

export interface SourceStatement {
  kind: 'source';
  line: number;
  /** The path as written, macros such as `$(SRCARCH)` left in. */
  path: string;
  /** `rsource`/`orsource`: relative to the including file's directory. */
  relative: boolean;
  /** `osource`/`orsource`: a missing file is no error. */
  optional: boolean;
}

export interface CommentStatement {
  kind: 'comment';
  line: number;
  depends: Located[];
}

export type Statement = ConfigEntry | ChoiceBlock | MenuBlock | IfBlock | SourceStatement | CommentStatement;

export interface KconfigProblem {
  line: number;
  message: string;
}

export interface KconfigFile {
  statements: Statement[];
  problems: KconfigProblem[];
}

interface Line {
  number: number;
  /** The logical line without its comment, trimmed. */
  text: string;
}

type Container = { statements: Statement[]; block: ChoiceBlock | MenuBlock | IfBlock | null };

const TYPES = new Set(['bool', 'tristate', 'string', 'hex', 'int']);

export interface ParseOptions {
  /** Parse every expression at once and report the malformed ones (the whole-tree check). */
  eager?: boolean;
}

export function parseKconfig(text: string, options: ParseOptions = {}): KconfigFile {
  const problems: KconfigProblem[] = [];
  const root: Container = { statements: [], block: null };
  const stack: Container[] = [root];
  /** The entry or block whose attributes the following lines set. */
  let current: ConfigEntry | ChoiceBlock | MenuBlock | CommentStatement | null = null;
  const problem = (line: Line, message: string) => problems.push({ line: line.number, message });
  const add = (statement: Statement) => stack[stack.length - 1]!.statements.push(statement);
  const open = (block: ChoiceBlock | MenuBlock | IfBlock) => {
    add(block);
    stack.push({ statements: block.body, block });
  };
  const close = (line: Line, kind: 'choice' | 'menu' | 'if') => {
    const top = stack[stack.length - 1]!;
    if (top.block?.kind !== kind) {
      problem(line, `'end${kind}' without a matching '${kind}'`);
      return;
    }
    stack.pop();
  };
  const expression = (line: Line, source: string): Located | null => {
    if (!options.eager) return new LazyLocated(source.trim(), line.number);
    try {
      return { expr: parseKconfigExpr(replaceMacros(source)), line: line.number, text: source.trim() };
    } catch (error) {
      if (!(error instanceof KconfigExprError)) throw error;
      problem(line, error.message);
      return null;
    }
  };

  const reader = new LineReader(text);
  for (let line = reader.next(); line; line = reader.next()) {
    if (line.text === '') continue;
    const [keyword, rest] = splitKeyword(line.text);
    switch (keyword) {
      case 'config':
      case 'menuconfig': {
        if (!/^[A-Za-z0-9_]+$/.test(rest)) {
          problem(line, `'${keyword}' needs one symbol name, not '${rest}'`);
          current = null;
          break;
        }
        const entry: ConfigEntry = {
          kind: 'config',
          name: rest,
          line: line.number,
          menuconfig: keyword === 'menuconfig',
          type: null,
          prompts: [],
          defaults: [],
          depends: [],
          selects: [],
          implies: [],
        };
        add(entry);
        current = entry;
        break;
      }
      case 'choice': {
        const block: ChoiceBlock = { kind: 'choice', line: line.number, prompts: [], depends: [], body: [] };
        open(block);
        current = block;
        break;
      }
      case 'menu': {
        const block: MenuBlock = {
          kind: 'menu',
          line: line.number,
          title: unquote(rest),
          depends: [],
          visible: [],
          body: [],
        };
        open(block);
        current = block;
        break;
      }
      case 'if': {
        const cond = expression(line, rest);
        open({
          kind: 'if',
          line: line.number,
          cond: cond ?? { expr: { kind: 'symbol', name: UNKNOWN_MACRO }, line: line.number, text: rest },
          body: [],
        });
        current = null;
        break;
      }
      case 'endchoice':
      case 'endmenu':
      case 'endif':
        close(line, keyword.slice(3) as 'choice' | 'menu' | 'if');
        current = null;
        break;
      case 'source':
      case 'rsource':
      case 'osource':
      case 'orsource':
        add({
          kind: 'source',
          line: line.number,
          path: unquote(rest),
          relative: keyword.startsWith('r') || keyword.startsWith('or'),
          optional: keyword.startsWith('o'),
        });
        current = null;
        break;
      case 'comment': {
        const statement: CommentStatement = { kind: 'comment', line: line.number, depends: [] };
        add(statement);
        current = statement;
        break;
      }
      case 'mainmenu':
        current = null;
        break;
      case 'help':
      case '---help---':
        reader.skipHelp();
        break;
      default:
        // Preprocessor statements: variable assignments and bare function calls such as `$(error-if,...)`.
        if (line.text.startsWith('$(') || isMacroAssignment(line.text)) break;
        if (!current) problem(line, `'${line.text}' is outside any config entry`);
        else attribute(line, keyword, rest, current, expression, problem);
    }
  }
  for (const open of stack.slice(1).reverse())
    problems.push({ line: open.block!.line, message: `'${open.block!.kind}' is never closed` });
  return { statements: root.statements, problems };
}

function attribute(
  line: Line,
  keyword: string,
  rest: string,
  current: ConfigEntry | ChoiceBlock | MenuBlock | CommentStatement,
  expression: (line: Line, source: string) => Located | null,
  problem: (line: Line, message: string) => void,
): void {
  const entry = current.kind === 'config' ? current : null;
  const withPrompts = current.kind === 'config' || current.kind === 'choice' ? current : null;
  const conditional = <T>(value: T, condText: string | null): Conditional<T> | null => {
    if (condText === null) return { value, cond: null, line: line.number };
    const cond = expression(line, condText);
    return cond ? { value, cond, line: line.number } : null;
  };
  if (TYPES.has(keyword) || keyword === 'def_bool' || keyword === 'def_tristate') {
    const type = (keyword.startsWith('def_') ? keyword.slice(4) : keyword) as KconfigType;
    if (entry) entry.type = type;
    if (keyword.startsWith('def_')) {
      const [value, cond] = splitIf(rest);
      const located = expression(line, value);
      const made = located ? conditional(located, cond) : null;
      if (made && entry) entry.defaults.push(made);
      return;
    }
    if (rest && withPrompts) addPrompt(rest, withPrompts, conditional);
    return;
  }
  switch (keyword) {
    case 'prompt':
      if (withPrompts) addPrompt(rest, withPrompts, conditional);
      return;
    case 'default': {
      const [value, cond] = splitIf(rest);
      const located = expression(line, value);
      const made = located ? conditional(located, cond) : null;
      if (made && entry) entry.defaults.push(made);
      return;
    }
    case 'depends': {
      const match = /^on\s+(.*)$/.exec(rest);
      if (!match) {
        problem(line, `'depends' must be followed by 'on'`);
        return;
      }
      const located = expression(line, match[1]!);
      if (located && 'depends' in current) current.depends.push(located);
      return;
    }
    case 'select':
    case 'imply': {
      const [name, cond] = splitIf(rest);
      if (!/^[A-Za-z0-9_]+$/.test(name)) {
        problem(line, `'${keyword}' needs one symbol name, not '${name}'`);
        return;
      }
      const made = conditional(name, cond);
      if (made && entry) (keyword === 'select' ? entry.selects : entry.implies).push(made);
      return;
    }
    case 'visible': {
      const match = /^if\s+(.*)$/.exec(rest);
      const located = match ? expression(line, match[1]!) : null;
      if (!match) problem(line, `'visible' must be followed by 'if'`);
      if (located && current.kind === 'menu') current.visible.push(located);
      return;
    }
    case 'range':
    case 'option':
    case 'modules':
    case 'optional':
    case 'transitional':
      return;
    default:
      problem(line, `unknown Kconfig keyword '${keyword}'`);
  }
}

function addPrompt(
  rest: string,
  target: ConfigEntry | ChoiceBlock,
  conditional: (value: string, cond: string | null) => Conditional<string> | null,
): void {
  const match = /^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*(?:if\s+(.*))?$/.exec(rest);
  const made = match ? conditional(unquote(match[1]!), match[2] ?? null) : conditional(rest, null);
  if (made) target.prompts.push(made);
}

/** `value if condition` split at the first `if` outside quotes and parentheses. */
function splitIf(text: string): [string, string | null] {
  let depth = 0;
  let quote: string | null = null;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (
      depth === 0 &&
      text.startsWith('if', index) &&
      /\s/.test(text[index - 1] ?? '') &&
      /[\s(!]/.test(text[index + 2] ?? '')
    )
      return [text.slice(0, index).trim(), text.slice(index + 2).trim()];
  }
  return [text.trim(), null];
}

function splitKeyword(text: string): [string, string] {
  const match = /^(\S+)\s*(.*)$/.exec(text);
  return match ? [match[1]!, match[2]!.trim()] : [text, ''];
}

function unquote(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length >= 2 && (trimmed[0] === '"' || trimmed[0] === "'") && trimmed.endsWith(trimmed[0]))
    return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
  return trimmed;
}

/** Kconfig's preprocessor variables (`cc-option := ...`, `X = ...`, `Y += ...`) at the top of a line. */
function isMacroAssignment(text: string): boolean {
  return /^[A-Za-z0-9_-]+\s*(:=|\+=|=)/.test(text);
}

/**
 * `$(...)` references in an expression. `$(ARCH)` and `$(SRCARCH)` stay, as the symbols `$ARCH` and
 * `$SRCARCH` outside quotes, since a model evaluates them per architecture; anything else (compiler
 * probes such as `$(cc-option,-mfoo)`) cannot be known without running the toolchain and becomes unknown.
 */
export function replaceMacros(text: string): string {
  if (!text.includes('$(')) return text;
  let out = '';
  let quote: string | null = null;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '$' && text[index + 1] === '(') {
      const end = closingParen(text, index + 1);
      const inner = text.slice(index + 2, end);
      if (inner === 'ARCH' || inner === 'SRCARCH') out += quote ? `$(${inner})` : `$${inner}`;
      else out += quote ? '$(unknown)' : UNKNOWN_MACRO;
      index = end;
      continue;
    }
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    out += char;
  }
  return out;
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    if (text[index] === '(') depth++;
    else if (text[index] === ')' && --depth === 0) return index;
  }
  return text.length - 1;
}

/**
 * The logical lines of a file, read on demand: most of a Kconfig file is help text, which is skipped by
 * its indentation alone without building a line for it.
 */
class LineReader {
  private position = 0;
  private number = 0;

  constructor(private readonly text: string) {}

  /** The next logical line (physical lines joined at a trailing backslash), or null at the end. */
  next(): Line | null {
    const { text } = this;
    if (this.position >= text.length) return null;
    const number = this.number + 1;
    let raw = '';
    for (;;) {
      const end = this.lineEnd();
      let physical = text.slice(this.position, end);
      if (physical.endsWith('\r')) physical = physical.slice(0, -1);
      this.position = end + 1;
      this.number++;
      if (physical.endsWith('\\') && this.position < text.length) raw += physical.slice(0, -1);
      else {
        raw += physical;
        break;
      }
    }
    const stripped = stripComment(raw).trim();
    return { number, text: stripped };
  }

  /**
   * Skips help text: the first line with text sets the indentation, and the text ends before the first
   * line indented less (a first line without indentation means there is no text; scripts/kconfig/lexer.l).
   */
  skipHelp(): void {
    let helpIndent = -1;
    while (this.position < this.text.length) {
      const end = this.lineEnd();
      const indent = this.indentAt(end);
      if (indent >= 0) {
        if (helpIndent < 0) {
          if (indent === 0) return;
          helpIndent = indent;
        } else if (indent < helpIndent) return;
      }
      this.position = end + 1;
      this.number++;
    }
  }

  private lineEnd(): number {
    const end = this.text.indexOf('\n', this.position);
    return end < 0 ? this.text.length : end;
  }

  /** Columns of white space before the line's text (tabs to multiples of eight), or -1 for a blank line. */
  private indentAt(end: number): number {
    let columns = 0;
    for (let index = this.position; index < end; index++) {
      const code = this.text.charCodeAt(index);
      if (code === 32) columns++;
      else if (code === 9) columns = (Math.floor(columns / 8) + 1) * 8;
      else if (code !== 13) return columns;
    }
    return -1;
  }
}

/** The line up to a `#` outside quotes. */
function stripComment(raw: string): string {
  if (!raw.includes('#')) return raw;
  let quote: string | null = null;
  for (let index = 0; index < raw.length; index++) {
    const char = raw[index]!;
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '#') return raw.slice(0, index);
  }
  return raw;
}
