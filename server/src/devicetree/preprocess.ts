// The first half of the kernel's device-tree build, as scripts/Makefile.lib runs it:
//   cpp -nostdinc -I scripts/dtc/include-prefixes -undef -D__DTS__ -x assembler-with-cpp FILE.dts
// followed by dtc's own lexical `/include/`. The output is the text dtc parses, with an origin map back to
// every file and macro use it came from. Files reached through `/include/` are not preprocessed (dtc reads
// them as they are), exactly as in the kernel build.
import { dirname, isAbsolute, join } from 'node:path';
import { charLiteralValue, tokenize, type PpToken } from '../preprocessor/tokens';
import type { MacroEngine } from './macros';
import { OriginMap } from './origin-map';
import { ProblemList, type DtProblem } from './problems';

/** Reads source files; the language server puts open editor buffers in front of the disk. */
export interface SourceReader {
  /** The text of an absolute path, or null when it does not exist or cannot be read. */
  read(path: string): string | null;
}

export interface PreprocessOptions {
  reader: SourceReader;
  /** cpp's -I folders, searched for `#include "x"` after the including file's folder and for `#include <x>`. */
  includeDirs: readonly string[];
  /** dtc's -i folders, searched for `/include/ "x"` after the including file's folder. */
  dtcIncludeDirs: readonly string[];
  macros: MacroEngine;
  /** Token lists by file and text, shared between the boards that include the same headers. */
  tokenCache?: Map<string, { text: string; tokens: PpToken[] }>;
  /** The kernel preprocesses .dts files; false reads the main file as dtc reads a `/include/` (overlays built by hand). */
  cpp?: boolean;
}

export interface Preprocessed {
  /** The text dtc would read. */
  text: string;
  map: OriginMap;
  /** Every file read, the main file first: what a change must invalidate. */
  files: string[];
  problems: DtProblem[];
  /** cpp stopped (a missing include, `#error`, unbalanced conditionals): the kernel build would fail here. */
  failed: boolean;
}

/** cpp's own nesting limit is 200; a loop of includes stops well before the stack does. */
const MAX_INCLUDE_DEPTH = 64;

const DIRECTIVES = new Set([
  'define',
  'undef',
  'include',
  'include_next',
  'if',
  'ifdef',
  'ifndef',
  'elif',
  'elifdef',
  'elifndef',
  'else',
  'endif',
  'error',
  'warning',
  'pragma',
  'line',
  'ident',
  'sccs',
  'assert',
  'unassert',
]);

/** An integer literal with a suffix dtc accepts (0x10UL) but the grammar does not. */
const SUFFIXED_INTEGER = /^(0[xX][0-9a-fA-F]+|[0-9]+)([uU]|[lL]|[uU][lL]|[lL][uU]|[lL][lL]|[uU][lL][lL]|[lL][lL][uU])$/;

interface Conditional {
  /** Text in this branch reaches dtc. */
  active: boolean;
  /** Some branch of this #if chain was taken (later #elif/#else branches are skipped). */
  done: boolean;
  /** The enclosing block is active. */
  outer: boolean;
  origin: { file: string; start: number; end: number };
}

export function preprocess(mainFile: string, options: PreprocessOptions): Preprocessed {
  const run = new PreprocessRun(options);
  run.start(mainFile, options.cpp ?? true);
  return run.result();
}

class PreprocessRun {
  private readonly out: string[] = [];
  private outLength = 0;
  private readonly map = new OriginMap();
  private readonly problems = new ProblemList();
  private readonly files: string[] = [];
  private failed = false;
  private depth = 0;

  constructor(private readonly options: PreprocessOptions) {}

  start(file: string, cpp: boolean): void {
    const source = this.load(file);
    if (!source) {
      this.fail(`cannot read ${file}`, null);
      return;
    }
    if (cpp) this.cppFile(file, source.text, source.tokens);
    else this.rawFile(file, source.text, source.tokens);
  }

  result(): Preprocessed {
    return {
      text: this.out.join(''),
      map: this.map,
      files: this.files,
      problems: this.problems.items,
      failed: this.failed,
    };
  }

  private load(file: string): { text: string; tokens: PpToken[] } | null {
    const text = this.options.reader.read(file);
    if (text === null) return null;
    if (!this.files.includes(file)) this.files.push(file);
    const cache = this.options.tokenCache;
    const cached = cache?.get(file);
    if (cached && cached.text === text) return cached;
    const entry = { text, tokens: tokenize(text) };
    cache?.set(file, entry);
    return entry;
  }

  private fail(message: string, origin: { file: string; start: number; end: number } | null): void {
    this.failed = true;
    this.problems.error(message, origin);
  }

  // Output.

