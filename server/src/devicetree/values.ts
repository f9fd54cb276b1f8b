// Property values as dtc builds them: a sequence of parts (cell arrays of 8/16/32/64-bit elements, strings,
// byte strings, path references), encoded big-endian once every phandle is known. Phandle references stay
// symbolic until then, so the tree knows which cells point at which node.

/** A reference to a node: `&label` or `&{/path}`, kept as dtc keeps it (a label or a path starting with `/`). */
export type NodeRef = string;

export type CellItem = { value: bigint } | { ref: NodeRef };

export type ValuePart =
  | { kind: 'cells'; bits: 8 | 16 | 32 | 64; items: CellItem[] }
  | { kind: 'string'; value: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  /** `&label` outside `< >`: the node's full path as a string. */
  | { kind: 'path'; ref: NodeRef };

export interface Resolver {
  phandleOf(ref: NodeRef): number | null;
  pathOf(ref: NodeRef): string | null;
}

const encoder = new TextEncoder();

/** The bytes dtc writes for the value. An unresolved reference encodes as 0xffffffff (dtc's unresolved phandle). */
export function encodeValue(parts: readonly ValuePart[], resolver: Resolver): Uint8Array {
  const chunks: Uint8Array[] = parts.map((part) => encodePart(part, resolver));
  const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

function encodePart(part: ValuePart, resolver: Resolver): Uint8Array {
  switch (part.kind) {
    case 'string':
      return nulTerminated(part.value);
    case 'bytes':
      return part.bytes;
    case 'path':
      return nulTerminated(resolver.pathOf(part.ref) ?? '');
    case 'cells': {
      const width = part.bits / 8;
      const bytes = new Uint8Array(part.items.length * width);
      const view = new DataView(bytes.buffer);
      part.items.forEach((item, index) => {
        const value = 'ref' in item ? BigInt(resolver.phandleOf(item.ref) ?? 0xffffffff) : item.value;
        const masked = BigInt.asUintN(part.bits, value);
        const offset = index * width;
        if (part.bits === 8) view.setUint8(offset, Number(masked));
        else if (part.bits === 16) view.setUint16(offset, Number(masked));
        else if (part.bits === 32) view.setUint32(offset, Number(masked));
        else view.setBigUint64(offset, masked);
      });
      return bytes;
    }
  }
}

function nulTerminated(text: string): Uint8Array {
  const body = encoder.encode(text);
  const bytes = new Uint8Array(body.length + 1);
  bytes.set(body);
  return bytes;
}

/** The value as 32-bit big-endian cells, or null when its length is not a multiple of four. */
export function cellsOf(bytes: Uint8Array): number[] | null {
  if (bytes.length % 4 !== 0) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cells: number[] = [];
  for (let at = 0; at < bytes.length; at += 4) cells.push(view.getUint32(at));
  return cells;
}

/** of_read_number: `count` cells as one number; more than two cells keep the low 64 bits, as the u64 does. */
export function readNumber(cells: readonly number[], from: number, count: number): bigint {
  let value = 0n;
  for (let index = 0; index < count; index++) value = (value << 32n) | BigInt(cells[from + index] ?? 0);
  return BigInt.asUintN(64, value);
}

/** The NUL-separated strings of a value (compatible, status, device_type), or null when it is not a string list. */
export function stringsOf(bytes: Uint8Array): string[] | null {
  if (bytes.length === 0 || bytes[bytes.length - 1] !== 0) return null;
  const text = new TextDecoder().decode(bytes.subarray(0, bytes.length - 1));
  return text.split('\0');
}
