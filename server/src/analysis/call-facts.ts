// Turns a found call into a CallSite: argument roles from the catalogue, the direction constant, the size,
// the buffer's origin, the handle, how the result is used, the enclosing function and whether it runs in a
// loop. Linking between sites (checked, pairedWith) happens afterwards in link.ts.
import type { Direction } from '@dmalens/core';
import { argIndex, type ArgRole } from '@dmalens/core';
import type { SyntaxNode } from '../parse/parser';
import type { ArgumentText } from './arguments';
import type { FoundCall } from './call-finder';
import type { BufferOrigin, CallSite, ResultUse, SizeFact } from './callsite';
import type { FileContext } from './file-context';
import { bufferOrigin, pageOrigin, stripWrappers } from './origin';
import { functionName, type FunctionScope } from './scope';
import { sizeFact } from './size';

/** Facts linking needs but the CallSite does not carry. */
export interface SiteLinkInfo {
  /** The enclosing function's file offsets, or null at file scope / in a macro body. */
  functionStart: number | null;
  functionEnd: number | null;
  /** The handle's base name is a local variable or parameter of the enclosing function. */
  handleIsLocal: boolean;
  /** The map call's result is passed straight to a mapping-error check. */
  passedToCheck: boolean;
}

export interface BuiltSite {
  site: CallSite;
  link: SiteLinkInfo;
}

/** `enum dma_data_direction` constants and the removed PCI_DMA_* aliases (include/linux/dma-direction.h). */
const DIRECTIONS: Record<string, Direction> = {
  DMA_BIDIRECTIONAL: 'bidirectional',
  DMA_TO_DEVICE: 'to_device',
  DMA_FROM_DEVICE: 'from_device',
  DMA_NONE: 'none',
  PCI_DMA_BIDIRECTIONAL: 'bidirectional',
  PCI_DMA_TODEVICE: 'to_device',
  PCI_DMA_FROMDEVICE: 'from_device',
  PCI_DMA_NONE: 'none',
  '0': 'bidirectional',
  '1': 'to_device',
  '2': 'from_device',
  '3': 'none',
};

/** Wrappers a result can pass through and still be a test of that result. */
const TRANSPARENT_CALLS = new Set(['likely', 'unlikely', 'WARN_ON', 'WARN_ON_ONCE', 'IS_ERR_OR_NULL', 'IS_ERR']);
const CHECK_CALLS = new Set(['dma_mapping_error', 'virtqueue_dma_mapping_error', 'pci_dma_mapping_error']);
/**
 * Byte-order and width conversions a handle goes through on its way into a device descriptor
 * (`desc->addr = cpu_to_le32(dma_map_single(...))`): the value is still the handle, stored in the
 * descriptor's field, and a check of that field checks it. Drivers' own width macros (`cpu_to_leXX`) count.
 */
const CONVERSION_CALLS = /^(?:cpu_to_(?:le|be)\w*|lower_32_bits)$/;
const LOOPS = new Set(['for_statement', 'while_statement', 'do_statement']);
const FOR_EACH_BEFORE_BRACE = /\b\w*for_each\w*\s*\([^;{}]*\)\s*$/;

export function buildSite(context: FileContext, call: FoundCall): BuiltSite {
  const { api } = call;
  const definition =
    call.macro === null ? (call.ancestors.find((node) => node.type === 'function_definition') ?? null) : null;
  // The scope (a walk over the function) is built only when a buffer or a plain local handle needs it.
  const scope = (): FunctionScope | null => (definition ? context.scopeOf(definition, call.base) : null);
  // Inside ERROR regions the tree around the call is guesswork; the text before the name is more reliable.
  const treeIsReliable = call.callNode !== null && (!call.recovered || call.macro !== null);
  const use = treeIsReliable
    ? treeResultUse(call.ancestors, context.text, call.base)
    : textResultUse(context.text, call.nameStart);
  const argument = (role: ArgRole): ArgumentText | undefined => {
    const index = argIndex(api, role);
    return index >= 0 ? call.args[index] : undefined;
  };

  const bufferArg =
    argument('buffer') ??
    argument('page') ??
    argument('phys') ??
    (api.kind === 'raw-phys' ? argument('sg') : undefined);
  const origin = originOf(
    bufferArg,
    argument('buffer') ? 'buffer' : argument('page') ? 'page' : 'other',
    context,
    scope,
  );
  const handle = handleOf(call, use.lvalue, argument);
  const sizeArg = argument('size');
  const dirArg = argument('dir');
  const direction = dirArg
    ? (DIRECTIONS[stripWrappers(dirArg.text)] ?? 'unknown')
    : (api.impliedDirection ?? 'unknown');

  const site: CallSite = {
    api: api.name,
    kind: api.kind,
    range: context.lines.rangeOf(call.nameStart, call.close + 1),
    nameRange: context.lines.rangeOf(call.nameStart, call.nameEnd),
    offset: call.nameStart,
    endOffset: call.close + 1,
    args: call.args.map((arg) => arg.text),
    argRanges: call.args.map((arg) => context.lines.rangeOf(arg.start, arg.end)),
    direction,
    size: sizeArg ? withPointerOperand(sizeFact(sizeArg.text, context.defines), scope) : null,
    bufferOrigin: origin,
    bufferText: bufferArg?.text ?? null,
    handle,
    cpuAddr: api.returns === 'cpu_addr' ? use.lvalue : null,
    resultUse: use.use,
    checked: false,
    enclosingFunction: definition ? functionName(definition) : null,
    inLoop: inLoop(context.text, call),
    recovered: call.recovered,
    macro: call.macro,
    pairedWith: [],
  };
  return {
    site,
    link: {
      functionStart: definition ? call.base + definition.startIndex : null,
      functionEnd: definition ? call.base + definition.endIndex : null,
      handleIsLocal: handle !== null && isLocalName(handle, scope),
      passedToCheck: use.checkedBy !== null,
    },
  };
}

