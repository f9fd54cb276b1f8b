// The batch entry for whole-tree scans: parse only the top-level definitions that hold a catalogue name
// (3.8 s instead of 12.5 s over Linux 6.1, docs/performance.md), fall back to a full parse when a
// region is not self-contained. Sites and positions are the same as a whole-file extraction.
import { parse, type SyntaxNode } from '../parse/parser';
import type { BuiltSite } from './call-facts';
import type { CallSite } from './callsite';
import { collectSites, finishSites } from './extract';
import { FileContext } from './file-context';
import type { LineIndex } from './line-index';
import { findCandidateNames, type Candidate } from './prefilter';
import { regionAround, regionsAround, type Region } from './regions';

export interface FileAnalysis {
  path: string;
  sites: CallSite[];
  /** UTF-16 code units handed to the parser (regions, or the whole file after a fallback). */
  parsedBytes: number;
  /** True when the whole file was parsed (a region was not self-contained). */
  fullParse: boolean;
  /** True when a parse ran over its time budget; the sites found so far are kept. */
  timedOut: boolean;
  /** The line index the sites' ranges came from, for the checks to reuse; absent when there was no candidate. */
  lines?: LineIndex;
}

/** Regions covering more than this share of the file are parsed as the whole file. */
const WHOLE_FILE_SHARE = 0.6;

export interface AnalyzeOptions {
  /** Regions covering more than this share of the file are parsed as the whole file (default 0.6). */
  wholeFileShare?: number;
  /**
   * Never parse the whole file: a region that is not self-contained still gives the sites its widest
   * parse found. For a file whose whole parse ran over its budget: some sites beat none.
   */
  regionsOnly?: boolean;
}

export function analyzeFileText(text: string, path: string, options: AnalyzeOptions = {}): FileAnalysis {
  const regionsOnly = options.regionsOnly ?? false;
  const wholeFileShare = regionsOnly ? Infinity : (options.wholeFileShare ?? WHOLE_FILE_SHARE);
  const candidates = findCandidateNames(text);
  const result: FileAnalysis = { path, sites: [], parsedBytes: 0, fullParse: false, timedOut: false };
  if (candidates.length === 0) return result;
  const context = new FileContext(text);
  result.lines = context.lines;
  const regions = regionsAround(
    text,
    candidates.map((candidate) => candidate.offset),
  );
  const regionBytes = regions.reduce((sum, region) => sum + region.end - region.start, 0);
  const built =
    regionBytes <= text.length * wholeFileShare
      ? parseRegions(context, regions, candidates, result, wholeFileShare, regionsOnly)
      : null;
  if (built || regionsOnly) {
    result.sites = finishSites(context, built ?? []);
    return result;
  }
  result.fullParse = true;
  result.parsedBytes += text.length;
  const tree = parse(text);
  if (!tree) {
    result.timedOut = true;
    return result;
  }
  try {
    result.sites = finishSites(context, collectSites(context, tree.rootNode, 0, candidates));
  } finally {
    tree.delete();
  }
  return result;
}

/** Sites from each region's own parse, or null when some region stays not self-contained after widening. */
function parseRegions(
  context: FileContext,
  regions: Region[],
  candidates: readonly Candidate[],
  result: FileAnalysis,
  wholeFileShare: number,
  regionsOnly: boolean,
): BuiltSite[] | null {
  const built: BuiltSite[] = [];
  let next = 0;
  for (const region of regions) {
    const inside: Candidate[] = [];
    while (next < candidates.length && candidates[next]!.offset < region.end) {
      if (candidates[next]!.offset >= region.start) inside.push(candidates[next]!);
      next++;
    }
    const sites = parseRegion(context, region, inside, result, wholeFileShare, regionsOnly);
    if (sites === 'timeout') return built;
    if (sites === null) return null;
    built.push(...sites);
  }
  return built;
}

/** How many times a region that is not self-contained grows by its neighbouring top-level items. */
const MAX_WIDENING = 2;

function parseRegion(
  context: FileContext,
  region: Region,
  inside: readonly Candidate[],
  result: FileAnalysis,
  wholeFileShare: number,
  regionsOnly: boolean,
): BuiltSite[] | null | 'timeout' {
  let current = region;
  for (let widening = 0; widening <= MAX_WIDENING; widening++) {
    const source = context.text.slice(current.start, current.end);
    result.parsedBytes += source.length;
    const tree = parse(source);
    if (!tree) {
      result.timedOut = true;
      return 'timeout';
    }
    const wider = widen(context.text, current);
    const last =
      widening === MAX_WIDENING ||
      (wider.start === current.start && wider.end === current.end) ||
      wider.end - wider.start > context.text.length * wholeFileShare;
    try {
      if (selfContained(tree.rootNode) || (regionsOnly && last))
        return collectSites(context, tree.rootNode, current.start, inside);
    } finally {
      tree.delete();
    }
    if (last) return null;
    current = wider;
  }
  return null;
}

/** The region grown by the top-level item before it and the one after it. */
function widen(text: string, region: Region): Region {
  const start = region.start > 0 ? regionAround(text, region.start - 1).start : 0;
  const end = region.end < text.length ? regionAround(text, region.end).end : text.length;
  return { start: Math.min(start, region.start), end: Math.max(end, region.end) };
}

/** Statements the grammar accepts at top level, which in a region mean it started inside a function body. */
const STATEMENTS = new Set([
  'if_statement',
  'while_statement',
  'for_statement',
  'do_statement',
  'return_statement',
  'break_statement',
  'continue_statement',
  'goto_statement',
  'labeled_statement',
  'switch_statement',
  'case_statement',
  'compound_statement',
]);

/**
 * At file scope an expression statement is a macro invocation (`EXPORT_SYMBOL(f);`, `module_init(f);`),
 * so a call; an assignment or any other expression there comes from the middle of a function body.
 */
function isBareExpression(item: SyntaxNode): boolean {
  return (
    item.type === 'expression_statement' &&
    item.firstNamedChild !== null &&
    item.firstNamedChild.type !== 'call_expression'
  );
}

/** Conditional-compilation blocks: a region that starts inside one holds its items one level down. */
const PREPROCESSOR_BLOCKS = new Set(['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);

/**
 * A region parse is trusted when none of its top-level items (looking inside `#if` blocks) is an ERROR or
 * a bare statement, and nothing but a `#endif` is MISSING at its end: then the region began and ended
 * between top-level definitions. A missing `#endif` only says the region took the `#ifdef CONFIG_...` line
 * above a function and not the `#endif` below it, which the whole file's parse would wrap the same way.
 */
function selfContained(root: SyntaxNode): boolean {
  if (!itemsAreDefinitions(root)) return false;
  if (!root.hasError) return true;
  for (let node: SyntaxNode | null = root.lastChild; node; node = node.lastChild) {
    if (node.isError || (node.isMissing && node.type !== '#endif')) return false;
  }
  return true;
}

function itemsAreDefinitions(container: SyntaxNode): boolean {
  for (const child of container.children) {
    if (!child || child.isError || STATEMENTS.has(child.type) || isBareExpression(child)) return false;
    if (PREPROCESSOR_BLOCKS.has(child.type) && !itemsAreDefinitions(child)) return false;
  }
  return true;
}
