// One source file as its compiler would see it for one target: the file, then the headers it includes
// (breadth first, found through the kernel's include paths for the target's architecture) and the headers
// every kernel build forces in. Names are looked up nearest first; a definition under #if/#ifdef counts
// when its conditions hold for the target. A condition on a CONFIG_ option the target leaves to the user
// stops the lookup with NeedChoice, and the caller evaluates once with the option on and once off.
import {
  MacroTable,
  parseDefinition,
  tokenize,
  evaluateTokens,
  expandAll,
  type Macro,
  type PpToken,
} from '../preprocessor';
import type {
  ArrayDefinition,
  Condition,
  Conditions,
  FileDefinitions,
  RecordDefinition,
  TypedefDefinition,
} from './file-definitions';
import type { HeaderStore } from './header-store';
import { FORCED_INCLUDES, includeCandidates } from './include-paths';
import type { TargetMachine } from './target-machine';

/** Thrown when the answer depends on an option the target leaves to the user. */
export class NeedChoice {
  constructor(readonly symbol: string) {}
}

/** Thrown when a definition cannot be resolved, with the reason in words. */
export class Unresolved {
  constructor(readonly reason: string) {}
}

export interface Found<T> {
  definition: T;
  file: string;
  definitions: FileDefinitions;
}

/** Where a macro came from, for the derivation shown to the user. */
export interface MacroUse {
  name: string;
  file: string;
  offset: number;
}

/** The breadth-first walk stops here: enough for the deepest kernel include chains. */
const MAX_FILES = 2500;
const DEFINING_LIMIT = 5000;

export class TranslationUnit {
  private readonly order: string[] = [];
  private readonly seen = new Set<string>();
  private walked = 0;
  private readonly defining = new Map<string, { files: string[]; walked: number }>();
  private exhausted = false;
  /** The options chosen for this evaluation (on/off), by symbol without CONFIG_. */
  assignment: ReadonlyMap<string, boolean> = new Map();
  /** Macros used by the current evaluation, in order, for the derivation. */
  readonly uses: MacroUse[] = [];
  readonly macros: TuMacros;
  private readonly predefined: MacroTable;

  constructor(
    readonly store: HeaderStore,
    /** The file's path relative to the tree's root. */
    readonly path: string,
    readonly machine: TargetMachine,
    readonly intrinsics: MacroTable,
  ) {
    this.visit(path);
    this.predefined = predefinedMacros(machine);
    this.macros = new TuMacros(this);
  }

  /** Starts an evaluation under an assignment of free options. */
  begin(assignment: ReadonlyMap<string, boolean>): void {
    this.assignment = assignment;
    this.uses.length = 0;
    this.macros.reset();
  }

  /** The files of the unit in lookup order, read as far as `index`; null past the end. */
  fileAt(index: number): string | null {
    while (index >= this.order.length && !this.exhausted) this.expand();
    return this.order[index] ?? null;
  }

  private visit(path: string): void {
    if (this.seen.has(path) || this.order.length >= MAX_FILES) return;
    this.seen.add(path);
    this.order.push(path);
  }

  /** Adds the includes of the next walked file (and, after the file itself, the forced includes). */
  private expand(): void {
    if (this.walked >= this.order.length) {
      this.exhausted = true;
      return;
    }
    const file = this.order[this.walked++]!;
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    for (const include of this.store.includes(file) ?? []) {
      const found = includeCandidates(include.path, include.system, dir, this.machine.srcarch).find((candidate) =>
        this.store.exists(candidate),
      );
      if (found) this.visit(found);
    }
    if (this.walked === 1) for (const forced of FORCED_INCLUDES) if (this.store.exists(forced)) this.visit(forced);
  }

  /**
   * Definitions of `name` file by file, nearest first, for files that may define it. The walk through
   * the includes goes only as far as the caller reads; where it got to is kept per name.
   */
  private *candidates(name: string): Generator<{ file: string; definitions: FileDefinitions }> {
    let entry = this.defining.get(name);
    if (!entry) {
      if (this.defining.size >= DEFINING_LIMIT) this.defining.clear();
      entry = { files: [], walked: 0 };
      this.defining.set(name, entry);
    }
    for (let position = 0; ; position++) {
      while (position >= entry.files.length) {
        const file = this.fileAt(entry.walked);
        if (file === null) return;
        entry.walked++;
        if (this.store.mayDefine(file, name)) entry.files.push(file);
      }
      const file = entry.files[position]!;
      const definitions = this.store.definitions(file);
      if (definitions?.names.has(name)) yield { file, definitions };
    }
  }

