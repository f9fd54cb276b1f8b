// Whole-file call-site extraction: prefilter the catalogue names, parse (or reuse the caller's tree), keep the
// names the tree says are calls, parse `#define` bodies that hold names as fragments, then link the sites.
import { parse, type SyntaxNode, type Tree } from '../parse/parser';
import { buildSite, type BuiltSite } from './call-facts';
import { findCalls } from './call-finder';
import type { CallSite } from './callsite';
import { FileContext } from './file-context';
import { linkSites } from './link';
import { findCandidateNames, type Candidate } from './prefilter';

/** Wraps a macro body so that the grammar parses it as statements of a function. */
const FRAGMENT_PREFIX = 'void __dmalens_macro_body(void) {\n';
const FRAGMENT_SUFFIX = '\n;}\n';

/**
 * All call sites of a file, in file order. With `tree` (a parse of exactly `text`) nothing is parsed except
 * macro bodies; without it the file is parsed and the tree freed. A parse over budget gives no sites.
 */
export function extractCallSites(text: string, tree?: Tree | null): CallSite[] {
  const candidates = findCandidateNames(text);
  if (candidates.length === 0) return [];
  const ownTree = tree ? null : parse(text);
  const root = tree?.rootNode ?? ownTree?.rootNode;
  if (!root) return [];
  try {
    const context = new FileContext(text);
    return finishSites(context, collectSites(context, root, 0, candidates));
  } finally {
    ownTree?.delete();
  }
}

/** Sites for `candidates` in a tree of the text starting at `base`, built while the tree is alive. */
export function collectSites(
  context: FileContext,
  root: SyntaxNode,
  base: number,
  candidates: readonly Candidate[],
): BuiltSite[] {
  const found = findCalls(context, root, base, candidates);
  const built = found.calls.map((call) => buildSite(context, call));
  for (const body of found.macroBodies)
    built.push(...macroBodySites(context, body.start, body.end, body.macro, body.candidates));
  return built;
}

function macroBodySites(
  context: FileContext,
  start: number,
  end: number,
  macro: string,
  candidates: readonly Candidate[],
): BuiltSite[] {
  // Continuation backslashes become spaces so that offsets inside the fragment stay file offsets minus one constant.
  const body = context.text.slice(start, end).replace(/\\(?=\r?\n)/g, ' ');
  const fragment = parse(FRAGMENT_PREFIX + body + FRAGMENT_SUFFIX);
  if (!fragment) return [];
  try {
    const base = start - FRAGMENT_PREFIX.length;
    return findCalls(context, fragment.rootNode, base, candidates, macro).calls.map((call) => buildSite(context, call));
  } finally {
    fragment.delete();
  }
}

/** Orders sites by offset, drops duplicates (a name can be reached twice through overlapping regions), links them. */
export function finishSites(context: FileContext, built: BuiltSite[]): CallSite[] {
  built.sort((a, b) => a.site.offset - b.site.offset);
  const unique = built.filter((entry, index) => index === 0 || built[index - 1]!.site.offset !== entry.site.offset);
  linkSites(unique, context.text);
  return unique.map((entry) => entry.site);
}
