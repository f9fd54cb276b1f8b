// Whether a Kconfig symbol can be enabled (y or m) and whether it can be disabled in a kernel configured
// for one platform profile. A profile pins its machine: the architecture, the symbols it declares, and "no"
// for every other machine-selection symbol (another SoC family, another powerpc platform, Xen, ...);
// everything else is the user's choice within its dependencies, as `make menuconfig` would offer it.
// COMPILE_TEST is always off: a compile-test build runs on no real device, so `|| COMPILE_TEST` never
// widens where a driver runs.
//
// Symbols are treated independently where an expression names them several times, so the answer "can
// be enabled" may be optimistic for unusual combinations; it is never pessimistic for a plain chain of
// dependencies.
import { UNKNOWN_MACRO, type KconfigExpr } from './kconfig-expression';
import type { BuildProfile } from './build-profiles';
import type { KconfigTree, SymbolDefinition } from './kconfig-tree';

/** Bit 1: the symbol or expression can be y (or m). Bit 2: it can be n. */
export type Possible = 0 | 1 | 2 | 3;
export const CAN_Y = 1;
export const CAN_N = 2;
const BOTH: Possible = 3;

/** Symbols that are the name of a build mode rather than a feature: never a target. */
const NEVER = new Set(['COMPILE_TEST', 'BROKEN']);

export class ProfileReach {
  /** Memo of canY and canN per symbol: undefined = not asked yet, null = being computed (a cycle). */
  private readonly yes = new Map<string, boolean | null>();
  private readonly no = new Map<string, boolean | null>();

  constructor(
    readonly tree: KconfigTree,
    readonly profile: BuildProfile,
    /** Lets every machine choice of the architecture be made, for "which architectures could build it". */
    private readonly options: { anyMachine?: boolean } = {},
  ) {}

  symbol(name: string): Possible {
    return ((this.symbolCanY(name) ? CAN_Y : 0) | (this.symbolCanN(name) ? CAN_N : 0)) as Possible;
  }

  expr(expr: KconfigExpr): Possible {
    return ((this.canY(expr) ? CAN_Y : 0) | (this.canN(expr) ? CAN_N : 0)) as Possible;
  }

  /** The expression can be y (or m). Each question is asked only as far as its answer needs. */
  canY(expr: KconfigExpr): boolean {
    switch (expr.kind) {
      case 'symbol':
        return this.symbolCanY(expr.name);
      case 'constant':
        return constantValue(expr.text) === CAN_Y;
      case 'not':
        return this.canN(expr.operand);
      case 'and':
        return this.canY(expr.left) && this.canY(expr.right);
      case 'or':
        return this.canY(expr.left) || this.canY(expr.right);
      case 'compare':
        return Boolean(this.compare(expr) & CAN_Y);
    }
  }

  /** The expression can be n. */
  canN(expr: KconfigExpr): boolean {
    switch (expr.kind) {
      case 'symbol':
        return this.symbolCanN(expr.name);
      case 'constant':
        return constantValue(expr.text) === CAN_N;
      case 'not':
        return this.canY(expr.operand);
      case 'and':
        return this.canN(expr.left) || this.canN(expr.right);
      case 'or':
        return this.canN(expr.left) && this.canN(expr.right);
      case 'compare':
        return Boolean(this.compare(expr) & CAN_N);
    }
  }

  /** True when a definition is a machine choice the profile does not make (another SoC, platform or CPU). */
  isOtherMachine(definition: SymbolDefinition): boolean {
    return (
      !this.options.anyMachine &&
      definition.entry.prompts.length > 0 &&
      isMachineSymbol(definition, this.profile) &&
      !this.declared(definition.entry.name)
    );
  }