  /** The macro's definition in force for the target: the nearest file's, among its alternatives the one whose conditions hold. */
  macro(name: string): Macro | null {
    for (const { file, definitions } of this.candidates(name)) {
      for (const macro of definitions.macros) {
        if (macro.name !== name || undefinedLater(definitions, macro.name, macro.offset)) continue;
        if (!this.holds(macro.conditions, definitions)) continue;
        const parsed = parseDefinition(macro.tokens);
        if (typeof parsed === 'string') throw new Unresolved(`#define ${name}: ${parsed}`);
        // Macros defined as nothing (__bitwise, __user) are no step of a derivation worth showing.
        if (parsed.body.length > 0) this.uses.push({ name, file, offset: macro.offset });
        return parsed;
      }
    }
    return this.predefined.get(name) ?? null;
  }

  record(kind: 'struct' | 'union', tag: string): Found<RecordDefinition> | null {
    for (const { file, definitions } of this.candidates(tag))
      for (const record of definitions.records)
        if (record.kind === kind && record.tag === tag && this.holds(record.conditions, definitions))
          return { definition: record, file, definitions };
    return null;
  }

  array(name: string): Found<ArrayDefinition> | null {
    for (const { file, definitions } of this.candidates(name))
      for (const array of definitions.arrays)
        if (array.name === name && this.holds(array.conditions, definitions))
          return { definition: array, file, definitions };
    return null;
  }

  typedef(name: string): Found<TypedefDefinition> | null {
    for (const { file, definitions } of this.candidates(name))
      for (const typedef of definitions.typedefs)
        if (typedef.name === name && this.holds(typedef.conditions, definitions))
          return { definition: typedef, file, definitions };
    return null;
  }

  /**
   * An enum constant: the nearest `= value` at or before it and how many constants later it comes (a
   * constant without `=` is the one before it plus one; the first is 0).
   */
  enumConstant(name: string): { base: PpToken[] | null; step: bigint; file: string; offset: number } | null {
    for (const { file, definitions } of this.candidates(name))
      for (const definition of definitions.enums) {
        const index = definition.constants.findIndex((constant) => constant.name === name);
        if (index < 0 || !this.holds(definition.conditions, definitions)) continue;
        const offset = definition.constants[index]!.offset;
        for (let at = index; at >= 0; at--) {
          const value = definition.constants[at]!.value;
          if (value) return { base: value, step: BigInt(index - at), file, offset };
        }
        return { base: null, step: BigInt(index), file, offset };
      }
    return null;
  }

  /** True when every condition holds for the target and the current assignment. */
  holds(conditions: Conditions, definitions: FileDefinitions): boolean {
    return conditions.every((condition) => this.conditionHolds(condition, definitions));
  }

  private conditionHolds(condition: Condition, definitions: FileDefinitions): boolean {
    if (condition.kind === 'defined') {
      const name = condition.tokens[0]?.text ?? '';
      // An include guard is not yet defined where it is tested.
      if (name === definitions.guard) return condition.negated;
      return this.isDefined(name) !== condition.negated;
    }
    const value = this.evaluateIf(condition.tokens);
    return (value !== 0n) !== condition.negated;
  }

  /** `#ifdef NAME` / `defined(NAME)`. */
  isDefined(name: string): boolean {
    const option = /^CONFIG_([A-Za-z0-9_]+)$/.exec(name)?.[1];
    if (option) return this.option(option.replace(/_MODULE$/, '')) && !option.endsWith('_MODULE');
    if (this.intrinsics.has(name)) return true;
    return this.macro(name) !== null;
  }

  /** Whether a CONFIG_ option is on: fixed by the target, or chosen for this evaluation. */
  option(symbol: string): boolean {
    const state = this.machine.config(symbol);
    if (state !== 'free') return state === 'y';
    const chosen = this.assignment.get(symbol);
    if (chosen === undefined) throw new NeedChoice(symbol);
    return chosen;
  }

