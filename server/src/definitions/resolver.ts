// The value of a C constant expression written at a call site, for one target: macros expanded through
// the file's translation unit, enum constants, `sizeof` of structs, unions, typedefs and arrays laid out
// by the target's ABI (natural alignment, `packed`, `aligned(N)`, flexible array members, bit-fields,
// nested and anonymous members). When the value depends on CONFIG_ options the target leaves to the user,
// each combination is evaluated and the alternatives are returned with the options that select them.
import {
  evaluateC,
  expandAll,
  splitArguments,
  spell,
  tokenize,
  type CEvaluationHooks,
  type PpToken,
} from '../preprocessor';
import { DeclarationError, parseDeclaration, splitMembers, type BaseType, type Declarator } from './declarations';
import type { BodyToken, FileDefinitions, RecordDefinition } from './file-definitions';
import { scalarLayout, type ScalarLayout } from './target-machine';
import { NeedChoice, TranslationUnit, Unresolved, type MacroUse } from './translation-unit';

export interface OptionChoice {
  symbol: string;
  on: boolean;
}

export interface ResolvedValue {
  value: bigint;
  /** The macros the value came through, nearest the call first. */
  uses: MacroUse[];
}

export type Resolution =
  | ({ kind: 'value' } & ResolvedValue)
  /** The value differs with options the target leaves to the user: one entry per combination. */
  | { kind: 'alternatives'; alternatives: ({ options: OptionChoice[] } & (ResolvedValue | { unknown: string }))[] }
  | { kind: 'unknown'; reason: string };

/** More options than this in one value is past what a reader can take in. */
const MAX_OPTIONS = 3;
const MAX_DEPTH = 24;

/** Kernel types every tree defines the same way, for files outside a kernel tree. */
const FALLBACK_TYPES: Record<string, { size: bigint; unsigned: boolean } | 'long' | 'pointer'> = {
  u8: { size: 1n, unsigned: true },
  s8: { size: 1n, unsigned: false },
  __u8: { size: 1n, unsigned: true },
  __s8: { size: 1n, unsigned: false },
  u16: { size: 2n, unsigned: true },
  s16: { size: 2n, unsigned: false },
  __u16: { size: 2n, unsigned: true },
  __s16: { size: 2n, unsigned: false },
  __le16: { size: 2n, unsigned: true },
  __be16: { size: 2n, unsigned: true },
  u32: { size: 4n, unsigned: true },
  s32: { size: 4n, unsigned: false },
  __u32: { size: 4n, unsigned: true },
  __s32: { size: 4n, unsigned: false },
  __le32: { size: 4n, unsigned: true },
  __be32: { size: 4n, unsigned: true },
  u64: { size: 8n, unsigned: true },
  s64: { size: 8n, unsigned: false },
  __u64: { size: 8n, unsigned: true },
  __s64: { size: 8n, unsigned: false },
  __le64: { size: 8n, unsigned: true },
  __be64: { size: 8n, unsigned: true },
  bool: { size: 1n, unsigned: true },
  size_t: 'long',
  ssize_t: 'long',
  uintptr_t: 'pointer',
};

interface TypeLayout extends ScalarLayout {
  unsigned: boolean;
}

export class DefinitionResolver {
  private depth = 0;

  constructor(readonly unit: TranslationUnit) {}

  /** Evaluates an expression as written in the file, for every combination of the options it depends on. */
  evaluate(text: string): Resolution {
    const tokens = tokenize(text).filter((token) => token.kind !== 'newline');
    const results: ({ options: OptionChoice[] } & (ResolvedValue | { unknown: string }))[] = [];
    const pending: Map<string, boolean>[] = [new Map()];
    while (pending.length > 0) {
      const assignment = pending.shift()!;
      const options = [...assignment].map(([symbol, on]) => ({ symbol, on }));
      this.unit.begin(assignment);
      try {
        const value = this.value(tokens);
        results.push({ options, value, uses: dedupe(this.unit.uses) });
      } catch (error) {
        if (error instanceof NeedChoice) {
          if (assignment.size >= MAX_OPTIONS)
            return { kind: 'unknown', reason: `it depends on more than ${MAX_OPTIONS} configuration options` };
          pending.push(new Map([...assignment, [error.symbol, true]]), new Map([...assignment, [error.symbol, false]]));
        } else if (error instanceof Unresolved) results.push({ options, unknown: error.reason });
        else throw error;
      }
    }
    const first = results[0]!;
    const same = results.every((result) => 'value' in result && 'value' in first && result.value === first.value);
    if (same && 'value' in first) return { kind: 'value', value: first.value, uses: first.uses };
    if (results.length === 1 && 'unknown' in first) return { kind: 'unknown', reason: first.unknown };
    return { kind: 'alternatives', alternatives: results };
  }

