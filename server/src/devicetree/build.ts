// Builds the live tree from statements as dtc does (scripts/dtc/dtc-parser.y and livetree.c): the first `/ { }`
// makes the root and later ones merge into it; `&label { }` and `&{/path} { }` merge into the node they name;
// a property defined again replaces the old value in its old place; /delete-node/ and /delete-property/ mark
// things deleted; overlays (`/plugin/`) are applied afterwards as fdtoverlay applies their fragments. Then
// phandles are assigned in dtc's order and `/omit-if-no-ref/` nodes nobody references are dropped.
import type { Origin } from './origin-map';
import type { ProblemList } from './problems';
import type { DtsDocument, NodeBody, TopStatement } from './syntax';
import { deleteProperty, DtNode, type DtProperty } from './tree';
import { encodeValue, type NodeRef, type Resolver, type ValuePart } from './values';

export class TreeBuilder {
  readonly root = new DtNode('', null);
  private rootDefined = false;

  constructor(private readonly problems: ProblemList) {}

  /** Applies a document compiled with the board (the .dts and everything it includes). */
  applyDocument(document: DtsDocument): void {
    // An overlay read on its own has targets in a base it does not name: they are not errors here.
    this.standaloneOverlay = document.plugin;
    // An overlay has no root of its own; its fragments target the base's nodes.
    if (document.plugin) this.rootDefined = this.unresolvedAllowed = true;
    for (const statement of document.statements) this.applyStatement(statement, false);
    this.standaloneOverlay = false;
  }

  private standaloneOverlay = false;
  /** An overlay read on its own refers to labels of its base: dtc records them as fixups. */
  private unresolvedAllowed = false;

  private missingTarget(ref: NodeRef, origin: Origin | null): void {
    if (this.standaloneOverlay)
      this.problems.warning(`'${refText(ref)}' is in the base this overlay is applied to, not in this file`, origin);
    else this.problems.error(`label or path '${refText(ref)}' not found`, origin);
  }

  /**
   * Applies an overlay on top of the built tree as fdtoverlay does: each `&label { }` fragment merges into its
   * target; an overlay cannot delete anything, so its deletions are reported and ignored.
   */
  applyOverlay(document: DtsDocument): void {
    if (!document.plugin) this.problems.warning('applied as an overlay, but the file has no /plugin/;', null);
    for (const statement of document.statements) {
      if (statement.kind === 'root') this.applyExplicitFragments(statement.body, statement.origin);
      else this.applyStatement(statement, true);
    }
  }

  private applyStatement(statement: TopStatement, overlay: boolean): void {
    switch (statement.kind) {
      case 'root':
        if (statement.origin) this.root.origins.push(statement.origin);
        if (statement.nameOrigin) this.root.nameOrigins.push(statement.nameOrigin);
        this.rootDefined = true;
        this.mergeBody(this.root, statement.body, overlay);
        return;
      case 'override': {
        const target = this.lookup(statement.ref);
        if (!target) {
          this.missingTarget(statement.ref, statement.nameOrigin);
          return;
        }
        for (const label of statement.labels) this.addLabel(target, label);
        if (statement.origin) target.origins.push(statement.origin);
        if (statement.nameOrigin) target.nameOrigins.push(statement.nameOrigin);
        target.deleted = false;
        this.mergeBody(target, statement.body, overlay);
        return;
      }
      case 'delete-ref': {
        const target = this.lookup(statement.ref);
        if (overlay) this.problems.warning('an overlay cannot delete nodes; /delete-node/ ignored', statement.origin);
        else if (!target) this.problems.error(`label or path '${refText(statement.ref)}' not found`, statement.origin);
        else target.delete();
        return;
      }
      case 'omit-ref': {
        const target = this.lookup(statement.ref);
        if (!target) this.problems.error(`label or path '${refText(statement.ref)}' not found`, statement.origin);
        else target.omitIfNoRef = true;
        return;
      }
    }
  }

