// Traces where a mapped buffer came from, inside the enclosing function only. Every doubt answers `unknown`:
// the checks built on this (stack, vmalloc, rodata buffers) must not raise false alarms.
import type { BufferOrigin } from './callsite';
import type { FunctionScope, Variable } from './scope';

/** Allocators whose memory is in the kernel's linear map (include/linux/slab.h, include/linux/device.h). */
const KMALLOC_FAMILY = new Set([
  'kmalloc',
  'kzalloc',
  'kcalloc',
  'kmalloc_array',
  'krealloc',
  'krealloc_array',
  'kmemdup',
  'kmemdup_nul',
  'kstrdup',
  'kmalloc_node',
  'kzalloc_node',
  'kcalloc_node',
  'kmalloc_array_node',
  'kmem_cache_alloc',
  'kmem_cache_zalloc',
  'kmem_cache_alloc_node',
  'devm_kmalloc',
  'devm_kzalloc',
  'devm_kcalloc',
  'devm_kmalloc_array',
  'devm_kmemdup',
  'devm_krealloc',
]);

/** Allocators that return vmalloc-area addresses (include/linux/vmalloc.h). kvmalloc is deliberately absent: it may return either. */
const VMALLOC_FAMILY = new Set([
  'vmalloc',
  'vzalloc',
  'vmalloc_user',
  'vmalloc_node',
  'vzalloc_node',
  'vmalloc_32',
  'vmalloc_32_user',
  '__vmalloc',
  '__vmalloc_node',
  'vmalloc_array',
  'vcalloc',
  'vmap',
]);

/** Functions returning a linear-map address of whole pages (include/linux/gfp.h, include/linux/mm.h). */
const PAGE_ADDRESS = new Set([
  'page_address',
  '__get_free_page',
  '__get_free_pages',
  'get_zeroed_page',
  'alloc_pages_exact',
  'lowmem_page_address',
]);

/** Functions returning a struct page * from the page allocator. */
const PAGE_ALLOCATORS = new Set([
  'alloc_page',
  'alloc_pages',
  'alloc_pages_node',
  'dev_alloc_page',
  'dev_alloc_pages',
  '__dev_alloc_pages',
  'alloc_pages_exact_nid',
]);

/** Functions turning a virtual address into its struct page, so that the page's origin is the address's. */
const VIRT_TO_PAGE = new Set(['virt_to_page', 'virt_to_head_page']);

const MAX_DEPTH = 4;

export interface OriginContext {
  scope: FunctionScope | null;
  /** Is `name` a file-scope array of this file (so `name` alone is its address)? */
  isFileScopeArray(name: string): boolean;
  /** Is `name` a file-scope object (array or struct, not a pointer) of this file? */
  isFileScopeObject(name: string): boolean;
  /** Is `name` a file-scope object declared const, which the kernel places in .rodata? */
  isFileScopeConst(name: string): boolean;
}

/** Origin of a CPU-address argument (`buffer` role). */
export function bufferOrigin(expression: string, context: OriginContext): BufferOrigin {
  return traceAddress(stripWrappers(expression), context, 0);
}

/** Origin of a `struct page *` argument (`page` role): the page allocator, or the address virt_to_page was given. */
export function pageOrigin(expression: string, context: OriginContext): BufferOrigin {
  return tracePage(stripWrappers(expression), context, 0);
}

function tracePage(text: string, context: OriginContext, depth: number): BufferOrigin {
  if (depth > MAX_DEPTH) return 'unknown';
  const call = leadingCall(text);
  if (call) {
    if (VIRT_TO_PAGE.has(call.name)) return traceAddress(stripWrappers(call.args), context, depth + 1);
    if (PAGE_ALLOCATORS.has(call.name)) return 'page';
    return 'unknown';
  }
  if (/->|\./.test(text)) return 'field';
  const name = /^[A-Za-z_]\w*$/.exec(text)?.[0];
  const variable = name ? context.scope?.variables.get(name) : undefined;
  if (!variable || variable.kind === 'param' || variable.isStatic) return 'unknown';
  return agree(meaningfulValues(variable.values).map((value) => tracePage(stripWrappers(value), context, depth + 1)));
}