  /** The value of expanded-or-not tokens; throws Unresolved or NeedChoice. */
  private value(tokens: readonly PpToken[]): bigint {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      throw new Unresolved('definitions nest too deeply');
    }
    try {
      const expanded = expandAll(this.unit.macros, tokens);
      if ('error' in expanded) throw new Unresolved(expanded.error);
      const result = evaluateC(expanded.tokens, this.hooks);
      if ('unknown' in result) throw new Unresolved(result.unknown);
      return result.value;
    } finally {
      this.depth--;
    }
  }

  private readonly hooks: CEvaluationHooks = {
    sizeofType: (tokens) => {
      if (!this.looksLikeType(tokens)) return 'not-a-type';
      return this.typeNameLayout(tokens)?.size ?? null;
    },
    sizeofExpression: (tokens) => this.objectSize(tokens),
    identifier: (name) => this.enumValue(name),
    castType: (tokens) => {
      if (!this.looksLikeType(tokens)) return null;
      const layout = this.typeNameLayout(tokens);
      return layout ? { bits: Number(layout.size) * 8, unsigned: layout.unsigned } : null;
    },
    builtin: (name, args) => this.builtin(name, args),
  };

  private builtin(name: string, args: readonly PpToken[][]): bigint | null | undefined {
    if (name === 'ARRAY_SIZE' && args.length === 1) {
      const array = this.arrayOf(args[0]!);
      return array ? array.length : null;
    }
    return undefined;
  }

  /** `sizeof(table)`, `sizeof(table[0])` for a file-scope array; anything else is not known from definitions. */
  private objectSize(tokens: readonly PpToken[]): bigint | null {
    const array = this.arrayOf(tokens.filter((token) => token.text !== '(' && token.text !== ')').slice(0, 1));
    if (!array) return null;
    const indexed = tokens.some((token) => token.text === '[');
    return indexed ? array.element.size : array.element.size * array.length;
  }

  private arrayOf(tokens: readonly PpToken[]): { length: bigint; element: TypeLayout } | null {
    const name = tokens.length === 1 && tokens[0]!.kind === 'ident' ? tokens[0]!.text : null;
    const found = name ? this.unit.array(name) : null;
    if (!found) return null;
    const { elementType, dimensions, initializerLength } = found.definition;
    const first = dimensions[0] ?? [];
    const length = first.length > 0 ? this.value(first) : initializerLength !== null ? BigInt(initializerLength) : null;
    if (length === null) return null;
    const inner = this.declarationLayout([
      ...elementType,
      { ...tokens[0]!, text: 'x' },
      ...dimensions.slice(1).flatMap(bracketed),
    ]);
    return inner ? { length, element: inner } : null;
  }

  private enumValue(name: string): bigint | null {
    const found = this.unit.enumConstant(name);
    if (!found) return null;
    this.unit.uses.push({ name, file: found.file, offset: found.offset });
    return (found.base ? this.value(found.base) : 0n) + found.step;
  }

  /** A type name starts with a type keyword, a qualifier, or a typedef name. */
  private looksLikeType(tokens: readonly PpToken[]): boolean {
    const first = tokens.find((token) => token.text !== 'const' && token.text !== 'volatile');
    if (!first || first.kind !== 'ident') return false;
    if (
      [
        'struct',
        'union',
        'enum',
        'char',
        'short',
        'int',
        'long',
        'unsigned',
        'signed',
        '_Bool',
        'float',
        'double',
        'void',
      ].includes(first.text)
    )
      return true;
    return this.isTypeName(first.text) && !tokens.some((token) => token.text === '->' || token.text === '.');
  }

  private isTypeName = (name: string): boolean => name in FALLBACK_TYPES || this.unit.typedef(name) !== null;

  /** The layout of a type name (`struct usb_ctrlrequest`, `u8[16]`, `struct foo *`). */
  private typeNameLayout(tokens: readonly PpToken[]): TypeLayout | null {
    return this.declarationLayout(tokens);
  }

  /** The layout of the first declarator of a declaration (or of an abstract type name). */
  private declarationLayout(tokens: readonly PpToken[]): TypeLayout | null {
    try {
      const declaration = parseDeclaration(tokens, this.isTypeName);
      const declarator = declaration.declarators[0]!;
      return this.declaratorLayout(declaration.base, declarator, declaration.packed);
    } catch (error) {
      if (error instanceof DeclarationError) throw new Unresolved(error.reason);
      throw error;
    }
  }

  private declaratorLayout(base: BaseType, declarator: Declarator, packed: boolean): TypeLayout {
    let layout: TypeLayout = declarator.pointer
      ? { ...scalarLayout(this.unit.machine.abi, 'pointer'), unsigned: true }
      : this.baseLayout(base);
    for (const dimension of [...declarator.dimensions].reverse()) {
      const count = dimension.length === 0 ? 0n : this.value(dimension);
      layout = { size: layout.size * count, align: layout.align, unsigned: false };
    }
    const aligned = declarator.aligned ? this.alignment(declarator.aligned) : null;
    if (aligned !== null) layout = { ...layout, align: aligned > layout.align ? aligned : layout.align };
    else if (packed || declarator.packed) layout = { ...layout, align: 1n };
    return layout;
  }

  private baseLayout(base: BaseType): TypeLayout {
    switch (base.kind) {
      case 'scalar': {
        if (base.name === 'void') throw new Unresolved('sizeof(void)');
        return { ...scalarLayout(this.unit.machine.abi, base.name), unsigned: base.unsigned };
      }
      case 'enum':
        return { size: 4n, align: 4n, unsigned: false };
      case 'named':
        return this.namedLayout(base.name);
      case 'record': {
        if (base.body)
          return this.recordLayout(
            base.record,
            base.body.map((token) => ({ ...token, conditionId: 0 })),
            null,
            base.packed,
            base.aligned,
          );
        if (!base.tag) throw new Unresolved(`an anonymous ${base.record} without a body`);
        const found = this.unit.record(base.record, base.tag);
        if (!found) throw new Unresolved(`${base.record} ${base.tag} is not defined in the included headers`);
        this.unit.uses.push({ name: `${base.record} ${base.tag}`, file: found.file, offset: found.definition.offset });
        return this.definedRecordLayout(found.definition, found.definitions);
      }
    }
  }

  private namedLayout(name: string): TypeLayout {
    const found = this.unit.typedef(name);
    if (!found) {
      const fallback = FALLBACK_TYPES[name];
      if (fallback === 'long' || fallback === 'pointer')
        return { ...scalarLayout(this.unit.machine.abi, fallback), unsigned: name !== 'ssize_t' };
      if (fallback) return { size: fallback.size, align: fallback.size, unsigned: fallback.unsigned };
      throw new Unresolved(`the type ${name} is not defined in the included headers`);
    }
    const { definition, definitions } = found;
    if (definition.record !== null) {
      const record = definitions.records[definition.record]!;
      const layout = this.definedRecordLayout(record, definitions);
      // `typedef struct { ... } *foo_p;` names a pointer.
      const declaration = this.parseExpanded(
        definition.tokens.filter((token) => token.text !== 'typedef'),
        definition,
      );
      const declarator = declaration?.declarators.find((candidate) => candidate.name === name);
      return declarator?.pointer ? { ...scalarLayout(this.unit.machine.abi, 'pointer'), unsigned: true } : layout;
    }
    const declaration = this.parseExpanded(definition.tokens, definition);
    const declarator = declaration?.declarators.find((candidate) => candidate.name === name);
    if (!declaration || !declarator) throw new Unresolved(`typedef ${name} could not be read`);
    return this.declaratorLayout(declaration.base, declarator, declaration.packed);
  }

  private parseExpanded(tokens: readonly PpToken[], _origin: unknown) {
    const expanded = expandAll(this.unit.macros, tokens);
    if ('error' in expanded) throw new Unresolved(expanded.error);
    try {
      return parseDeclaration(expanded.tokens, this.isTypeName);
    } catch (error) {
      if (error instanceof DeclarationError) throw new Unresolved(error.reason);
      throw error;
    }
  }

  private definedRecordLayout(record: RecordDefinition, definitions: FileDefinitions): TypeLayout {
    const trailing = expandAll(this.unit.macros, [...record.leading, ...record.trailing]);
    const attributes = 'error' in trailing ? [] : trailing.tokens;
    const packed = attributes.some((token) => /^(__)?packed(__)?$/.test(token.text));
    const alignedAt = attributes.findIndex((token) => /^(__)?aligned(__)?$/.test(token.text));
    const aligned =
      alignedAt >= 0 && attributes[alignedAt + 1]?.text === '('
        ? attributes.slice(alignedAt + 2, closeOf(attributes, alignedAt + 1))
        : null;
    return this.recordLayout(record.kind, record.body, definitions, packed, aligned);
  }

  /** Lays out the members in order (struct) or on top of each other (union), C11 6.7.2.1 and GCC's bit-fields. */
  private recordLayout(
    kind: 'struct' | 'union',
    body: readonly BodyToken[],
    definitions: FileDefinitions | null,
    packed: boolean,
    alignedTokens: PpToken[] | null,
  ): TypeLayout {
    let offsetBits = 0n;
    let size = 0n;
    let align = 1n;
    for (const member of splitMembers(body)) {
      const conditions = definitions?.bodyConditions[member[0]!.conditionId] ?? [];
      if (definitions && !this.unit.holds(conditions, definitions)) continue;
      const expanded = expandAll(this.unit.macros, member);
      if ('error' in expanded) throw new Unresolved(expanded.error);
      if (expanded.tokens.length === 0) continue;
      // Macros such as struct_group() expand to several members.
      for (const part of splitMembers(expanded.tokens.map((token) => ({ ...token, conditionId: 0 })))) {
        let declaration;
        try {
          declaration = parseDeclaration(part, this.isTypeName);
        } catch (error) {
          if (error instanceof DeclarationError) throw new Unresolved(error.reason);
          throw error;
        }
        for (const declarator of declaration.declarators) {
          const memberPacked = packed || declaration.packed || declarator.packed;
          const layout = this.declaratorLayout(
            declaration.base,
            { ...declarator, aligned: declarator.aligned ?? declaration.aligned },
            memberPacked,
          );
          if (declarator.bitWidth) {
            const width = this.value(declarator.bitWidth);
            const unitBits = layout.size * 8n;
            if (kind === 'union') size = max(size, (width + 7n) / 8n);
            else if (width === 0n) offsetBits = alignUp(offsetBits, unitBits);
            else {
              // GCC: a bit-field does not cross a boundary of its type's alignment unless the record is packed.
              if (!memberPacked && (offsetBits % unitBits) + width > unitBits)
                offsetBits = alignUp(offsetBits, unitBits);
              offsetBits += width;
            }
            if (!memberPacked && declarator.name) align = max(align, layout.align);
            continue;
          }
          align = max(align, layout.align);
          if (kind === 'union') size = max(size, layout.size);
          else {
            offsetBits = alignUp(offsetBits, layout.align * 8n) + layout.size * 8n;
          }
        }
      }
    }
    if (alignedTokens) {
      const explicit = this.alignment(alignedTokens);
      if (explicit !== null) align = max(align, explicit);
    }
    const raw = kind === 'union' ? size : (offsetBits + 7n) / 8n;
    return { size: alignUp(raw, align), align, unsigned: false };
  }

  /** `aligned(N)`; bare `aligned` is the target's largest alignment (16 on the modelled ABIs). */
  private alignment(tokens: readonly PpToken[]): bigint | null {
    if (tokens.length === 0) return 16n;
    return this.value(tokens);
  }
}

function alignUp(value: bigint, align: bigint): bigint {
  return align <= 1n ? value : ((value + align - 1n) / align) * align;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function closeOf(tokens: readonly PpToken[], open: number): number {
  let depth = 0;
  for (let index = open; index < tokens.length; index++) {
    if (tokens[index]!.text === '(') depth++;
    else if (tokens[index]!.text === ')' && --depth === 0) return index;
  }
  return tokens.length;
}

function bracketed(dimension: PpToken[]): PpToken[] {
  const template = dimension[0] ?? ({ kind: 'punct', text: '[', start: 0, end: 0, space: false } as PpToken);
  return [{ ...template, kind: 'punct', text: '[' }, ...dimension, { ...template, kind: 'punct', text: ']' }];
}

function dedupe(uses: readonly MacroUse[]): MacroUse[] {
  const seen = new Set<string>();
  return uses.filter((use) => {
    if (seen.has(use.name)) return false;
    seen.add(use.name);
    return true;
  });
}

export { spell, splitArguments };