  private emitVerbatim(file: string, text: string, start: number, end: number): void {
    if (end <= start) return;
    this.map.add(this.outLength, file, start, end, true);
    this.push(text.slice(start, end));
  }

  private emitMapped(file: string, text: string, start: number, end: number): void {
    this.map.add(this.outLength, file, start, end, false);
    this.push(text);
  }

  private push(text: string): void {
    this.out.push(text);
    this.outLength += text.length;
  }

  /** Character literals become their values and integer suffixes go: dtc reads both, the grammar neither. */
  private normalized(token: PpToken): string | null {
    if (token.kind === 'char') {
      const value = charLiteralValue(token.text);
      return value === null ? null : String(value);
    }
    if (token.kind === 'number') {
      const match = SUFFIXED_INTEGER.exec(token.text);
      const digits = match ? match[1]! : token.text;
      // dtc reads 0X as 0x; the grammar only knows the lower-case prefix.
      const lower = digits.startsWith('0X') ? `0x${digits.slice(2)}` : digits;
      return lower === token.text ? null : lower;
    }
    return null;
  }

  private lastOutputChar(): string {
    const last = this.out[this.out.length - 1];
    return last ? last[last.length - 1]! : '\n';
  }

  /** The kind of the last token emitted from an expansion: a number fuses with a following `.`, `+` or `-`. */
  private lastKind: PpToken['kind'] | null = null;

  /** Emits expansion tokens with the spacing cpp prints: the macro body's, plus a space where tokens would fuse. */
  private emitExpansion(file: string, tokens: readonly PpToken[], start: number, end: number): void {
    let first = true;
    for (const token of tokens) {
      const text = this.normalized(token) ?? token.text;
      const previous = this.lastOutputChar();
      const space = (!first && token.space) || wouldFuse(previous, first ? null : this.lastKind, text[0] ?? '');
      if (space) this.emitMapped(file, ' ', start, end);
      this.emitMapped(file, text, start, end);
      this.lastKind = token.kind;
      first = false;
    }
  }

  // Files read by dtc's /include/: no directives, no macros.

  private rawFile(file: string, text: string, tokens: PpToken[]): void {
    this.withDepth(file, () => this.textRun(file, text, tokens, 0, tokens.length, 0, false));
  }

  private withDepth(file: string, body: () => void): void {
    if (this.depth >= MAX_INCLUDE_DEPTH) {
      this.fail(`includes nested more than ${MAX_INCLUDE_DEPTH} deep at ${file} (an include loop?)`, null);
      return;
    }
    this.depth++;
    try {
      body();
    } finally {
      this.depth--;
    }
  }

  // Files read by cpp.

  private cppFile(file: string, text: string, tokens: PpToken[]): void {
    this.withDepth(file, () => this.cppTokens(file, text, tokens));
  }

  private cppTokens(file: string, text: string, tokens: PpToken[]): void {
    const stack: Conditional[] = [];
    const active = () => stack.length === 0 || stack[stack.length - 1]!.active;
    let index = 0;
    let cursor = 0;
    while (index < tokens.length) {
      const lineEnd = nextNewline(tokens, index);
      const directive = directiveAt(tokens, index, lineEnd);
      if (directive) {
        this.emitVerbatim(file, text, cursor, tokens[index]!.start);
        this.directive(file, tokens, index, lineEnd, directive, stack);
        index = lineEnd;
        cursor = index < tokens.length ? tokens[index]!.start : text.length;
        continue;
      }
      if (!active()) {
        index = lineEnd + 1;
        cursor = index < tokens.length ? tokens[index]!.start : text.length;
        // Skipped text leaves its line breaks, so the output keeps the source's line structure.
        if (lineEnd < tokens.length) this.emitVerbatim(file, text, tokens[lineEnd]!.start, tokens[lineEnd]!.end);
        continue;
      }
      // A run of text lines up to the next directive: a function-like macro's arguments may span lines.
      let runEnd = lineEnd + 1;
      while (runEnd < tokens.length) {
        const next = nextNewline(tokens, runEnd);
        if (directiveAt(tokens, runEnd, next)) break;
        runEnd = next + 1;
      }
      runEnd = Math.min(runEnd, tokens.length);
      cursor = this.textRun(file, text, tokens, index, runEnd, cursor, true);
      index = runEnd;
    }
    this.emitVerbatim(file, text, cursor, text.length);
    for (const open of stack) this.fail('#if without #endif: cpp stops here', open.origin);
  }

