// Facts that need more than one call: whether a mapping's result is checked, and which unmap/sync/free calls
// pair with which map/alloc calls through the same handle text.
import { catalogueEntry } from '@dmalens/core';
import type { BuiltSite } from './call-facts';
import { escapeRegExp } from './regexp-text';
import { isResultTested } from './result-test';

/** How far after an allocation its NULL/zero test is looked for. */
const TEST_WINDOW = 1500;

const PRODUCERS = new Set(['map', 'alloc', 'pool-alloc']);
const CONSUMERS = new Set(['unmap', 'sync', 'free', 'pool-free']);

/**
 * Text without whitespace and without increments: handles compare this way (`*++addr = map(...)` is
 * checked as `*addr`), and a `flexible` pattern can only match where this holds its text.
 */
export function handleKey(handle: string): string {
  return handle.replace(/\s+/g, '').replace(/\+\+|--/g, '');
}

/** A checked handle without the casts before it: `dma_mapping_error(dev, (dma_addr_t)*rbuf)` checks `*rbuf`. */
export function uncast(handle: string): string {
  return handle.replace(/^(\s*\(\s*(?:const\s+|unsigned\s+|signed\s+)*\w+(?:\s*\*)*\s*\)\s*)+/, '');
}

/** A pattern that finds `text` with any whitespace between its tokens. */
function flexible(text: string): string {
  return text.split('').map(escapeRegExp).join('\\s*');
}

export function linkSites(built: BuiltSite[], text: string): void {
  markChecked(built, text);
  pairByHandle(built);
}

function sameFunction(a: BuiltSite, b: BuiltSite): boolean {
  return a.link.functionStart !== null && a.link.functionStart === b.link.functionStart;
}

function markChecked(built: BuiltSite[], text: string): void {
  const checks = built.filter((entry) => entry.site.kind === 'check' && entry.site.handle !== null);
  for (const entry of built) {
    const api = catalogueEntry(entry.site.api);
    if (!api || (entry.site.kind !== 'map' && entry.site.kind !== 'alloc' && entry.site.kind !== 'pool-alloc'))
      continue;
    const { site, link } = entry;
    if (api.returns === 'dma_handle') {
      site.checked =
        link.passedToCheck ||
        site.resultUse === 'condition' ||
        (site.handle !== null && checkedInFunction(entry, checks, text));
    } else {
      const tested =
        api.returns === 'cpu_addr'
          ? site.cpuAddr
          : site.resultUse === 'assigned' || site.resultUse === 'declared'
            ? resultLvalue(entry, text)
            : null;
      site.checked = site.resultUse === 'condition' || (tested !== null && resultTested(entry, tested, text));
    }
  }
}

function checkedInFunction(entry: BuiltSite, checks: BuiltSite[], text: string): boolean {
  const handle = handleKey(entry.site.handle!);
  const body = functionText(entry, text);
  let bodyKey: string | null = null;
  for (const check of checks) {
    if (!sameFunction(entry, check)) continue;
    const checked = handleKey(uncast(check.site.handle!));
    if (checked === handle) return true;
    if (!body) continue;
    // The handle copied into another lvalue that is then checked: `desc->addr = addr; ... dma_mapping_error(dev, desc->addr)`.
    // Compiling a pattern costs far more than this test, which every match passes.
    bodyKey ??= handleKey(body);
    if (
      bodyKey.includes(`${checked}=${handle};`) &&
      new RegExp(`${flexible(checked)}\\s*=\\s*${flexible(handle)}\\s*;`).test(body)
    )
      return true;
  }
  return false;
}

/** The scatterlist map's count lives in the lvalue text of its statement; read it back from the call's text. */
function resultLvalue(entry: BuiltSite, text: string): string | null {
  const before = text.slice(Math.max(0, entry.site.offset - 120), entry.site.offset);
  const match = /([A-Za-z_][\w.>\-[\]]*)\s*=\s*$/.exec(before);
  return match ? match[1]! : null;
}

/** Whether the allocation's result is tested after the call, in its function (result-test.ts). */
function resultTested(entry: BuiltSite, lvalue: string, text: string): boolean {
  if (entry.link.functionEnd === null) return false;
  // The test follows the allocation closely in kernel code; a bounded window keeps this linear in the file.
  return isResultTested(
    text.slice(entry.site.endOffset, Math.min(entry.link.functionEnd, entry.site.endOffset + TEST_WINDOW)),
    lvalue,
  );
}

function functionText(entry: BuiltSite, text: string): string | null {
  return entry.link.functionStart === null || entry.link.functionEnd === null
    ? null
    : text.slice(entry.link.functionStart, entry.link.functionEnd);
}

function pairByHandle(built: BuiltSite[]): void {
  const byKey = new Map<string, number[]>();
  built.forEach((entry, index) => {
    if (entry.site.handle === null) return;
    if (!PRODUCERS.has(entry.site.kind) && !CONSUMERS.has(entry.site.kind)) return;
    const key = handleKey(entry.site.handle);
    const list = byKey.get(key);
    if (list) list.push(index);
    else byKey.set(key, [index]);
  });
  for (const indexes of byKey.values()) {
    for (const producer of indexes) {
      if (!PRODUCERS.has(built[producer]!.site.kind)) continue;
      for (const consumer of indexes) {
        if (!CONSUMERS.has(built[consumer]!.site.kind)) continue;
        const a = built[producer]!;
        const b = built[consumer]!;
        // A local variable called `addr` in two functions is two different handles.
        if ((a.link.handleIsLocal || b.link.handleIsLocal) && !sameFunction(a, b)) continue;
        a.site.pairedWith.push(consumer);
        b.site.pairedWith.push(producer);
      }
    }
  }
}
