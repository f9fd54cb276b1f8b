// What a file's own functions do with a DMA handle, for unchecked-mapping to follow the handle across
// calls: a check helper passes one of its parameters to dma_mapping_error() (b43_dma_mapping_error(ring,
// addr, ...)), so a call of it checks the argument in that place; a map wrapper returns the handle of a
// map it makes (map_descbuffer() returning dmaaddr), or hands it back through a pointer parameter, so
// checking is its callers' part. Found on the masked text of the file (checks/pairing.ts), once per file
// the rule has candidates in.
import type { CallSite } from '../analysis/callsite';
import { handleKey, uncast } from '../analysis/link';
import { escapeRegExp } from '../analysis/regexp-text';
import type { FunctionBody } from './function-bodies';
import type { PairingIndex } from './pairing';
import { statementStart } from './statements';

/** Calls that check a handle, with the index of the handle argument. */
const DMA_CHECKS = new Map([
  ['dma_mapping_error', 1],
  ['pci_dma_mapping_error', 1],
  ['virtqueue_dma_mapping_error', 1],
]);

/** Calls named as a mapping check: drivers' own helpers (`enic_dma_map_check`, `niu_pci_mapping_error`). */
const CHECK_NAMED = /\b(\w*(?:mapping_error|mapping_err|map_error|map_check|map_err)\w*)\s*\(/g;

export interface WrapperCall {
  /** Offsets of the wrapper's name at the call. */
  nameStart: number;
  nameEnd: number;
  /** The function around the call. */
  caller: FunctionBody;
  /** Where the returned handle goes: an lvalue, a return of its own, or nowhere. */
  use: { kind: 'stored'; lvalue: string } | { kind: 'returned' } | { kind: 'discarded' } | { kind: 'other' };
}

export class HandleSummaries {
  /** Every call that checks its argument at an index: the DMA API's own and the file's helpers. */
  private readonly checks = new Map(DMA_CHECKS);
  private readonly checkedByBody = new Map<number, Set<string>>();

  constructor(
    private readonly index: PairingIndex,
    checkSites: readonly CallSite[],
  ) {
    this.findCheckHelpers(checkSites);
  }

  /** Whether the handle is checked in the function: by the DMA API's check, through a cast, or a file's helper. */
  isChecked(handle: string, body: FunctionBody): boolean {
    return this.checkedIn(body).has(checkedKey(handle));
  }

  /** Every handle a function checks, found once per function: a long function may hold hundreds of maps. */
  private checkedIn(body: FunctionBody): Set<string> {
    let checked = this.checkedByBody.get(body.open);
    if (!checked) {
      checked = new Set();
      const code = this.index.code.slice(body.open, body.close);
      for (const [name, argument] of this.checks) {
        if (!code.includes(name)) continue;
        for (const args of callsIn(code, name))
          if (args[argument] !== undefined) checked.add(checkedKey(args[argument]));
      }
      // A helper defined in a header (enic_dma_map_check() in enic.h) is not seen here; one named as a
      // check is taken as one of any of its arguments.
      for (const name of new Set([...code.matchAll(CHECK_NAMED)].map((match) => match[1]!)))
        for (const args of callsIn(code, name)) for (const arg of args) checked.add(checkedKey(arg));
      this.checkedByBody.set(body.open, checked);
    }
    return checked;
  }

  /**
   * When the map's handle leaves its function through `return` (directly, or by the variable it was
   * stored in), the function and the file's calls of it; null when the function keeps the handle. A
   * function that is not static may be called from other files, whose checks are not seen: `calls` is then
   * null.
   */
  wrapperOf(site: CallSite, body: FunctionBody): { name: string; through: string; calls: WrapperCall[] | null } | null {
    const code = this.index.code.slice(body.open, body.close);
    const returned =
      site.resultUse === 'returned' ||
      (site.handle !== null &&
        /^\w+$/.test(site.handle) &&
        new RegExp(`\\breturn\\s*\\(?\\s*${site.handle}\\s*\\)?\\s*;`).test(code));
    // `*dma_out = dma_map_single(...)`: the handle leaves through a pointer parameter, to the caller's `&x`.
    const outName = /^\*\s*([A-Za-z_]\w*)$/.exec(site.handle ?? '')?.[1];
    const outParameter = outName ? parameters(body).indexOf(outName) : -1;
    const name = functionName(body);
    if ((!returned && outParameter < 0) || !name) return null;
    const through = returned ? 'returns' : `hands back through '*${outName}'`;
    if (!/^static\b|\bstatic\s/.test(body.header)) return { name, through, calls: null };
    return { name, through, calls: this.callsOf(name, body, returned ? null : outParameter) };
  }

  /**
   * The calls of a file's function outside its own body, each with what becomes of its result: the
   * returned value, or with `outParameter` the variable whose address the call passes there.
   */
  private callsOf(name: string, own: FunctionBody, outParameter: number | null): WrapperCall[] {
    const code = this.index.code;
    const calls: WrapperCall[] = [];
    for (const match of code.matchAll(new RegExp(`\\b${escapeRegExp(name)}\\s*\\(`, 'g'))) {
      const caller = this.index.functionAt(match.index);
      if (!caller || caller === own) continue;
      calls.push({
        nameStart: match.index,
        nameEnd: match.index + name.length,
        caller,
        use:
          outParameter === null ? resultUse(code, match.index, caller) : outUse(code, match.index, name, outParameter),
      });
    }
    return calls;
  }

  /**
   * Helpers pass a parameter to a check: to the DMA API's own, or to another helper (a wrapper around
   * b43_dma_mapping_error() is one too). Rounds go on until no function is added; each adds one or stops.
   */
  private findCheckHelpers(checkSites: readonly CallSite[]): void {
    for (const site of checkSites) {
      const body = site.handle === null ? null : this.index.functionAt(site.offset);
      if (body) this.addHelperIfParameter(body, site.handle!);
    }
    for (let added = true; added;) {
      added = false;
      for (const [name, argument] of [...this.checks]) {
        if (DMA_CHECKS.has(name)) continue;
        for (const match of this.index.code.matchAll(new RegExp(`\\b${escapeRegExp(name)}\\s*\\(`, 'g'))) {
          const body = this.index.functionAt(match.index);
          const args = body ? [...callsIn(this.index.code.slice(match.index, body.close), name)][0] : undefined;
          if (body && args?.[argument] !== undefined && this.addHelperIfParameter(body, args[argument])) added = true;
        }
      }
    }
  }

  /** Records the function as a check helper when the checked text is one of its parameters; true when new. */
  private addHelperIfParameter(body: FunctionBody, checked: string): boolean {
    const name = functionName(body);
    const position = parameters(body).indexOf(checkedKey(checked));
    if (!name || position < 0 || this.checks.has(name)) return false;
    this.checks.set(name, position);
    return true;
  }
}

/** As the extraction compares handles, and without the casts before a checked one. */
function checkedKey(text: string): string {
  return handleKey(uncast(text.trim()));
}

function functionName(body: FunctionBody): string | null {
  return /(\w+)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*$/.exec(body.header)?.[1] ?? null;
}

/** The names of a function's parameters, in order. */
function parameters(body: FunctionBody): string[] {
  const list = /\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$/.exec(body.header)?.[1] ?? '';
  return splitArguments(list).map((parameter) => /(\w+)\s*(?:\[[^\]]*\]\s*)*$/.exec(parameter)?.[1] ?? '');
}