  /** Old-style overlays spell their fragments out: `fragment@0 { target = <&x>; __overlay__ { ... }; };`. */
  private applyExplicitFragments(body: NodeBody, origin: Origin | null): void {
    for (const fragment of body.children) {
      if (fragment.kind !== 'node') continue;
      const content = fragment.body.children.find((child) => child.kind === 'node' && child.name === '__overlay__');
      const targetRef = fragmentTarget(fragment.body);
      if (!content || content.kind !== 'node' || targetRef === null) continue;
      const target = this.lookup(targetRef);
      if (!target) {
        this.problems.error(`overlay fragment target '${refText(targetRef)}' not found`, fragment.origin ?? origin);
        continue;
      }
      this.mergeBody(target, content.body, true);
    }
  }

  /** merge_nodes: properties first, in order, then children, in order. */
  private mergeBody(node: DtNode, body: NodeBody, overlay: boolean): void {
    for (const statement of body.properties) {
      if (statement.kind === 'delete-property') {
        if (overlay) {
          this.problems.warning('an overlay cannot delete properties; /delete-property/ ignored', statement.origin);
          continue;
        }
        const old = node.properties.find((property) => property.name === statement.name);
        if (old && !old.deleted) deleteProperty(old);
        continue;
      }
      this.setProperty(node, statement.name, statement.parts, statement.labels, statement.origin, statement.nameOrigin);
    }
    for (const statement of body.children) {
      if (statement.kind === 'delete-node') {
        if (overlay) {
          this.problems.warning('an overlay cannot delete nodes; /delete-node/ ignored', statement.origin);
          continue;
        }
        node.anyChild(statement.name)?.delete();
        continue;
      }
      // A deleted child of the same name is brought back (dtc's for_each_child_withdel).
      const child = node.anyChild(statement.name) ?? node.addChild(statement.name);
      child.deleted = false;
      for (const label of statement.labels) this.addLabel(child, label);
      if (statement.omitIfNoRef) child.omitIfNoRef = true;
      if (statement.origin) child.origins.push(statement.origin);
      if (statement.nameOrigin) child.nameOrigins.push(statement.nameOrigin);
      this.mergeBody(child, statement.body, overlay);
    }
  }

  private setProperty(
    node: DtNode,
    name: string,
    parts: ValuePart[],
    labels: string[],
    origin: Origin | null,
    nameOrigin: Origin | null,
  ): void {
    const old = node.properties.find((property) => property.name === name);
    if (old) {
      for (const label of labels) if (!old.labels.includes(label)) old.labels.push(label);
      old.parts = parts;
      old.deleted = false;
      old.origin = origin;
      old.nameOrigin = nameOrigin;
      return;
    }
    node.properties.push({ name, parts, labels: [...labels], deleted: false, origin, nameOrigin, bytes: EMPTY });
  }

  /** Nodes by label, in the order the labels were given; deleted ones are skipped on lookup. */
  private readonly labelled = new Map<string, DtNode[]>();

  private addLabel(node: DtNode, label: string): void {
    node.addLabel(label);
    const nodes = this.labelled.get(label);
    if (!nodes) this.labelled.set(label, [node]);
    else if (!nodes.includes(node)) nodes.push(node);
  }

  /** get_node_by_ref: `/` is the root, `/a/b@1` a path of exact names, anything else a label. */
  lookup(ref: NodeRef): DtNode | null {
    if (ref === '/') return this.root;
    if (ref.startsWith('/')) return nodeByPath(this.root, ref);
    return this.labelled.get(ref)?.find((node) => !node.deleted && node.liveLabels.includes(ref)) ?? null;
  }

