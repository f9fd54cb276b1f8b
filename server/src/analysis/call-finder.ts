// Anchored extraction: at each catalogue-name occurrence, ask the syntax tree what is there. A callee of a
// call_expression is a call; a name in a comment, a string, a declaration or a field is not. Inside ERROR
// regions (kernel macros the grammar cannot shape) a name followed by `(` in expression position is still a
// call, marked recovered. Names inside `#define` bodies are returned separately: the grammar keeps macro
// bodies as raw text, so the caller parses them as fragments.
import { catalogueEntry, type ApiEntry } from '@dmalens/core';
import type { SyntaxNode } from '../parse/parser';
import { scanArguments, skipSpaceBackward, skipSpaceForward, type ArgumentText } from './arguments';
import type { FileContext } from './file-context';
import type { LexicalSpans } from './lexical-spans';
import { NodePaths } from './node-paths';
import type { Candidate } from './prefilter';

export interface FoundCall {
  api: ApiEntry;
  /** File offsets of the callee name and of the argument list's parentheses. */
  nameStart: number;
  nameEnd: number;
  open: number;
  close: number;
  args: ArgumentText[];
  /** The call_expression node when the grammar built one; otherwise null. */
  callNode: SyntaxNode | null;
  /** The callee identifier node (always present). */
  nameNode: SyntaxNode;
  /** The name's ancestors, innermost first, read once (each `parent` is a call into wasm). */
  ancestors: SyntaxNode[];
  /** The offset of this tree's text in the file. */
  base: number;
  recovered: boolean;
  macro: string | null;
}

/** A `#define` body holding catalogue names, to be parsed as a fragment. */
export interface MacroBody {
  macro: string;
  /** File offsets of the body text. */
  start: number;
  end: number;
  candidates: Candidate[];
}

export interface FindResult {
  calls: FoundCall[];
  macroBodies: MacroBody[];
}

const NOT_CODE = new Set([
  'comment',
  'string_literal',
  'string_content',
  'char_literal',
  'system_lib_string',
  'escape_sequence',
  'raw_string_literal',
]);

/** Words after which `name(` is a call, although the previous token is a word. */
const EXPRESSION_KEYWORDS = new Set(['return', 'else', 'case', 'do', 'sizeof', 'typeof', '__typeof__']);

/**
 * Finds the calls at `candidates` (file offsets) in `root`, a tree of the file's text from `base` on (the
 * whole file, a region of it, or a macro body wrapped as a fragment).
 */
export function findCalls(
  context: FileContext,
  root: SyntaxNode,
  base: number,
  candidates: readonly Candidate[],
  macro: string | null = null,
): FindResult {
  const calls: FoundCall[] = [];
  const bodies = new Map<number, MacroBody>();
  // An unterminated comment or string leaves its text to the parser as code, next to an ERROR node rather than
  // inside one; in trees with errors every call is therefore checked against the text too.
  const treeHasErrors = root.hasError;
  const { text, lexical } = context;
  const paths = new NodePaths(root);
  try {
    for (const candidate of candidates) {
      const call = callAt(text, lexical, paths, candidate, base, macro, bodies, treeHasErrors);
      if (call) calls.push(call);
    }
  } finally {
    paths.delete();
  }
  return { calls, macroBodies: [...bodies.values()] };
}

/** The call at one candidate name, or null; a name in a `#define` body is set aside in `bodies`. */
function callAt(
  text: string,
  lexical: LexicalSpans,
  paths: NodePaths,
  candidate: Candidate,
  base: number,
  macro: string | null,
  bodies: Map<number, MacroBody>,
  treeHasErrors: boolean,
): FoundCall | null {
  const api = catalogueEntry(candidate.name);
  if (!api) return null;
  const local = candidate.offset - base;
  const { node, ancestors } = paths.pathTo(local, local + candidate.name.length);
  if (node.type === 'preproc_arg') {
    if (macro === null) collectMacroBody(node, ancestors, base, candidate, bodies);
    return null;
  }
  if (NOT_CODE.has(node.type) || node.type !== 'identifier') return null;
  if (node.startIndex !== local || node.endIndex !== local + candidate.name.length) return null;
  return (
    treeCall(text, lexical, node, ancestors, api, base, macro, treeHasErrors) ??
    recoveredCall(text, lexical, node, ancestors, api, base, macro)
  );
}

