// What happens to one handle on the straight path through a function after a point, read in text order
// from the file's masked code (comments and literals blanked): the handle is released, stored or passed on
// (it escapes, and whoever holds it releases it), assigned anew, or the path leaves the function by
// `return` or by `goto` to a label whose cleanup does or does not mention it. Text order is path order for
// the code after a point and inside the block holding it, except across exclusive branches; the rules that
// use this stop at the first event that could belong to another path's story (an escape, an assignment),
// so that a branch never makes them report what another branch does.
import { escapeRegExp } from '../../analysis/regexp-text';
import { statementStart } from '../statements';
import type { PairingIndex } from '../pairing';

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

/** A function body's `{` and just past its `}`. */
type Body = { open: number; close: number };

export interface PathScan {
  /** The file's pairing index: its masked code (comments and literals blanked) and its blocks. */
  index: PairingIndex;
  /** The handle's text, as the call sites give it (`addr`, `priv->rx_dma`). */
  handle: string;
  /** Where the path starts (just after the statement of interest) and where it ends (its block's `}`). */
  from: number;
  to: number;
  /** The function's body, where labels and their cleanup are looked up. */
  body: Body;
  /** Ranges whose events belong to another path (the failure branch of the map's own check). */
  skip?: readonly { open: number; close: number }[];
}

/**
 * Where returns, gotos and each handle's mentions are in one file's masked code, found once per text and
 * asked by binary search: the rules ask about every map and release of a file, and a driver that reuses
 * one handle for hundreds of mappings in one function must cost linear time, not a scan of the rest of
 * the function per call (test/scaling/pairing.test.ts).
 */
class PathIndex {
  readonly returns: { offset: number; end: number; text: string }[] = [];
  readonly gotos: { offset: number; label: string }[] = [];
  private readonly mentions = new Map<string, number[]>();
  private readonly moves = new Map<string, number[]>();
  private readonly cleanups = new Map<string, { start: number; end: number } | null>();
  private readonly identifiers = new Map<number, Map<string, number[]>>();

  constructor(readonly code: string) {
    for (const match of code.matchAll(/\breturn\b[^;]*;/g))
      this.returns.push({
        offset: match.index,
        end: match.index + match[0].length,
        text: match[0].replace(/\s+/g, ' '),
      });
    for (const match of code.matchAll(/\bgoto\s+([A-Za-z_]\w*)\s*;/g))
      this.gotos.push({ offset: match.index, label: match[1]! });
  }