  private declared(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.profile.symbols, name);
  }

  /** A fixed answer for constants, declared, never-built, undefined and other-machine symbols; else null. */
  private fixed(name: string): Possible | null {
    if (this.declared(name)) return this.profile.symbols[name] ? CAN_Y : CAN_N;
    if (NEVER.has(name)) return CAN_N;
    if (name === UNKNOWN_MACRO) return BOTH;
    if (name === 'y' || name === 'm') return CAN_Y;
    if (name === 'n') return CAN_N;
    const definitions = this.tree.definitions(name);
    if (definitions.length === 0) return CAN_N;
    if (definitions.some((definition) => this.isOtherMachine(definition))) return CAN_N;
    return null;
  }

  private symbolCanY(name: string): boolean {
    const known = this.yes.get(name);
    if (known !== undefined) return known ?? true;
    this.yes.set(name, null);
    const value = this.computeCanY(name);
    this.yes.set(name, value);
    return value;
  }

  private symbolCanN(name: string): boolean {
    const known = this.no.get(name);
    if (known !== undefined) return known ?? true;
    this.no.set(name, null);
    const value = this.computeCanN(name);
    this.no.set(name, value);
    return value;
  }

  /** Enabled by a visible prompt or a default within its dependencies, or by a select (which ignores them). */
  private computeCanY(name: string): boolean {
    const fixed = this.fixed(name);
    if (fixed !== null) return Boolean(fixed & CAN_Y);
    for (const definition of this.tree.definitions(name)) {
      if (!definition.depends.every((located) => this.canY(located.expr))) continue;
      if (definition.entry.prompts.some((prompt) => !prompt.cond || this.canY(prompt.cond.expr))) return true;
      if (
        definition.entry.defaults.some(
          (fallback) => this.canY(fallback.value.expr) && (!fallback.cond || this.canY(fallback.cond.expr)),
        )
      )
        return true;
    }
    return this.tree.someSelector(
      name,
      (selector) => this.symbolCanY(selector.name) && (!selector.cond || this.canY(selector.cond.expr)),
    );
  }

  /**
   * Disabled unless something forces it on: a select from a symbol that is always y, or (for a symbol
   * without a prompt) a default that always applies.
   */
  private computeCanN(name: string): boolean {
    const fixed = this.fixed(name);
    if (fixed !== null) return Boolean(fixed & CAN_N);
    const definitions = this.tree.definitions(name);
    const prompted = definitions.some((definition) => definition.entry.prompts.length > 0);
    const mustY = (expr: KconfigExpr) => !this.canN(expr);
    if (
      !prompted &&
      definitions.some(
        (definition) =>
          definition.depends.every((located) => mustY(located.expr)) &&
          definition.entry.defaults.some(
            (fallback) => mustY(fallback.value.expr) && (!fallback.cond || mustY(fallback.cond.expr)),
          ),
      )
    )
      return false;
    return !this.tree.someSelector(
      name,
      (selector) => !this.symbolCanN(selector.name) && (!selector.cond || mustY(selector.cond.expr)),
    );
  }

  private compare(expr: Extract<KconfigExpr, { kind: 'compare' }>): Possible {
    const left = this.operand(expr.left);
    const right = this.operand(expr.right);
    if (left.text !== null && right.text !== null) {
      const equal = left.text === right.text;
      const truth =
        expr.op === '=' ? equal : expr.op === '!=' ? !equal : numericCompare(expr.op, left.text, right.text);
      return truth === null ? BOTH : truth ? CAN_Y : CAN_N;
    }
    // SYMBOL = y / m / n and their negations: the symbol's own possibilities.
    const symbol = left.text === null ? left : right;
    const constant = left.text === null ? right.text : left.text;
    if (symbol.possible === null || (constant !== 'y' && constant !== 'm' && constant !== 'n')) return BOTH;
    const enabled = constant === 'n' ? swap(symbol.possible) : symbol.possible;
    if (expr.op === '=') return enabled;
    if (expr.op === '!=') return swap(enabled);
    return BOTH;
  }

  /** A compare operand: its constant text when known here, else its possibilities when it is a bool symbol. */
  private operand(expr: KconfigExpr): { text: string | null; possible: Possible | null } {
    if (expr.kind === 'constant') {
      const text = expr.text.replace(/\$\((SRCARCH|ARCH)\)/g, (_, which: string) =>
        which === 'ARCH' ? this.profile.arch : this.profile.srcarch,
      );
      return { text: text.includes('$(') ? null : text, possible: null };
    }
    if (expr.kind === 'symbol') {
      if (expr.name === '$ARCH') return { text: this.profile.arch, possible: null };
      if (expr.name === '$SRCARCH') return { text: this.profile.srcarch, possible: null };
      if (expr.name === 'y' || expr.name === 'm' || expr.name === 'n') return { text: expr.name, possible: null };
      return { text: null, possible: this.symbol(expr.name) };
    }
    return { text: null, possible: this.expr(expr) };
  }
}

function constantValue(text: string): Possible {
  return text === 'y' || text === 'm' ? CAN_Y : CAN_N;
}

function swap(value: Possible): Possible {
  return (((value & CAN_Y) << 1) | ((value & CAN_N) >> 1)) as Possible;
}

function numericCompare(op: string, left: string, right: string): boolean | null {
  const a = Number(left);
  const b = Number(right);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
}

/**
 * Machine-selection symbols: the SoC families, boards, platforms and CPU types an architecture offers
 * (arch/arm/mach-*, arch/arm64/Kconfig.platforms, arch/powerpc/platforms/, the CPU-type and system-type
 * choices, hypervisor guests). A kernel for one machine says no to the others, whatever a multi-platform
 * configuration could also enable: a device of another SoC is not on this board. Options inside the
 * profile's own platform folders stay free.
 */
export function isMachineSymbol(definition: SymbolDefinition, profile: BuildProfile): boolean {
  const { file } = definition;
  const name = definition.entry.name;
  if (MACHINE_NAMES.has(name)) return true;
  if (FREE_NAMES.has(name)) return false;
  if (!file.startsWith(`arch/${profile.srcarch}/`)) return false;
  if (profile.folders.some((folder) => file.startsWith(folder))) return false;
  if (file === 'arch/arm64/Kconfig.platforms') return true;
  if (/^arch\/arm\/(mach|plat)-[^/]+\//.test(file)) return true;
  if (/^arch\/powerpc\/platforms\/[^/]+\//.test(file)) return true;
  if (/^arch\/mips\/[^/]+\/Kconfig/.test(file)) return true;
  if (file.startsWith('arch/x86/xen/')) return true;
  // The CPU-type and system-type choices of powerpc, MIPS and 32-bit ARM.
  const choiceFiles = [
    'arch/powerpc/platforms/Kconfig.cputype',
    'arch/powerpc/platforms/Kconfig',
    'arch/mips/Kconfig',
    'arch/arm/Kconfig',
  ];
  return definition.inChoice && choiceFiles.includes(file);
}

/** Hypervisor guests outside the per-architecture platform folders. */
const MACHINE_NAMES = new Set(['XEN', 'HYPERV', 'ACRN_GUEST', 'JAILHOUSE_GUEST']);

/** Choices that are not machines: either endianness runs on the same board. */
const FREE_NAMES = new Set(['CPU_BIG_ENDIAN', 'CPU_LITTLE_ENDIAN']);