function treeCall(
  text: string,
  lexical: LexicalSpans,
  name: SyntaxNode,
  ancestors: SyntaxNode[],
  api: ApiEntry,
  base: number,
  macro: string | null,
  treeHasErrors: boolean,
): FoundCall | null {
  const parent = ancestors[0];
  if (parent?.type !== 'call_expression') return null;
  const callee = parent.childForFieldName('function');
  if (!callee || callee.startIndex !== name.startIndex || callee.endIndex !== name.endIndex) return null;
  const argumentList = parent.childForFieldName('arguments');
  if (!argumentList) return null;
  const recovered = macro !== null || hasErrorAncestor(ancestors);
  if (treeHasErrors && macro === null && lexical.insideBrokenCommentOrLiteral(base + name.startIndex)) return null;
  const open = base + argumentList.startIndex;
  const list = scanArguments(text, open);
  if (!list) return null;
  return {
    api,
    nameStart: base + name.startIndex,
    nameEnd: base + name.endIndex,
    open,
    close: list.close,
    args: list.args,
    callNode: parent,
    nameNode: name,
    ancestors,
    base,
    recovered,
    macro,
  };
}

/** A name the grammar did not make a callee: a call only inside an ERROR region and only in expression position. */
function recoveredCall(
  text: string,
  lexical: LexicalSpans,
  name: SyntaxNode,
  ancestors: SyntaxNode[],
  api: ApiEntry,
  base: number,
  macro: string | null,
): FoundCall | null {
  // Besides ERROR regions, the grammar sometimes reads `attr(...) name(args)` as a macro type; catalogue names are
  // never type macros, so that shape is a call too.
  // Inside a function body, `MACRO_WITHOUT_SEMICOLON dma_unmap_single(dev, h, ...);` reads as a local prototype
  // whose type is the macro; drivers never declare DMA API prototypes locally, so that shape is a call too.
  const prototypeInBody =
    ancestors[0]?.type === 'function_declarator' && ancestors.some((node) => node.type === 'compound_statement');
  if (!prototypeInBody && !hasErrorAncestor(ancestors) && ancestors[0]?.type !== 'macro_type_specifier') return null;
  const nameStart = base + name.startIndex;
  const nameEnd = base + name.endIndex;
  const open = skipSpaceForward(text, nameEnd);
  if (text[open] !== '(') return null;
  if (lexical.insideBrokenCommentOrLiteral(nameStart) || (!prototypeInBody && looksLikeDeclaration(text, nameStart)))
    return null;
  const list = scanArguments(text, open);
  if (!list) return null;
  return {
    api,
    nameStart,
    nameEnd,
    open,
    close: list.close,
    args: list.args,
    callNode: null,
    nameNode: name,
    ancestors,
    base,
    recovered: true,
    macro,
  };
}

/** `dma_addr_t dma_map_single(` or `void *dma_alloc_coherent(`: a prototype, not a call. */
function looksLikeDeclaration(text: string, nameStart: number): boolean {
  let before = skipSpaceBackward(text, nameStart);
  if (before < 0) return false;
  if (text[before] === '*') {
    while (before >= 0 && (text[before] === '*' || /\s/.test(text[before]!))) before--;
    return before >= 0 && /\w/.test(text[before]!);
  }
  if (!/\w/.test(text[before]!)) return false;
  let wordStart = before;
  while (wordStart > 0 && /\w/.test(text[wordStart - 1]!)) wordStart--;
  return !EXPRESSION_KEYWORDS.has(text.slice(wordStart, before + 1));
}

function hasErrorAncestor(ancestors: readonly SyntaxNode[]): boolean {
  return ancestors.some((ancestor) => ancestor.type === 'ERROR');
}

function collectMacroBody(
  argument: SyntaxNode,
  ancestors: readonly SyntaxNode[],
  base: number,
  candidate: Candidate,
  bodies: Map<number, MacroBody>,
): void {
  const definition = ancestors[0];
  if (definition?.type !== 'preproc_function_def' && definition?.type !== 'preproc_def') return;
  const name = definition.childForFieldName('name')?.text ?? '';
  const start = base + argument.startIndex;
  let body = bodies.get(start);
  if (!body) {
    body = { macro: name, start, end: base + argument.endIndex, candidates: [] };
    bodies.set(start, body);
  }
  body.candidates.push(candidate);
}
