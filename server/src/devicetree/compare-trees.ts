// Differences between two resolved trees, node by node and property by property, byte for byte. Used to hold
// the resolver to dtc: the tree dtc prints (`dtc -O dts`, read back without the preprocessor) must equal ours.
import type { DtNode } from './tree';

export interface TreeDifference {
  path: string;
  property?: string;
  what: 'missing' | 'extra' | 'value';
  /** Both values in hex, for a value difference. */
  ours?: string;
  theirs?: string;
}

/** Differences of `ours` from `theirs` (the reference); properties named in `ignore` are not compared. */
export function compareTrees(ours: DtNode, theirs: DtNode, ignore: ReadonlySet<string> = new Set()): TreeDifference[] {
  const differences: TreeDifference[] = [];
  compareNode(ours, theirs, ignore, differences);
  return differences;
}

function compareNode(ours: DtNode, theirs: DtNode, ignore: ReadonlySet<string>, out: TreeDifference[]): void {
  const path = theirs.path;
  const ourProperties = new Map(ours.properties.filter((p) => !p.deleted).map((p) => [p.name, p]));
  for (const property of theirs.properties) {
    if (property.deleted || ignore.has(property.name)) continue;
    const mine = ourProperties.get(property.name);
    if (!mine) out.push({ path, property: property.name, what: 'missing' });
    else if (!sameBytes(mine.bytes, property.bytes))
      out.push({
        path,
        property: property.name,
        what: 'value',
        ours: hexBytes(mine.bytes),
        theirs: hexBytes(property.bytes),
      });
    ourProperties.delete(property.name);
  }
  for (const name of ourProperties.keys()) if (!ignore.has(name)) out.push({ path, property: name, what: 'extra' });
  const ourChildren = new Map(ours.liveChildren.map((child) => [child.name, child]));
  for (const child of theirs.liveChildren) {
    const mine = ourChildren.get(child.name);
    if (!mine) out.push({ path: child.path, what: 'missing' });
    else compareNode(mine, child, ignore, out);
    ourChildren.delete(child.name);
  }
  for (const child of ourChildren.values()) out.push({ path: child.path, what: 'extra' });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

function hexBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
