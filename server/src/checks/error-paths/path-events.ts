// What happens to one handle on the straight path through a function after a point, read in text order
// from the file's masked code (comments and literals blanked): the handle is released, stored or passed on
// (it escapes, and whoever holds it releases it), assigned anew, or the path leaves the function by
// `return` or by `goto` to a label whose cleanup does or does not mention it. Text order is path order for
// the code after a point and inside the block holding it, except across exclusive branches; the rules that
// use this stop at the first event that could belong to another path's story (an escape, an assignment),
// so that a branch never makes them report what another branch does.
import { escapeRegExp } from '../../analysis/regexp-text';

export type PathEvent =
  | { kind: 'release'; offset: number; call: string; unconditional: boolean }
  | { kind: 'escape'; offset: number }
  | { kind: 'assigned'; offset: number }
  | { kind: 'return'; offset: number; text: string }
  | { kind: 'goto'; offset: number; label: string; cleanupMentions: boolean; cleanupReleases: string | null };

/** Calls that release a mapping or allocation. */
const RELEASES =
  /^(dma_unmap_\w+|dma_free_\w+|dmam_free_coherent|dma_pool_free|pci_unmap_\w+|pci_free_consistent|virtqueue_dma_unmap_\w+)$/;
/** Calls that look at the handle and leave it where it is: checks, syncs, messages, tracing. */
const OBSERVERS =
  /^(dma_mapping_error|pci_dma_mapping_error|virtqueue_dma_mapping_error|dma_sync_\w+|unlikely|likely|WARN_ON\w*|BUG_ON|dev_(?:err|warn|info|dbg|notice|crit|alert|emerg|printk)\w*|netdev_\w+|netif_\w+|pr_\w+|printk\w*|trace_\w+|sizeof)$/;

export interface PathScan {
  /** The file's masked code (PairingIndex.code). */
  code: string;
  /** The handle's text, as the call sites give it (`addr`, `priv->rx_dma`). */
  handle: string;
  /** Where the path starts (just after the statement of interest) and where it ends (its block's `}`). */
  from: number;
  to: number;
  /** The function's body, where labels and their cleanup are looked up. */
  body: { open: number; close: number };
  /** Ranges whose events belong to another path (the failure branch of the map's own check). */
  skip?: readonly { open: number; close: number }[];
}

/** The events on the path, in text order. */
export function pathEvents(scan: PathScan): PathEvent[] {
  const { code, from, to } = scan;
  const region = code.slice(from, to);
  const events: PathEvent[] = [];
  const skipped = (offset: number) => scan.skip?.some((range) => offset >= range.open && offset < range.close) ?? false;
  for (const match of region.matchAll(handlePattern(scan.handle))) {
    const offset = from + match.index + match[1]!.length;
    const event = skipped(offset) ? null : mentionEvent(code, offset, scan.handle.length);
    if (event) events.push(event);
  }
  // The object the handle is a member of, moved on (`desc++`, `dma = &hw->next`): the text names another handle.
  const base = /^([A-Za-z_]\w*)\s*(?:->|\.)/.exec(scan.handle)?.[1];
  if (base) {
    const moved = new RegExp(`(?:\\+\\+|--)\\s*${base}\\b|(?<![\\w.>])${base}\\s*(?:\\+\\+|--|[-+]?=(?!=))`, 'g');
    for (const match of region.matchAll(moved)) events.push({ kind: 'assigned', offset: from + match.index });
  }
  for (const match of region.matchAll(/\breturn\b[^;]*;/g)) {
    const offset = from + match.index;
    if (skipped(offset)) continue;
    // `return helper(..., addr, ...)` hands the handle on: an escape, not an exit that drops it.
    const handsOn = handlePattern(scan.handle).test(match[0].slice('return'.length));
    events.push(handsOn ? { kind: 'escape', offset } : { kind: 'return', offset, text: match[0].replace(/\s+/g, ' ') });
  }
  for (const match of region.matchAll(/\bgoto\s+([A-Za-z_]\w*)\s*;/g)) {
    const offset = from + match.index;
    if (skipped(offset)) continue;
    const cleanup = labelCleanup(code, scan.body, match[1]!);
    events.push({
      kind: 'goto',
      offset,
      label: match[1]!,
      cleanupMentions: cleanup !== null && handlePattern(scan.handle).test(cleanup),
      cleanupReleases: cleanup === null ? null : firstRelease(cleanup, scan.handle),
    });
  }
  return events.sort((a, b) => a.offset - b.offset);
}

