// The path from the root to the node at each catalogue name, for names visited in file order. Asking a node
// for its parent costs O(depth) in tree-sitter (nodes keep no parent pointer), and finding a child scans the
// children before it, so per-name lookups were quadratic in the depth of a name, in the number of names
// nested in each other, and in the width of a flat ERROR region holding thousands of names. One tree cursor
// moves forward through the file instead: from one name to the next it climbs only as far as it must and
// skips each sibling once, so the whole walk enters each node of the tree about once.
import type { SyntaxNode, TreeCursor } from '../parse/parser';

/** Ancestors kept whole up to this depth; deeper (pathological) nesting keeps only what the facts read. */
const MAX_NESTING = 400;

/** Ancestors that still matter beyond MAX_NESTING: the enclosing function and the error regions. */
const KEPT_OUTER_TYPES = new Set(['function_definition', 'ERROR']);

export interface NodePath {
  /** The smallest node spanning the range. */
  node: SyntaxNode;
  /** Its ancestors, innermost first: all of them up to MAX_NESTING, then only the kept outer ones. */
  ancestors: SyntaxNode[];
}

export class NodePaths {
  private readonly cursor: TreeCursor;
  /** The ancestors of the cursor's node, from the root down. */
  private readonly stack: SyntaxNode[] = [];
  /** Indices in `stack` of the nodes of KEPT_OUTER_TYPES, in increasing order. */
  private readonly kept: number[] = [];

  constructor(root: SyntaxNode) {
    this.cursor = root.walk();
  }

  /** Frees the cursor's wasm memory. */
  delete(): void {
    this.cursor.delete();
  }

  /**
   * The smallest node spanning [start, end) and its ancestors. Ranges asked in increasing order cost the
   * least; a range behind the cursor is still answered, after climbing back up.
   */
  pathTo(start: number, end: number): NodePath {
    this.climbTo(start, end);
    this.descendTo(start, end);
    return { node: this.cursor.currentNode, ancestors: this.ancestors() };
  }

  /** Up (and right along the way) until the cursor's node spans the range, or is the root. */
  private climbTo(start: number, end: number): void {
    while (this.stack.length > 0 && !this.cursorSpans(start, end)) {
      if (this.cursor.endIndex <= start && this.cursor.gotoNextSibling()) continue;
      this.cursor.gotoParent();
      this.pop();
    }
  }

  /** Down into the child that spans the range, as long as there is one. */
  private descendTo(start: number, end: number): void {
    for (;;) {
      const parent = this.cursor.currentNode;
      if (!this.cursor.gotoFirstChild()) return;
      this.push(parent);
      while (this.cursor.endIndex <= start && this.cursor.gotoNextSibling());
      if (!this.cursorSpans(start, end)) {
        this.cursor.gotoParent();
        this.pop();
        return;
      }
    }
  }

  private cursorSpans(start: number, end: number): boolean {
    return this.cursor.startIndex <= start && this.cursor.endIndex >= end;
  }

  private push(node: SyntaxNode): void {
    if (KEPT_OUTER_TYPES.has(node.type)) this.kept.push(this.stack.length);
    this.stack.push(node);
  }

  private pop(): void {
    this.stack.pop();
    if (this.kept.at(-1) === this.stack.length) this.kept.pop();
  }

  private ancestors(): SyntaxNode[] {
    const nearest = Math.max(0, this.stack.length - MAX_NESTING);
    const ancestors: SyntaxNode[] = [];
    for (let index = this.stack.length - 1; index >= nearest; index--) ancestors.push(this.stack[index]!);
    for (let index = this.kept.length - 1; index >= 0; index--)
      if (this.kept[index]! < nearest) ancestors.push(this.stack[this.kept[index]!]!);
    return ancestors;
  }
}