/** Marks `sizeof(p)` (or `sizeof p`) of a pointer variable in scope: 8 bytes on LP64, whatever p points to. */
function withPointerOperand(size: SizeFact, scope: () => FunctionScope | null): SizeFact {
  const name = /^sizeof\s*(?:\(\s*([A-Za-z_]\w*)\s*\)|\s([A-Za-z_]\w*))$/.exec(size.text);
  const operand = name?.[1] ?? name?.[2];
  if (!operand) return size;
  const variable = scope()?.variables.get(operand);
  return variable?.isPointer && !variable.isArray ? { ...size, ofPointer: operand } : size;
}

function originOf(
  arg: ArgumentText | undefined,
  role: 'buffer' | 'page' | 'other',
  context: FileContext,
  scope: () => FunctionScope | null,
): BufferOrigin {
  if (!arg || role === 'other') return 'unknown';
  const originContext = {
    scope: scope(),
    isFileScopeArray: (name: string) => context.isFileScopeArray(name),
    isFileScopeObject: (name: string) => context.isFileScopeObject(name),
    isFileScopeConst: (name: string) => context.isFileScopeConst(name),
  };
  return role === 'buffer' ? bufferOrigin(arg.text, originContext) : pageOrigin(arg.text, originContext);
}

function handleOf(
  call: FoundCall,
  lvalue: string | null,
  argument: (role: ArgRole) => ArgumentText | undefined,
): string | null {
  const { api } = call;
  if (api.returns === 'dma_handle') return lvalue;
  const handle = argument('handle');
  if (handle) return stripWrappers(handle.text);
  const out = argument('handle_out');
  if (out) {
    const text = stripWrappers(out.text);
    return text.startsWith('&') ? stripWrappers(text.slice(1)) : `*${text}`;
  }
  const sg = argument('sg') ?? argument('sgt');
  if (sg && (api.kind === 'map' || api.kind === 'unmap' || api.kind === 'sync' || api.kind === 'free'))
    return stripWrappers(sg.text);
  return null;
}

/** A plain local variable (`addr`, `*dma`); `priv->dma` names the same field in every function. */
function isLocalName(handle: string, scope: () => FunctionScope | null): boolean {
  const base = /^\**\s*([A-Za-z_]\w*)$/.exec(handle)?.[1];
  return base !== undefined && (scope()?.variables.has(base) ?? false);
}

interface ResultUseFact {
  use: ResultUse;
  lvalue: string | null;
  /** Name of the check function the result is passed to, if any. */
  checkedBy: string | null;
}