  /**
   * Emits the tokens [from, to) from `cursor` on: text between tokens verbatim, macro uses expanded, dtc's
   * `/include/` spliced in. Returns the new cursor.
   */
  private textRun(
    file: string,
    text: string,
    tokens: PpToken[],
    from: number,
    to: number,
    cursor: number,
    expand: boolean,
  ): number {
    let run: PpToken[] | null = null;
    for (let index = from; index < to;) {
      const token = tokens[index]!;
      const include = dtcIncludeAt(tokens, index, to);
      if (include) {
        this.emitVerbatim(file, text, cursor, token.start);
        this.dtcInclude(file, include.path);
        cursor = include.end;
        index = include.next;
        continue;
      }
      if (expand && token.kind === 'ident' && this.options.macros.isDefined(token.text)) {
        run ??= tokens.slice(from, to);
        const expansion = this.options.macros.expand(run, index - from);
        if (expansion && 'error' in expansion) this.fail(expansion.error, { file, start: token.start, end: token.end });
        else if (expansion) {
          const last = run[expansion.next - 1]!;
          this.emitVerbatim(file, text, cursor, token.start);
          this.emitExpansion(file, expansion.tokens, token.start, last.end);
          const following = tokens[from + expansion.next];
          if (
            following &&
            following.start === last.end &&
            wouldFuse(this.lastOutputChar(), this.lastKind, following.text[0] ?? '')
          )
            this.emitMapped(file, ' ', last.end, last.end);
          cursor = last.end;
          index = from + expansion.next;
          continue;
        }
      }
      const normal = this.normalized(token);
      if (normal !== null) {
        this.emitVerbatim(file, text, cursor, token.start);
        this.emitMapped(file, normal, token.start, token.end);
        cursor = token.end;
      }
      index++;
    }
    const end = to < tokens.length ? tokens[to]!.start : text.length;
    this.emitVerbatim(file, text, cursor, end);
    return end;
  }

  private dtcInclude(from: string, literal: PpToken): void {
    const name = literal.text.slice(1, -1);
    const path = this.resolve(name, from, this.options.dtcIncludeDirs, true);
    const origin = { file: from, start: literal.start, end: literal.end };
    const source = path ? this.load(path) : null;
    if (!path || !source) {
      this.fail(
        `/include/ "${name}": file not found (searched ${this.searched(from, this.options.dtcIncludeDirs)})`,
        origin,
      );
      return;
    }
    this.rawFile(path, source.text, source.tokens);
  }

  private resolve(name: string, from: string, dirs: readonly string[], local: boolean): string | null {
    if (isAbsolute(name)) return this.options.reader.read(name) === null ? null : name;
    const candidates = [...(local ? [dirname(from)] : []), ...dirs].map((dir) => join(dir, name));
    return candidates.find((candidate) => this.options.reader.read(candidate) !== null) ?? null;
  }

  private searched(from: string, dirs: readonly string[]): string {
    return [dirname(from), ...dirs].join(', ');
  }

  // Directives.

  private directive(
    file: string,
    tokens: PpToken[],
    index: number,
    lineEnd: number,
    name: string,
    stack: Conditional[],
  ): void {
    const hash = tokens[index]!;
    const nameToken = tokens[index + 1];
    const args = tokens.slice(index + 2, lineEnd);
    const lineEndOffset = tokens[lineEnd - 1]?.end ?? hash.end;
    const origin = { file, start: hash.start, end: lineEndOffset };
    const top = stack[stack.length - 1];
    const active = !top || top.active;
    const macros = this.options.macros;
    switch (name) {
      case 'ifdef':
      case 'ifndef': {
        const defined = args[0]?.kind === 'ident' && macros.isDefined(args[0].text);
        const value = name === 'ifdef' ? defined : !defined;
        stack.push({ active: active && value, done: !active || value, outer: active, origin });
        return;
      }
      case 'if': {
        const value = active ? this.condition(args, origin) : false;
        stack.push({ active: active && value, done: !active || value, outer: active, origin });
        return;
      }
      case 'elif':
      case 'elifdef':
      case 'elifndef': {
        if (!top) return this.fail(`#${name} without #if`, origin);
        if (top.done || !top.outer) {
          top.active = false;
          return;
        }
        let value: boolean;
        if (name === 'elif') value = this.condition(args, origin);
        else {
          const defined = args[0]?.kind === 'ident' && macros.isDefined(args[0].text);
          value = name === 'elifdef' ? defined : !defined;
        }
        top.active = value;
        top.done = value;
        return;
      }
      case 'else':
        if (!top) return this.fail('#else without #if', origin);
        top.active = top.outer && !top.done;
        top.done = true;
        return;
      case 'endif':
        if (!stack.pop()) this.fail('#endif without #if', origin);
        return;
    }
    if (!active) return;
    switch (name) {
      case 'define': {
        const complaint = macros.define(args);
        if (complaint) this.fail(`#define: ${complaint}`, origin);
        return;
      }
      case 'undef':
        if (args[0]?.kind === 'ident') macros.undefine(args[0].text);
        return;
      case 'include':
      case 'include_next':
        this.include(file, args, origin);
        return;
      case 'error':
        this.fail(`#error ${lineText(args)}: cpp stops here, so dtc never runs`, origin);
        return;
      case 'warning':
        this.problems.warning(`#warning ${lineText(args)}`, origin);
        return;
      default:
        // #pragma, #line, #ident and friends change nothing dtc reads.
        void nameToken;
    }
  }