  /**
   * dtc's fixups, in its order: explicit phandles, then a phandle for every referenced node in a pre-order walk
   * of properties (the first free number from 1), path references, and the removal of unreferenced
   * `/omit-if-no-ref/` nodes. Finally every property is encoded.
   */
  finish(): DtNode {
    if (!this.rootDefined) this.problems.error('no root node (/ { ... };)', null);
    const labels = new Map<string, DtNode>();
    for (const node of this.root.walk())
      for (const label of node.liveLabels) if (!labels.has(label)) labels.set(label, node);
    const find = (ref: NodeRef): DtNode | null =>
      ref === '/' ? this.root : ref.startsWith('/') ? nodeByPath(this.root, ref) : (labels.get(ref) ?? null);
    const used = new Map<number, DtNode>();
    for (const node of this.root.walk()) {
      const explicit = firstCell(node.property('phandle')) ?? firstCell(node.property('linux,phandle'));
      if (explicit !== null && explicit !== 0 && explicit !== 0xffffffff) {
        node.phandle = explicit;
        used.set(explicit, node);
      }
    }
    let next = 1;
    const phandleOf = (node: DtNode): number => {
      if (node.phandle !== null) return node.phandle;
      while (used.has(next)) next++;
      node.phandle = next;
      used.set(next, node);
      if (!node.has('phandle')) {
        const parts: ValuePart[] = [{ kind: 'cells', bits: 32, items: [{ value: BigInt(next) }] }];
        node.properties.push({
          name: 'phandle',
          parts,
          labels: [],
          deleted: false,
          origin: null,
          nameOrigin: null,
          bytes: EMPTY,
        });
      }
      return next;
    };
    for (const node of this.root.walk()) {
      for (const property of node.properties) {
        if (property.deleted) continue;
        for (const ref of refsOf(property.parts, 'phandle')) {
          const target = find(ref);
          if (!target) {
            if (this.unresolvedAllowed)
              this.problems.warning(`'${refText(ref)}' is left for the base to resolve`, property.origin);
            else this.problems.error(`reference to non-existent node or label '${refText(ref)}'`, property.origin);
            continue;
          }
          phandleOf(target);
          target.referenced = true;
        }
        for (const ref of refsOf(property.parts, 'path')) {
          const target = find(ref);
          if (!target)
            this.problems.error(`reference to non-existent node or label '${refText(ref)}'`, property.origin);
          else target.referenced = true;
        }
      }
    }
    for (const node of [...this.root.walk()]) if (node.omitIfNoRef && !node.referenced && !node.deleted) node.delete();
    // check_name_properties: a `name` property equal to the node's name is redundant and dtc drops it.
    for (const node of this.root.walk()) {
      const name = node.property('name');
      const part = name?.parts.length === 1 ? name.parts[0] : undefined;
      if (name && part?.kind === 'string' && part.value === node.baseName) deleteProperty(name);
    }
    const resolver: Resolver = {
      phandleOf: (ref) => find(ref)?.phandle ?? null,
      pathOf: (ref) => find(ref)?.path ?? null,
    };
    for (const node of this.root.walk())
      for (const property of node.properties)
        if (!property.deleted) property.bytes = encodeValue(property.parts, resolver);
    return this.root;
  }
}

const EMPTY = new Uint8Array();

/** The first cell of a value written as a number (an explicit `phandle = <N>`), before anything is encoded. */
function firstCell(property: DtProperty | undefined): number | null {
  const part = property?.parts[0];
  const item = part?.kind === 'cells' && part.bits === 32 ? part.items[0] : undefined;
  return item && 'value' in item ? Number(item.value) : null;
}

function* refsOf(parts: readonly ValuePart[], kind: 'phandle' | 'path'): Generator<NodeRef> {
  for (const part of parts) {
    if (kind === 'path' && part.kind === 'path') yield part.ref;
    if (kind === 'phandle' && part.kind === 'cells') for (const item of part.items) if ('ref' in item) yield item.ref;
  }
}

function fragmentTarget(body: NodeBody): NodeRef | null {
  for (const property of body.properties) {
    if (property.kind !== 'property') continue;
    const part = property.parts[0];
    if (property.name === 'target-path' && part?.kind === 'string') return part.value;
    if (property.name === 'target' && part?.kind === 'cells') {
      const item = part.items[0];
      if (item && 'ref' in item) return item.ref;
    }
  }
  return null;
}

/** get_node_by_path: each component must equal a live child's full name. */
export function nodeByPath(root: DtNode, path: string): DtNode | null {
  let node: DtNode | undefined = root;
  for (const component of path.split('/').filter(Boolean)) {
    node = node.child(component);
    if (!node) return null;
  }
  return node.deleted ? null : node;
}

function refText(ref: NodeRef): string {
  return ref.startsWith('/') ? `&{${ref}}` : `&${ref}`;
}

export type { DtProperty };