/** `chain` is the call node followed by its ancestors, innermost first. */
function treeResultUse(chain: readonly SyntaxNode[], text: string, base: number): ResultUseFact {
  let inExpression = false;
  for (let index = 1; index < chain.length; index++) {
    const node = chain[index - 1]!;
    const parent = chain[index]!;
    switch (parent.type) {
      case 'parenthesized_expression':
      case 'cast_expression':
        continue;
      case 'assignment_expression': {
        const left = parent.childForFieldName('left');
        if (inExpression || parent.childForFieldName('right')?.startIndex !== node.startIndex || !left)
          return { use: 'other', lvalue: null, checkedBy: null };
        return { use: 'assigned', lvalue: left.text.replace(/\s+/g, ''), checkedBy: null };
      }
      case 'init_declarator': {
        const declared = parent.childForFieldName('declarator');
        if (inExpression) return { use: 'other', lvalue: null, checkedBy: null };
        if (!declared) return { use: 'other', lvalue: null, checkedBy: null };
        // A declarator right after `->` or `.` is a member the grammar split off: read the statement as text.
        const before = text.slice(Math.max(0, base + declared.startIndex - 3), base + declared.startIndex).trimEnd();
        if (before.endsWith('->') || before.endsWith('.')) return textResultUse(text, base + chain[0]!.startIndex);
        // `MACRO priv->dma = map(...)` misparses as a declaration of `priv->dma`: it is an assignment to that member.
        if (/->|\./.test(declared.text)) {
          const member = declared.text.replace(/\s+/g, '');
          return /^[\w.>\-[\]]+$/.test(member)
            ? { use: 'assigned', lvalue: member, checkedBy: null }
            : { use: 'other', lvalue: null, checkedBy: null };
        }
        const name = /([A-Za-z_]\w*)\s*$/.exec(declared.text)?.[1] ?? null;
        return { use: name ? 'declared' : 'other', lvalue: name, checkedBy: null };
      }
      case 'return_statement':
        return { use: 'returned', lvalue: null, checkedBy: null };
      case 'expression_statement':
        return { use: inExpression ? 'other' : 'discarded', lvalue: null, checkedBy: null };
      case 'if_statement':
      case 'while_statement':
      case 'do_statement':
      case 'for_statement':
      case 'conditional_expression':
        return parent.childForFieldName('condition')?.startIndex === node.startIndex
          ? { use: 'condition', lvalue: null, checkedBy: null }
          : { use: 'other', lvalue: null, checkedBy: null };
      case 'unary_expression':
      case 'binary_expression':
        inExpression = true;
        continue;
      case 'argument_list': {
        const callee = chain[index + 1]?.childForFieldName('function')?.text ?? '';
        if (CHECK_CALLS.has(callee)) return { use: 'argument', lvalue: null, checkedBy: callee };
        if (TRANSPARENT_CALLS.has(callee)) {
          inExpression = true;
          index++;
          continue;
        }
        if (CONVERSION_CALLS.test(callee)) {
          index++;
          continue;
        }
        return { use: 'argument', lvalue: null, checkedBy: null };
      }
      default:
        return { use: 'other', lvalue: null, checkedBy: null };
    }
  }
  return { use: 'other', lvalue: null, checkedBy: null };
}

/** For calls recovered from ERROR regions: read the statement start before the name. */
function textResultUse(text: string, nameStart: number): ResultUseFact {
  const before = text.slice(Math.max(0, nameStart - 200), nameStart);
  const statement = before.slice(
    Math.max(before.lastIndexOf(';'), before.lastIndexOf('{'), before.lastIndexOf('}')) + 1,
  );
  if (/\breturn\s*(\(\s*)?$/.test(statement)) return { use: 'returned', lvalue: null, checkedBy: null };
  const assignment = /^\s*([^=]*?[^=!<>+\-*/%&|^\s])\s*=\s*(?:\(\s*[A-Za-z_][\w\s]*\*?\s*\)\s*)?$/.exec(statement);
  if (assignment) {
    const target = assignment[1]!.trim();
    if (/^[\w.\->[\]\s*]+$/.test(target)) {
      // `MACRO priv->dma =` or `dma_addr_t h =`: the lvalue is the last word.
      const last = target
        .replace(/\s*(->|\.)\s*/g, '$1')
        .split(/\s+/)
        .pop()!
        .replace(/^\*+/, '');
      const isMember = /->|\.|\[/.test(last);
      const words = target.split(/\s+/).length;
      return { use: words > 1 && !isMember ? 'declared' : 'assigned', lvalue: last, checkedBy: null };
    }
  }
  return { use: 'other', lvalue: null, checkedBy: null };
}

function inLoop(text: string, call: FoundCall): boolean {
  for (const current of call.ancestors) {
    if (current.type === 'function_definition') return false;
    if (LOOPS.has(current.type)) return true;
    if (current.type === 'compound_statement') {
      const brace = call.base + current.startIndex;
      const before = text.slice(Math.max(0, brace - 300), brace);
      // The pattern tries every word of the slice; most blocks follow no iterator macro at all.
      if (before.includes('for_each') && FOR_EACH_BEFORE_BRACE.test(before)) return true;
    }
  }
  return false;
}
