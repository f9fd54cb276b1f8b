// How a function leaves on an error, read from the function itself, for the quick fix that inserts a
// dma_mapping_error() check: what it returns (an errno for int functions, NULL or ERR_PTR for pointer
// functions as the function already does, nothing for void), and what it must undo first. The mappings and
// allocations made earlier in the function are undone by the function's own unwind label when it has one
// that releases exactly those, or else inline. Where no exit can be derived with confidence (a return type
// without an error value, memory allocated earlier that nothing releases, labels that do not fit), there
// is none: a quick fix must never write code that compiles into a leak or a wrong return.
import type { CallSite } from '../analysis/callsite';
import { escapeRegExp } from '../analysis/regexp-text';
import type { FunctionBody } from './function-bodies';
import type { PairingIndex } from './pairing';
import { statementStart } from './statements';

export type ReturnShape = 'errno' | 'pointer' | 'void' | 'other';

/** Qualifiers and attributes that say nothing about the returned value. */
const DECORATION =
  /\b(static|inline|__always_inline|noinline|__init|__exit|__cold|__hot|__maybe_unused|__must_check|extern|notrace|asmlinkage|__sched|__latent_entropy)\b|__attribute__\s*\(\(.*?\)\)|__section\s*\([^)]*\)/g;

/** Integer types a kernel function returns a negative errno in. */
const ERRNO_TYPES = new Set(['int', 'long', 'ssize_t', 's32', 's64', 'int32_t', 'int64_t', 'long long']);

/** What the function named `name` returns, from its header. */
export function returnShape(header: string, name: string): ReturnShape {
  const at = header.search(new RegExp(`\\b${name}\\s*\\(`));
  if (at < 0) return 'other';
  const type = header.slice(0, at).replace(DECORATION, ' ').replace(/\s+/g, ' ').trim();
  if (type.includes('*')) return 'pointer';
  if (type === 'void') return 'void';
  return ERRNO_TYPES.has(type.replace(/^(signed|unsigned) /, '')) && !type.startsWith('unsigned') ? 'errno' : 'other';
}

export interface ErrorExitInput {
  /** The file with comments and literals blanked (`code`), and its blocks: the check pass's pairing index. */
  index: PairingIndex;
  body: FunctionBody;
  site: CallSite;
  /** Every site of the file, to find the mappings made earlier in the same function. */
  sites: readonly CallSite[];
}

export interface ErrorExit {
  /** Statements for the error branch, in order (the branch is braced when there are several). */
  statements: string[];
  /** In words, for the quick fix's title: `return -ENOMEM`, `goto err_unmap`, … */
  summary: string;
}

/** How to leave the function at the site when its mapping failed; null when it cannot be derived. */
export function errorExit(input: ErrorExitInput): ErrorExit | null {
  const { body, site } = input;
  const masked = input.index.code;
  // In a loop, the earlier passes' mappings are held too, and no single statement releases them.
  if (site.inLoop) return null;
  const shape = returnShape(body.header, site.enclosingFunction ?? '');
  const code = masked.slice(body.open, body.close);
  const value = returnValue(shape, code);
  if (value === undefined) return null;
  const before = masked.slice(body.open, site.offset);
  const earlier = earlierHeld(input);
  if (earlier === null) return null;
  // The function's own jumps show what its labels release up to the last of them; past it, anything else
  // acquired is unknown to them.
  const lastJump = before.lastIndexOf('goto ');
  const labelled = lastJump >= 0 && !mayHaveAcquired(before, input, lastJump) ? unwindLabel(input, earlier) : null;
  if (labelled) return labelled;
  // Without a fitting label, releasing inline is only safe when nothing else may have been acquired first.
  if (mayHaveAcquired(before, input)) return null;
  const statements = [...earlier.map(releaseStatement), value === '' ? 'return;' : `return ${value};`];
  return {
    statements,
    summary: earlier.length ? `undo the earlier mappings and return` : statements[0]!.replace(/;$/, ''),
  };
}