  private condition(args: PpToken[], origin: { file: string; start: number; end: number }): boolean {
    const result = this.options.macros.condition(args);
    if ('error' in result) {
      this.fail(`#if: ${result.error}`, origin);
      return false;
    }
    return result.value;
  }

  private include(file: string, args: PpToken[], origin: { file: string; start: number; end: number }): void {
    let operand = args;
    // `#include MACRO` names the file through a macro.
    if (operand[0]?.kind === 'ident') {
      const expansion = this.options.macros.expand(operand, 0);
      if (expansion && 'tokens' in expansion) operand = expansion.tokens;
    }
    const first = operand[0];
    let name: string | null = null;
    let quoted = false;
    if (first?.kind === 'string') {
      name = first.text.slice(1, -1);
      quoted = true;
    } else if (first?.text === '<') {
      const close = operand.findIndex((token) => token.text === '>');
      if (close > 0)
        name = operand
          .slice(1, close)
          .map((token, i) => (i > 0 && token.space ? ' ' : '') + token.text)
          .join('');
    }
    if (name === null) return this.fail('#include expects "FILE" or <FILE>', origin);
    const path = this.resolve(name, file, this.options.includeDirs, quoted);
    const source = path ? this.load(path) : null;
    if (!path || !source) {
      const dirs = quoted ? this.searched(file, this.options.includeDirs) : this.options.includeDirs.join(', ');
      this.fail(
        `#include ${quoted ? `"${name}"` : `<${name}>`}: file not found (searched ${dirs || 'nothing'})`,
        origin,
      );
      return;
    }
    this.cppFile(path, source.text, source.tokens);
  }
}

function nextNewline(tokens: PpToken[], from: number): number {
  let index = from;
  while (index < tokens.length && tokens[index]!.kind !== 'newline') index++;
  return index;
}

/** The directive name when the line [index, lineEnd) is a preprocessor directive for cpp. */
function directiveAt(tokens: PpToken[], index: number, lineEnd: number): string | null {
  const hash = tokens[index];
  if (!hash || hash.text !== '#' || index >= lineEnd) return null;
  const name = tokens[index + 1];
  // A lone `#` and a line marker (`# 12 "file"`) are directives that do nothing.
  if (!name || index + 1 >= lineEnd) return 'null';
  if (name.kind === 'number') return 'line';
  // In assembler-with-cpp mode an unknown `#word` (a property such as #address-cells) is ordinary text.
  return name.kind === 'ident' && DIRECTIVES.has(name.text) ? name.text : null;
}

/** dtc's lexer rule `"/include/"{WS}*{STRING}`: the keyword written without spaces, then a string. */
function dtcIncludeAt(
  tokens: PpToken[],
  index: number,
  to: number,
): { path: PpToken; end: number; next: number } | null {
  const [slash, word, close] = [tokens[index], tokens[index + 1], tokens[index + 2]];
  if (slash?.text !== '/' || word?.text !== 'include' || close?.text !== '/') return null;
  if (word.space || close.space) return null;
  let next = index + 3;
  while (next < to && tokens[next]!.kind === 'newline') next++;
  const path = tokens[next];
  if (!path || path.kind !== 'string' || next >= to) return null;
  return { path, end: path.end, next: next + 1 };
}

function lineText(tokens: PpToken[]): string {
  return tokens.map((token, index) => (index > 0 && token.space ? ' ' : '') + token.text).join('');
}

/**
 * Whether two characters written side by side would lex as one token where cpp kept two (cpp_avoid_paste);
 * `previousKind` is the kind of the token the first character ends, when known.
 */
function wouldFuse(previous: string, previousKind: PpToken['kind'] | null, next: string): boolean {
  const word = /[A-Za-z0-9_$]/;
  if (word.test(previous) && (word.test(next) || next === "'" || next === '"')) return true;
  if (previousKind === 'number' && /[.+-]/.test(next)) return true;
  if (/[=!<>+\-*/%&|^]/.test(previous) && next === '=') return true;
  return ['>>', '<<', '++', '--', '&&', '||', '->', '##', '//', '/*', '..', '<:', '<%', ':>', '%:'].includes(
    previous + next,
  );
}