function traceAddress(text: string, context: OriginContext, depth: number): BufferOrigin {
  if (depth > MAX_DEPTH || text === '') return 'unknown';
  if (/^(L|u8|u|U)?"/.test(text)) return 'string';
  if (text.startsWith('&')) return addressOf(stripWrappers(text.slice(1)), context);
  const call = leadingCall(text);
  if (call && call.end === text.length) return classifyCall(call.name, call.args, context, depth);
  // `buf + offset`: the origin of the base pointer.
  const base = /^([A-Za-z_]\w*)\s*(?:(?:\+|-(?!>))[^]*)?$/.exec(text);
  if (base) return traceVariable(base[1]!, context, depth);
  if (/^[A-Za-z_]\w*\s*(->|\.)/.test(text)) return traceField(text, context, depth);
  return 'unknown';
}

/** A member assigned in the same function (`priv->log = vmalloc(...)`) has that origin; otherwise it is a field. */
function traceField(text: string, context: OriginContext, depth: number): BufferOrigin {
  const values = /^[\w\s.>-]+$/.test(text) ? context.scope?.fieldValues.get(text.replace(/\s+/g, '')) : undefined;
  if (!values) return 'field';
  const origins = meaningfulValues(values).map((value) => traceAddress(stripWrappers(value), context, depth + 1));
  const agreed = agree(origins);
  return agreed === 'unknown' ? 'field' : agreed;
}

function classifyCall(name: string, args: string, context: OriginContext, depth: number): BufferOrigin {
  if (KMALLOC_FAMILY.has(name)) return 'kmalloc';
  if (VMALLOC_FAMILY.has(name)) return 'vmalloc';
  if (PAGE_ADDRESS.has(name)) {
    // page_address(virt_to_page(x)) is x again; page_address of anything else is a linear-map page.
    if (name === 'page_address' || name === 'lowmem_page_address') {
      const inner = leadingCall(stripWrappers(args));
      if (inner && VIRT_TO_PAGE.has(inner.name)) return traceAddress(stripWrappers(inner.args), context, depth + 1);
    }
    return 'page';
  }
  return 'unknown';
}

function traceVariable(name: string, context: OriginContext, depth: number): BufferOrigin {
  const variable = context.scope?.variables.get(name);
  if (!variable) return context.scope && context.isFileScopeArray(name) ? fileScopeOrigin(name, context) : 'unknown';
  if (variable.kind === 'param') return 'unknown';
  if (variable.isArray) return staticOrigin(variable);
  if (!variable.isPointer || variable.isStatic) return 'unknown';
  return agree(
    meaningfulValues(variable.values).map((value) => traceAddress(stripWrappers(value), context, depth + 1)),
  );
}

/** `&x`, `&x.member`, `&x[i]`: the storage of x itself. */
function addressOf(text: string, context: OriginContext): BufferOrigin {
  const match = /^([A-Za-z_]\w*)\s*(?:$|\.|\[)/.exec(text);
  if (!match) return /->/.test(text) ? 'field' : 'unknown';
  const name = match[1]!;
  const variable = context.scope?.variables.get(name);
  if (!variable) return context.scope && context.isFileScopeObject(name) ? fileScopeOrigin(name, context) : 'unknown';
  if (variable.kind === 'param') return 'unknown';
  if (variable.isPointer && !variable.isArray) return 'unknown';
  return staticOrigin(variable);
}

/** A local object: on the stack, or with static storage (in .rodata when const). */
function staticOrigin(variable: Variable): BufferOrigin {
  if (!variable.isStatic) return 'stack';
  return variable.isConst ? 'rodata' : 'static';
}

function fileScopeOrigin(name: string, context: OriginContext): BufferOrigin {
  return context.isFileScopeConst(name) ? 'rodata' : 'static';
}

function meaningfulValues(values: string[]): string[] {
  return values.filter((value) => !isNullValue(value));
}

/** All assigned values must give the same origin. */
function agree(origins: BufferOrigin[]): BufferOrigin {
  const meaningful = origins;
  if (meaningful.length === 0) return 'unknown';
  const first = meaningful[0]!;
  return meaningful.every((origin) => origin === first) ? first : 'unknown';
}

/** Removes outer parentheses, casts and whitespace: `(void *)(buf)` → `buf`. */
export function stripWrappers(text: string): string {
  let current = text.trim();
  for (let guard = 0; guard < 8; guard++) {
    const cast =
      /^\(\s*(?:const\s+|volatile\s+|struct\s+|unsigned\s+)*[A-Za-z_]\w*(?:\s*\*)*\s*\)\s*(?=[A-Za-z_(&"])/.exec(
        current,
      );
    if (cast) {
      current = current.slice(cast[0].length).trim();
      continue;
    }
    if (current.startsWith('(') && matchingParen(current, 0) === current.length - 1) {
      current = current.slice(1, -1).trim();
      continue;
    }
    break;
  }
  return current;
}

/** `name(args)` at the start of the text: the name, the argument text and where the call ends. */
function leadingCall(text: string): { name: string; args: string; end: number } | null {
  const match = /^([A-Za-z_]\w*)\s*\(/.exec(text);
  if (!match) return null;
  const open = match[0].length - 1;
  const close = matchingParen(text, open);
  if (close < 0) return null;
  return { name: match[1]!, args: text.slice(open + 1, close), end: close + 1 };
}

/** The index of the `)` closing the `(` at `open`, or -1. */
export function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return index;
  }
  return -1;
}

/** Values that say nothing about the origin (a NULL initialiser before the real allocation). */
export function isNullValue(text: string): boolean {
  return /^(NULL|0|\(\s*void\s*\*\s*\)\s*0)$/.test(text.trim());
}