/**
 * Calls whose result is assigned before the map, other than the DMA sites themselves and accessors that take
 * nothing (private data, register reads, address conversions): any of them may hold something an early
 * return would leak (`unmap = dmaengine_get_unmap_data(...)`, `buf = kmalloc(...)`).
 */
function mayHaveAcquired(before: string, input: ErrorExitInput, from = 0): boolean {
  const dmaSites = new Set(
    input.sites
      .filter((other) => other.offset > input.body.open && other.offset < input.site.offset)
      .map((other) => other.offset),
  );
  for (const call of before.matchAll(/=\s*(?:\([^()]*\)\s*)?([A-Za-z_]\w*)\s*\(/g)) {
    if (call.index! < from) continue;
    const name = call[1]!;
    const at = input.body.open + call.index! + call[0].length - name.length - 1;
    if (dmaSites.has(at) || NON_ACQUIRING.test(name)) continue;
    return true;
  }
  return false;
}

/** Accessors and conversions a driver calls before mapping that acquire nothing. */
const NON_ACQUIRING =
  /^(netdev_priv|dev_get_drvdata|platform_get_drvdata|pci_get_drvdata|spi_get_drvdata|i2c_get_clientdata|container_of|to_\w+|page_address|virt_to_page|sg_virt|sg_page|sg_dma_address|sg_dma_len|sg_next|skb_headlen|skb_frag_size|skb_frag_page|skb_shinfo|le\d+_to_cpu|cpu_to_le\d+|be\d+_to_cpu|cpu_to_be\d+|upper_32_bits|lower_32_bits|min|max|min_t|max_t|ALIGN|DIV_ROUND_UP|PAGE_ALIGN|offset_in_page|read[bwlq]|ioread\d+|READ_ONCE|BIT|GENMASK|dma_get_max_seg_size|dma_get_mask)$/;

/** The error value a function of this shape returns, as it already does; undefined when there is none. */
function returnValue(shape: ReturnShape, code: string): string | undefined {
  if (shape === 'void') return '';
  if (shape === 'errno') {
    const errnos = [...code.matchAll(/-\s*(E[A-Z0-9]+)\b/g)].map((match) => match[1]!);
    if (errnos.length > 0) return errnos.includes('ENOMEM') ? '-ENOMEM' : `-${mostFrequent(errnos)}`;
    // No errno yet: a function that only ever returns 0 follows the kernel's 0-or-negative-errno convention;
    // one that returns counts or flags does not say what a failure is.
    const returned = [...code.matchAll(/\breturn\s+([^;]*);/g)].map((match) => match[1]!.trim());
    return returned.length > 0 && returned.every((value) => value === '0') ? '-ENOMEM' : undefined;
  }
  if (shape === 'pointer') {
    if (/\breturn\s+ERR_PTR\s*\(/.test(code)) return 'ERR_PTR(-ENOMEM)';
    // NULL is the failure value only where the function returns it on a failed test (`if (!x) return NULL;`):
    // elsewhere it may mean "done" (async_tx returns NULL after working synchronously).
    if (/\bif\s*\((\s*unlikely\s*\()?\s*(!|IS_ERR|dma_mapping_error)[^;{}]*\)\s*return\s+NULL\s*;/.test(code))
      return 'NULL';
  }
  return undefined;
}

function mostFrequent(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

/** A mapping or allocation made earlier in the function and not released before the site. */
interface Held {
  site: CallSite;
}

/** DMA mappings and allocations of the function made before the site and still held there; null when one cannot be undone. */
function earlierHeld(input: ErrorExitInput): Held[] | null {
  const { body, site, sites } = input;
  const inBody = (other: CallSite) => other.offset > body.open && other.offset < site.offset;
  const held: Held[] = [];
  for (const other of sites) {
    if (!inBody(other) || (other.kind !== 'map' && other.kind !== 'alloc')) continue;
    const released = other.pairedWith.some((index) => {
      const release = sites[index];
      return release !== undefined && inBody(release) && (release.kind === 'unmap' || release.kind === 'free');
    });
    if (released) continue;
    // A map in a branch or loop body that closed before the site may or may not have happened (or happened
    // several times): no release can be written for it.
    if (!RELEASE[other.api] || !other.handle || !unconditionalBefore(input, other)) return null;
    held.push({ site: other });
  }
  return held;
}

/**
 * True when the earlier call runs whenever the site does: the innermost block holding it still encloses the
 * site, and its statement is not the body of a brace-less `if`, `else`, `for` or `while`.
 */
function unconditionalBefore(input: ErrorExitInput, earlier: CallSite): boolean {
  const block = input.index.innermostBlock(earlier.offset);
  if (!block || input.site.offset < block.open || input.site.offset >= block.close) return false;
  const lead = input.index.code.slice(statementStart(input.index.code, earlier.offset), earlier.offset);
  return !/\b(if|else|for|while)\b/.test(lead);
}

/** The release of each mapping or allocation, from the call's own arguments (dev, ..., size, dir). */
const RELEASE: Record<string, (site: CallSite) => string | null> = {
  dma_map_single: (site) => unmap('dma_unmap_single', site, 2, 3),
  dma_map_page: (site) => unmap('dma_unmap_page', site, 3, 4),
  dma_map_resource: (site) => unmap('dma_unmap_resource', site, 2, 3, ', 0'),
  dma_map_sg: (site) =>
    site.args.length >= 4 ? `dma_unmap_sg(${site.args[0]}, ${site.args[1]}, ${site.args[2]}, ${site.args[3]});` : null,
  dma_alloc_coherent: (site) =>
    site.args.length >= 3 && site.cpuAddr
      ? `dma_free_coherent(${site.args[0]}, ${site.args[1]}, ${site.cpuAddr}, ${site.handle});`
      : null,
};

function unmap(name: string, site: CallSite, size: number, dir: number, extra = ''): string | null {
  const [device] = site.args;
  if (!device || !site.args[size] || !site.args[dir] || !site.handle) return null;
  return `${name}(${device}, ${site.handle}, ${site.args[size]}, ${site.args[dir]}${extra});`;
}

function releaseStatement(held: Held): string {
  return RELEASE[held.site.api]!(held.site)!;
}

/**
 * The function's own unwind label for a failure at the site: the first label after the site whose cleanup
 * (its text to the end of the function) releases every earlier mapping and not the one that failed. The
 * errno goes where the function's other jumps put theirs (`ret = -E…; goto …;`); when its jumps set
 * nothing, the label must end in a return of its own.
 */
function unwindLabel(input: ErrorExitInput, earlier: readonly Held[]): ErrorExit | null {
  const { body, site } = input;
  const masked = input.index.code;
  const code = masked.slice(body.open, body.close);
  const siteAt = site.offset - body.open;
  const convention = /\b([A-Za-z_]\w*)\s*=\s*-\s*(E[A-Z0-9]+)\s*;\s*goto\s+\w+\s*;/.exec(code);
  for (const label of code.matchAll(/^[ \t]*([A-Za-z_]\w*):(?!:)/gm)) {
    const name = label[1]!;
    if (label.index! < siteAt || name === 'default') continue;
    const cleanup = code.slice(label.index!);
    if (!earlier.every((held) => cleanup.includes(held.site.handle!))) continue;
    if (site.handle && mentions(cleanup, site.handle)) continue;
    if (convention) {
      const errno = /-\s*ENOMEM\b/.test(code) ? 'ENOMEM' : convention[2]!;
      return { statements: [`${convention[1]} = -${errno};`, `goto ${name};`], summary: `goto ${name}` };
    }
    if (/\breturn\s*(-\s*E[A-Z0-9]+|NULL|ERR_PTR\s*\(\s*-\s*E[A-Z0-9]+\s*\))?\s*;\s*}\s*$/.test(cleanup))
      return { statements: [`goto ${name};`], summary: `goto ${name}` };
    return null;
  }
  return null;
}

/** Whether the code names the lvalue as a whole (`priv->dma` but not `priv->dma_len`). */
function mentions(code: string, lvalue: string): boolean {
  return new RegExp(`(^|[^\\w.>])${escapeRegExp(lvalue)}(?![\\w\\[])`).test(code);
}