  /**
   * Offsets of the handle's whole mentions in a function (`addr` but not `addr2` or `priv->addr`;
   * `priv->dma` but not `priv->dma_len`), found from the occurrences of its last identifier: a function
   * with hundreds of handles costs one pass over its text, not one per handle.
   */
  mentionsOf(handle: string, body: Body): number[] {
    const key = `${body.open}:${handle}`;
    let offsets = this.mentions.get(key);
    if (!offsets) {
      const squeezed = handle.replace(/\s+/g, '');
      const last = /[A-Za-z_]\w*$/.exec(squeezed)?.[0];
      offsets = [];
      for (const occurrence of last ? this.occurrences(last, body) : []) {
        const end = occurrence + last!.length;
        const start = startOfMatchEndingAt(this.code, end, squeezed);
        if (start < 0 || /[\w.>]/.test(this.code[start - 1] ?? '')) continue;
        if (/^(?:[\w[]|\s*(?:->|\.)\w)/.test(this.code.slice(end, end + 32))) continue;
        offsets.push(start);
      }
      this.mentions.set(key, offsets);
    }
    return offsets;
  }

  /**
   * Every occurrence of an identifier in a function, from one pass over the function made on first use:
   * only the functions holding a map or a release are read, not the whole file.
   */
  private occurrences(name: string, body: Body): readonly number[] {
    let identifiers = this.identifiers.get(body.open);
    if (!identifiers) {
      identifiers = new Map();
      for (const match of this.code.slice(body.open, body.close).matchAll(/[A-Za-z_]\w*/g)) {
        const list = identifiers.get(match[0]);
        if (list) list.push(body.open + match.index);
        else identifiers.set(match[0], [body.open + match.index]);
      }
      this.identifiers.set(body.open, identifiers);
    }
    return identifiers.get(name) ?? [];
  }

  /**
   * The code a `goto label` runs, as offsets: from the label to the end of the first `return` or `goto`
   * after it (the labels below that belong to other paths); null when the function has no such label.
   * Once per function and label.
   */
  cleanupOf(body: Body, label: string): { start: number; end: number } | null {
    const key = `${body.open}:${label}`;
    if (!this.cleanups.has(key)) this.cleanups.set(key, this.findCleanup(body, label));
    return this.cleanups.get(key)!;
  }

  private findCleanup(body: Body, label: string): { start: number; end: number } | null {
    const pattern = new RegExp(`(?:^|[;{}\\n])[ \\t]*${escapeRegExp(label)}\\s*:(?!:)`, 'g');
    pattern.lastIndex = body.open;
    const match = pattern.exec(this.code);
    if (!match || match.index >= body.close) return null;
    const start = match.index + match[0].length;
    const exits = [nextAt(this.returns, start), nextAt(this.gotos, start)];
    const ends = exits.flatMap((exit) =>
      exit && exit.offset < body.close ? [this.code.indexOf(';', exit.offset) + 1] : [],
    );
    return { start, end: ends.length ? Math.min(...ends) : body.close };
  }

  /** The handle's mentions in [start, end), in order. */
  mentionsIn(handle: string, body: Body, start: number, end: number): number[] {
    const offsets = this.mentionsOf(handle, body);
    const first = firstAt(offsets, start, (offset) => offset);
    const last = firstAt(offsets, end, (offset) => offset);
    return offsets.slice(first, last);
  }

  /** Offsets where the object a member handle belongs to moves on (`desc++`, `++desc`, `dma = &hw->next`). */
  movesOf(base: string, body: Body): number[] {
    const key = `${body.open}:${base}`;
    let offsets = this.moves.get(key);
    if (!offsets) {
      offsets = this.occurrences(base, body).filter((at) => {
        if (/[\w.>]/.test(this.code[at - 1] ?? '')) return false;
        const before = this.code.slice(Math.max(0, at - 4), at);
        const after = this.code.slice(at + base.length, at + base.length + 4);
        return /(\+\+|--)\s*$/.test(before) || /^\s*(\+\+|--|[-+]?=(?!=))/.test(after);
      });
      this.moves.set(key, offsets);
    }
    return offsets;
  }
}

let lastIndex: PathIndex | null = null;

function pathIndex(code: string): PathIndex {
  if (lastIndex?.code !== code) lastIndex = new PathIndex(code);
  return lastIndex;
}

function nextAt(list: readonly { offset: number }[], from: number): { offset: number } | undefined {
  return list[firstAt(list, from, (entry) => entry.offset)];
}

/** The index of the first entry at or after `from` in a list sorted by offset. */
function firstAt<T>(list: readonly T[], from: number, offsetOf: (item: T) => number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (offsetOf(list[middle]!) < from) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The events on the path, in text order, found as they are asked for: a rule stops at the first that decides. */
export function* pathEvents(scan: PathScan): Generator<PathEvent> {
  const index = pathIndex(scan.index.code);
  const code = scan.index.code;
  const skipped = (offset: number) => scan.skip?.some((range) => offset >= range.open && offset < range.close) ?? false;
  const base = /^([A-Za-z_]\w*)\s*(?:->|\.)/.exec(scan.handle)?.[1];
  const cursors: EventSource[] = [
    new Cursor(
      index.mentionsOf(scan.handle, scan.body),
      scan.from,
      (offset) => offset,
      (offset) => mentionEvent(code, offset, scan.handle.length),
    ),
    new Cursor(
      index.returns,
      scan.from,
      (entry) => entry.offset,
      (entry) => returnEvent(entry, scan, index),
    ),
    new Cursor(
      index.gotos,
      scan.from,
      (entry) => entry.offset,
      (entry) => gotoEvent(entry, scan, index),
    ),
    ...(base
      ? [
          new Cursor(
            index.movesOf(base, scan.body),
            scan.from,
            (offset) => offset,
            (offset): PathEvent => ({ kind: 'assigned', offset }),
          ),
        ]
      : []),
  ];
  for (let budget = MAX_PATH_EVENTS; budget > 0; budget--) {
    let earliest: EventSource | null = null;
    for (const cursor of cursors) if (cursor.offset() < (earliest?.offset() ?? scan.to)) earliest = cursor;
    if (!earliest) return;
    const offset = earliest.offset();
    const event = earliest.take();
    if (event && !skipped(offset)) yield event;
  }
}

/**
 * How many events a path is followed for. A function of hundreds of maps, each with its goto, would
 * otherwise cost time quadratic in its length; past this many events nothing is decided, and nothing said.
 */
const MAX_PATH_EVENTS = 64;

interface EventSource {
  /** The offset of the next item, Infinity when there is none. */
  offset(): number;
  /** The next item's event (null: a mention that decides nothing), moving past it. */
  take(): PathEvent | null;
}

/** A position in one of the index's sorted lists, from the path's start on. */
class Cursor<T> implements EventSource {
  private at: number;

  constructor(
    private readonly list: readonly T[],
    from: number,
    private readonly offsetOf: (item: T) => number,
    private readonly toEvent: (item: T) => PathEvent | null,
  ) {
    this.at = firstAt(list, from, offsetOf);
  }

  offset(): number {
    return this.at < this.list.length ? this.offsetOf(this.list[this.at]!) : Infinity;
  }

  take(): PathEvent | null {
    return this.toEvent(this.list[this.at++]!);
  }
}

/** `return helper(..., addr, ...)` hands the handle on: an escape, not an exit that drops it. */
function returnEvent(
  entry: { offset: number; end: number; text: string },
  scan: PathScan,
  index: PathIndex,
): PathEvent {
  return index.mentionsIn(scan.handle, scan.body, entry.offset, entry.end).length > 0
    ? { kind: 'escape', offset: entry.offset }
    : { kind: 'return', offset: entry.offset, text: entry.text };
}

function gotoEvent(entry: { offset: number; label: string }, scan: PathScan, index: PathIndex): PathEvent {
  const cleanup = index.cleanupOf(scan.body, entry.label);
  const mentions = cleanup ? index.mentionsIn(scan.handle, scan.body, cleanup.start, cleanup.end) : [];
  return {
    kind: 'goto',
    offset: entry.offset,
    label: entry.label,
    cleanupMentions: mentions.length > 0,
    cleanupReleases: cleanup ? firstRelease(scan, cleanup.start, mentions) : null,
  };
}

/**
 * Where `squeezed` (a handle without whitespace) ends at `end` in the code with any whitespace between its
 * characters: the offset it starts at, or -1.
 */
function startOfMatchEndingAt(code: string, end: number, squeezed: string): number {
  let at = end - 1;
  for (let index = squeezed.length - 1; index >= 0; index--) {
    while (at >= 0 && /\s/.test(code[at]!) && index < squeezed.length - 1) at--;
    if (code[at] !== squeezed[index]) return -1;
    at--;
  }
  return at + 1;
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
  const end = code.indexOf(';', offset);
  return code.slice(statementStart(code, offset), end < 0 ? code.length : end);
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
  return !/\b(if|else|for|while|case|default)\b|\?/.test(code.slice(statementStart(code, offset), offset));
}

/**
 * The first release of the handle in a label's cleanup (its mentions given), before anything assigns it
 * anew: its call's name. Only a release that runs whenever the cleanup does counts: not under an `if` of
 * its own, nor in a block the cleanup opens (`if (op == X) { … }`).
 */
function firstRelease(scan: PathScan, cleanupStart: number, mentions: readonly number[]): string | null {
  const code = scan.index.code;
  for (const offset of mentions) {
    const event = mentionEvent(code, offset, scan.handle.length);
    if (event?.kind === 'assigned') return null;
    if (event?.kind !== 'release' || !event.unconditional) continue;
    const block = scan.index.innermostBlock(offset);
    if (block === null || block.open < cleanupStart) return event.call;
  }
  return null;
}