/** The argument texts of every call of `name` in a masked code slice. */
function* callsIn(code: string, name: string): Generator<string[]> {
  for (const match of code.matchAll(new RegExp(`\\b${escapeRegExp(name)}\\s*\\(`, 'g'))) {
    const open = match.index + match[0].length - 1;
    const close = closingParenthesis(code, open);
    if (close > open) yield splitArguments(code.slice(open + 1, close));
  }
}

function closingParenthesis(code: string, open: number): number {
  let depth = 0;
  for (let index = open; index < code.length; index++) {
    if (code[index] === '(') depth++;
    else if (code[index] === ')' && --depth === 0) return index;
    else if (code[index] === ';' || code[index] === '{') return -1;
  }
  return -1;
}

/** Splits at the commas outside parentheses and brackets. */
function splitArguments(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < list.length; index++) {
    const char = list[index];
    if (char === '(' || char === '[') depth++;
    else if (char === ')' || char === ']') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(list.slice(start, index).trim());
      start = index + 1;
    }
  }
  if (list.trim() !== '') parts.push(list.slice(start).trim());
  return parts;
}

/** Where a call's out-parameter puts the handle: `&x` stores it in x; anything else passes it on. */
function outUse(code: string, nameStart: number, name: string, outParameter: number): WrapperCall['use'] {
  const args = [...callsIn(code.slice(nameStart, nameStart + 2000), name)][0];
  const lvalue = /^&\s*([A-Za-z_][\w.>\-[\]]*)$/.exec(args?.[outParameter]?.replace(/\s+/g, '') ?? '')?.[1];
  return lvalue ? { kind: 'stored', lvalue } : { kind: 'other' };
}

/** What the statement around a call does with its result, read from the text before the call's name. */
function resultUse(code: string, nameStart: number, caller: FunctionBody): WrapperCall['use'] {
  const from = Math.max(caller.open + 1, statementStart(code, nameStart));
  const before = code.slice(from, nameStart).trim();
  if (before === '') return { kind: 'discarded' };
  if (/^return\b/.test(before)) return { kind: 'returned' };
  const assignment = /(?:^|[\s*])([A-Za-z_][\w.>\-[\]]*)\s*=\s*(?:\(\s*\w+\s*\)\s*)?$/.exec(
    before.replace(/\s*(->|\.)\s*/g, '$1'),
  );
  return assignment ? { kind: 'stored', lvalue: assignment[1]! } : { kind: 'other' };
}