/** The handle as a whole: not a prefix of a longer name or member (`addr` in `addr2`, `priv->dma` in `priv->dma_len`). */
function handlePattern(handle: string): RegExp {
  const name = escapeRegExp(handle).replace(/\\?\s+/g, '\\s*');
  return new RegExp(`(^|[^\\w.>])${name}(?![\\w\\[]|\\s*(?:->|\\.)\\w)`, 'g');
}

/**
 * A mention of the handle: assigned (`h = …`), released, or passed on in any other way; null when it is
 * only looked at (tested, synced, printed), which leaves it where it is.
 */
function mentionEvent(code: string, offset: number, length: number): PathEvent | null {
  const after = code.slice(offset + length, offset + length + 3);
  if (/^\s*=(?!=)/.test(after)) return { kind: 'assigned', offset };
  const call = enclosingCall(code, offset);
  if (call && RELEASES.test(call))
    return { kind: 'release', offset, call, unconditional: isUnconditional(code, offset) };
  // Compared with the CPU physical address, the handle is one the driver can compute again (it relies on
  // an identity mapping and unmaps virt_to_phys(...) later): it is held, in effect.
  if (/\b(?:virt_to_phys|__pa)\s*\(/.test(statementAround(code, offset))) return { kind: 'escape', offset };
  if (call && OBSERVERS.test(call)) return null;
  if (call === null && isComparison(code, offset, length)) return null;
  return { kind: 'escape', offset };
}

function statementAround(code: string, offset: number): string {
  const start = Math.max(code.lastIndexOf(';', offset), code.lastIndexOf('{', offset), code.lastIndexOf('}', offset));
  const end = code.indexOf(';', offset);
  return code.slice(start + 1, end < 0 ? code.length : end);
}

function isComparison(code: string, offset: number, length: number): boolean {
  const before = code.slice(Math.max(0, offset - 3), offset);
  const after = code.slice(offset + length, offset + length + 3);
  return /(!|==|!=)\s*$/.test(before) || /^\s*(==|!=)/.test(after);
}

/** The name of the call whose argument list holds the offset, or null outside any call (statements). */
function enclosingCall(code: string, offset: number): string | null {
  let depth = 0;
  for (let index = offset - 1; index >= 0 && offset - index < 2000; index--) {
    const char = code[index];
    if (char === ')') depth++;
    else if (char === '(') {
      if (depth === 0) {
        const name = /([A-Za-z_]\w*)\s*$/.exec(code.slice(Math.max(0, index - 64), index))?.[1] ?? null;
        // `if (`, `while (`, `return (` are statements, not calls.
        return name && !/^(if|while|for|switch|return)$/.test(name) ? name : null;
      }
      depth--;
    } else if (char === ';' || char === '{' || char === '}') return null;
  }
  return null;
}

/**
 * Whether the statement holding the offset runs whenever its block does: not the body of a brace-less
 * `if`, `else`, loop or `case`, nor part of a conditional expression.
 */
export function isUnconditional(code: string, offset: number): boolean {
  const start = Math.max(code.lastIndexOf(';', offset), code.lastIndexOf('{', offset), code.lastIndexOf('}', offset));
  return !/\b(if|else|for|while|case|default)\b|\?/.test(code.slice(start + 1, offset));
}

/**
 * The code a `goto label` runs: from the label to the first `return` or `goto` after it (the labels below
 * that belong to other paths); null when the function has no such label.
 */
export function labelCleanup(code: string, body: { open: number; close: number }, label: string): string | null {
  const pattern = new RegExp(`(^|[;{}\\n])[ \\t]*${escapeRegExp(label)}\\s*:(?!:)`, 'g');
  const slice = code.slice(body.open, body.close);
  const match = pattern.exec(slice);
  if (!match) return null;
  const cleanup = slice.slice(match.index + match[0].length);
  const end = /\b(?:return|goto)\b[^;]*;/.exec(cleanup);
  return end ? cleanup.slice(0, end.index + end[0].length) : cleanup;
}

/** How many blocks opened in the cleanup hold the offset (a release inside `if (op == X) { … }` is conditional). */
function depthAt(cleanup: string, offset: number): number {
  let depth = 0;
  for (let index = 0; index < offset; index++) {
    if (cleanup[index] === '{') depth++;
    else if (cleanup[index] === '}') depth = Math.max(0, depth - 1);
  }
  return depth;
}

/** The first unconditional call in the code that releases the handle, before anything assigns it anew; its name. */
function firstRelease(cleanup: string, handle: string): string | null {
  for (const match of cleanup.matchAll(handlePattern(handle))) {
    const offset = match.index + match[1]!.length;
    const event = mentionEvent(cleanup, offset, handle.length);
    if (event?.kind === 'assigned') return null;
    if (event?.kind === 'release' && event.unconditional && depthAt(cleanup, offset) === 0) return event.call;
  }
  return null;
}