  /** An `#if` expression: `defined`, IS_ENABLED() and CONFIG_ options answered first, then cpp's rules. */
  evaluateIf(tokens: readonly PpToken[]): bigint {
    const replaced: PpToken[] = [];
    for (let index = 0; index < tokens.length; index++) {
      const token = tokens[index]!;
      const number = (value: boolean | bigint): PpToken => ({
        ...token,
        kind: 'number',
        text: String(typeof value === 'bigint' ? value : value ? 1 : 0),
      });
      if (token.text === 'defined') {
        const parenthesised = tokens[index + 1]?.text === '(';
        const name = tokens[index + (parenthesised ? 2 : 1)];
        if (!name) throw new Unresolved('#if: "defined" without a name');
        replaced.push(number(this.isDefined(name.text)));
        index += parenthesised ? 3 : 1;
        continue;
      }
      const configTest = /^(IS_ENABLED|IS_BUILTIN|IS_REACHABLE|IS_MODULE)$/.exec(token.text)?.[1];
      if (configTest && tokens[index + 1]?.text === '(' && tokens[index + 3]?.text === ')') {
        const option = /^CONFIG_([A-Za-z0-9_]+)$/.exec(tokens[index + 2]!.text)?.[1];
        if (option) {
          // Options are taken as built in: a module adds no definitions here.
          replaced.push(number(configTest !== 'IS_MODULE' && this.option(option)));
          index += 3;
          continue;
        }
      }
      const option = /^CONFIG_([A-Za-z0-9_]+)$/.exec(token.text)?.[1];
      if (option && !this.macros.has(token.text)) {
        replaced.push(number(this.option(option)));
        continue;
      }
      replaced.push(token);
    }
    const expanded = expandAll(this.macros, replaced);
    if ('error' in expanded) throw new Unresolved(`#if: ${expanded.error}`);
    const result = evaluateTokens(expanded.tokens, 'cpp');
    if ('error' in result) throw new Unresolved(`#if ${spellText(tokens)}: ${result.error}`);
    return result.value;
  }
}

/**
 * The macros of the unit under the current assignment, in the shape the expander takes: the caller's
 * intrinsics (PAGE_SIZE of the profile) first, then the nearest definition that holds, then the compiler's
 * predefined macros.
 */
export class TuMacros extends MacroTable {
  private readonly memo = new Map<string, Macro | null>();

  constructor(private readonly unit: TranslationUnit) {
    super();
  }

  reset(): void {
    this.memo.clear();
  }

  override get(name: string): Macro | undefined {
    const intrinsic = this.unit.intrinsics.get(name);
    if (intrinsic) return intrinsic;
    let macro = this.memo.get(name);
    if (macro === undefined) {
      macro = /^[A-Za-z_]/.test(name) ? this.unit.macro(name) : null;
      this.memo.set(name, macro);
    }
    return macro ?? undefined;
  }

  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

/** What GCC predefines for the target, as far as kernel headers test it. */
function predefinedMacros(machine: TargetMachine): MacroTable {
  const table = new MacroTable();
  const lp64 = machine.abi === 'LP64';
  const lines = [
    '__KERNEL__ 1',
    '__GNUC__ 12',
    '__CHAR_BIT__ 8',
    `__SIZEOF_LONG__ ${lp64 ? 8 : 4}`,
    `__SIZEOF_POINTER__ ${lp64 ? 8 : 4}`,
  ];
  if (lp64) lines.push('__LP64__ 1', '_LP64 1');
  lines.push(machine.bigEndian ? '__BIG_ENDIAN__ 1' : '__LITTLE_ENDIAN__ 1');
  const arch: Record<string, string[]> = {
    x86: lp64 ? ['__x86_64__ 1'] : ['__i386__ 1'],
    arm64: ['__aarch64__ 1'],
    arm: ['__arm__ 1'],
    powerpc: lp64 ? ['__powerpc64__ 1', '__powerpc__ 1', '__PPC64__ 1'] : ['__powerpc__ 1', '__PPC__ 1'],
    mips: lp64 ? ['__mips__ 1', '__mips64 1'] : ['__mips__ 1'],
    s390: ['__s390__ 1', '__s390x__ 1'],
  };
  lines.push(...(arch[machine.srcarch] ?? []));
  for (const line of lines) table.define(tokenize(line).filter((token) => token.kind !== 'newline'));
  return table;
}

/** A macro the same header #undefs after defining it is a local helper (apicdef.h's `u32`), not an export. */
function undefinedLater(definitions: FileDefinitions, name: string, offset: number): boolean {
  return definitions.undefs.some((undef) => undef.name === name && undef.offset > offset);
}

function spellText(tokens: readonly PpToken[]): string {
  return tokens.map((token) => token.text).join(' ');
}
