// The live tree dtc builds from the statements: nodes with their properties, labels and phandles. Deleted
// nodes and properties stay in place marked deleted, as in dtc's livetree.c, because a later definition of
// the same name brings them back at their old position.
import type { Origin } from './origin-map';
import { cellsOf, readNumber, stringsOf, type ValuePart } from './values';

export interface DtProperty {
  name: string;
  parts: ValuePart[];
  labels: string[];
  deleted: boolean;
  /** Where the value in force was written (the last definition). */
  origin: Origin | null;
  nameOrigin: Origin | null;
  /** The encoded value, set once references are resolved. */
  bytes: Uint8Array;
}

export class DtNode {
  readonly children: DtNode[] = [];
  readonly properties: DtProperty[] = [];
  readonly labels: { name: string; deleted: boolean }[] = [];
  deleted = false;
  omitIfNoRef = false;
  referenced = false;
  phandle: number | null = null;
  /** Every statement that defined or extended the node, in order: the root block, `&label { }` overrides. */
  readonly origins: Origin[] = [];
  readonly nameOrigins: Origin[] = [];
  private cachedPath: string | null = null;

  constructor(
    readonly name: string,
    readonly parent: DtNode | null,
  ) {}

  /** The full path, `/` for the root. */
  get path(): string {
    if (this.cachedPath === null) {
      if (!this.parent) this.cachedPath = '/';
      else this.cachedPath = this.parent.parent ? `${this.parent.path}/${this.name}` : `/${this.name}`;
    }
    return this.cachedPath;
  }

  /** The name without its unit address. */
  get baseName(): string {
    const at = this.name.indexOf('@');
    return at < 0 ? this.name : this.name.slice(0, at);
  }

  get liveChildren(): DtNode[] {
    return this.children.filter((child) => !child.deleted);
  }

  get liveLabels(): string[] {
    return this.labels.filter((label) => !label.deleted).map((label) => label.name);
  }

  /** The live property of that name. */
  property(name: string): DtProperty | undefined {
    return this.properties.find((property) => !property.deleted && property.name === name);
  }

  has(name: string): boolean {
    return this.property(name) !== undefined;
  }

  /** The property's value as 32-bit cells; null when absent or not a whole number of cells. */
  cells(name: string): number[] | null {
    const property = this.property(name);
    return property ? cellsOf(property.bytes) : null;
  }

  /** of_property_read_u32: the first cell, or null when the property is absent or shorter than a cell. */
  u32(name: string): number | null {
    const property = this.property(name);
    if (!property || property.bytes.length < 4) return null;
    return Number(readNumber(cellsOf(property.bytes.subarray(0, 4)) ?? [], 0, 1));
  }

  strings(name: string): string[] | null {
    const property = this.property(name);
    return property ? stringsOf(property.bytes) : null;
  }

  /** The live child of that name. */
  child(name: string): DtNode | undefined {
    const child = this.byName.get(name);
    return child && !child.deleted ? child : undefined;
  }

  /** The child of that name, deleted or not (dtc's for_each_child_withdel finds both). */
  anyChild(name: string): DtNode | undefined {
    return this.byName.get(name);
  }

  addChild(name: string): DtNode {
    const child = new DtNode(name, this);
    this.children.push(child);
    this.byName.set(name, child);
    return child;
  }

  private readonly byName = new Map<string, DtNode>();

  addLabel(name: string): void {
    const known = this.labels.find((label) => label.name === name);
    if (known) known.deleted = false;
    else this.labels.push({ name, deleted: false });
  }

  /** dtc's delete_node: the node, its subtree, its properties and every label in it. */
  delete(): void {
    this.deleted = true;
    for (const child of this.children) if (!child.deleted) child.delete();
    for (const property of this.properties) deleteProperty(property);
    for (const label of this.labels) label.deleted = true;
  }

  /** The live nodes of the subtree in pre-order (dtc's traversal order). */
  walk(): DtNode[] {
    const nodes: DtNode[] = [];
    if (this.deleted) return nodes;
    const stack: DtNode[] = [this];
    while (stack.length) {
      const node = stack.pop()!;
      nodes.push(node);
      for (let index = node.children.length - 1; index >= 0; index--) {
        const child = node.children[index]!;
        if (!child.deleted) stack.push(child);
      }
    }
    return nodes;
  }
}

export function deleteProperty(property: DtProperty): void {
  property.deleted = true;
  property.labels.length = 0;
}

/** of_device_is_available: no status, or status "okay"/"ok". */
export function isAvailable(node: DtNode): boolean {
  const status = node.strings('status');
  if (!node.has('status')) return true;
  const value = status?.[0];
  return value === 'okay' || value === 'ok';
}

/** The node and every ancestor are available: only then does of_platform_populate reach it. */
export function isEnabled(node: DtNode): boolean {
  for (let at: DtNode | null = node; at; at = at.parent) if (!isAvailable(at)) return false;
  return true;
}
