// One open editor document: its text, its syntax tree kept up to date by incremental re-parsing, and its call
// sites (computed on demand, cached until the next edit). The tree lives in wasm memory: call dispose(). A
// document the server has not used for a while can give its tree back (releaseTree); its next edit parses
// the whole text again.
import { parse, type Tree } from '../parse/parser';
import type { CallSite, Position, Range } from './callsite';
import { extractCallSites } from './extract';
import { analyzeFileText } from './file-analysis';
import { LineIndex } from './line-index';

/** An LSP TextDocumentContentChangeEvent: a ranged replacement, or the whole text when range is absent. */
export interface ContentChange {
  range?: Range;
  text: string;
}

export class AnalyzedDocument {
  private currentText: string;
  private lines: LineIndex;
  private tree: Tree | null;
  private overBudget: boolean;
  private cachedSites: CallSite[] | null = null;

  constructor(text: string) {
    this.currentText = text;
    this.lines = new LineIndex(text);
    this.tree = parse(text);
    this.overBudget = this.tree === null;
  }

  get text(): string {
    return this.currentText;
  }

  /** Line lookups of the current text. */
  get lineIndex(): LineIndex {
    return this.lines;
  }

  /** True while the document holds a syntax tree in wasm memory. */
  get holdsTree(): boolean {
    return this.tree !== null;
  }

  /**
   * Why the sites may be incomplete, or null: when the whole file's parse runs over its budget, the sites
   * come from parses of the top-level definitions that name a DMA call (the scan's way), never from none.
   */
  get degraded(): string | null {
    return !this.overBudget
      ? null
      : 'parsing the whole file took longer than its budget; the call sites come from separate parses of the definitions that name a DMA call, and some may be missing';
  }

  /** Applies LSP content changes in order, editing the tree so the re-parse reuses unchanged subtrees. */
  applyEdits(changes: readonly ContentChange[]): void {
    for (const change of changes) {
      if (!change.range) {
        this.replaceAll(change.text);
        continue;
      }
      const startIndex = this.lines.offsetAt(change.range.start);
      const oldEndIndex = Math.max(startIndex, this.lines.offsetAt(change.range.end));
      const next = this.currentText.slice(0, startIndex) + change.text + this.currentText.slice(oldEndIndex);
      const newEndIndex = startIndex + change.text.length;
      if (this.tree) {
        this.tree.edit({
          startIndex,
          oldEndIndex,
          newEndIndex,
          startPosition: toPoint(this.lines.positionAt(startIndex)),
          oldEndPosition: toPoint(this.lines.positionAt(oldEndIndex)),
          newEndPosition: toPoint(endPosition(this.lines.positionAt(startIndex), change.text)),
        });
      }
      this.currentText = next;
      this.lines = new LineIndex(next);
    }
    this.reparse();
  }

  sites(): CallSite[] {
    this.cachedSites ??= this.tree
      ? extractCallSites(this.currentText, this.tree)
      : analyzeFileText(this.currentText, '', { regionsOnly: true }).sites;
    return this.cachedSites;
  }

  /** Frees the syntax tree, keeping the text and the call sites; the next edit parses the whole text. */
  releaseTree(): void {
    if (!this.tree) return;
    this.sites();
    this.tree.delete();
    this.tree = null;
  }

  /** The innermost site whose call (name to closing parenthesis) contains the position. */
  siteAt(position: Position): CallSite | null {
    const offset = this.lines.offsetAt(position);
    let best: CallSite | null = null;
    for (const site of this.sites()) {
      if (site.offset > offset) break;
      if (offset <= site.endOffset && (!best || site.offset >= best.offset)) best = site;
    }
    return best;
  }

  positionAt(offset: number): Position {
    return this.lines.positionAt(offset);
  }

  offsetAt(position: Position): number {
    return this.lines.offsetAt(position);
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = null;
    this.cachedSites = [];
  }

  private replaceAll(text: string): void {
    this.tree?.delete();
    this.tree = null;
    this.currentText = text;
    this.lines = new LineIndex(text);
  }

  private reparse(): void {
    const old = this.tree;
    this.tree = parse(this.currentText, old);
    old?.delete();
    this.overBudget = this.tree === null;
    this.cachedSites = null;
  }
}

function toPoint(position: Position): { row: number; column: number } {
  return { row: position.line, column: position.character };
}

/** Where inserted text ends, starting from `start`. */
function endPosition(start: Position, inserted: string): Position {
  const lastBreak = inserted.lastIndexOf('\n');
  if (lastBreak < 0) return { line: start.line, character: start.character + inserted.length };
  let lines = 0;
  for (let at = inserted.indexOf('\n'); at !== -1; at = inserted.indexOf('\n', at + 1)) lines++;
  return { line: start.line + lines, character: inserted.length - lastBreak - 1 };
}
