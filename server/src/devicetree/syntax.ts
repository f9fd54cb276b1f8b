// Reads the syntax tree of preprocessed device-tree text into the statements dtc's parser builds: root nodes,
// `&label { }` and `&{/path} { }` overrides, deletions, properties with their values. Positions are mapped back
// through the origin map, so every statement knows the file and range the user wrote.
import type { SyntaxNode, Tree } from './grammar';
import type { Origin, OriginMap } from './origin-map';
import type { ProblemList } from './problems';
import { evaluateCellExpression } from './evaluate';
import type { CellItem, NodeRef, ValuePart } from './values';

export interface PropertyStatement {
  kind: 'property';
  name: string;
  labels: string[];
  /** Empty for a boolean property (`dma-coherent;`). */
  parts: ValuePart[];
  origin: Origin | null;
  nameOrigin: Origin | null;
}

export interface DeletePropertyStatement {
  kind: 'delete-property';
  name: string;
  origin: Origin | null;
}

export interface NodeStatement {
  kind: 'node';
  /** The node name with its unit address, e.g. `ethernet@7d580000`. */
  name: string;
  labels: string[];
  body: NodeBody;
  omitIfNoRef: boolean;
  origin: Origin | null;
  nameOrigin: Origin | null;
}

export interface DeleteNodeStatement {
  kind: 'delete-node';
  name: string;
  origin: Origin | null;
}

export interface NodeBody {
  properties: (PropertyStatement | DeletePropertyStatement)[];
  children: (NodeStatement | DeleteNodeStatement)[];
}

export type TopStatement =
  | { kind: 'root'; body: NodeBody; origin: Origin | null; nameOrigin: Origin | null }
  | {
      kind: 'override';
      ref: NodeRef;
      labels: string[];
      body: NodeBody;
      origin: Origin | null;
      nameOrigin: Origin | null;
    }
  | { kind: 'delete-ref'; ref: NodeRef; origin: Origin | null }
  | { kind: 'omit-ref'; ref: NodeRef; origin: Origin | null };

export interface DtsDocument {
  plugin: boolean;
  statements: TopStatement[];
}

/** Reads a parsed document; problems dtc would stop at are reported as errors. */
export function readDocument(tree: Tree, text: string, map: OriginMap, problems: ProblemList): DtsDocument {
  const reader = new DocumentReader(text, map, problems);
  return reader.document(tree.rootNode);
}

class DocumentReader {
  constructor(
    private readonly text: string,
    private readonly map: OriginMap,
    private readonly problems: ProblemList,
  ) {}

  private origin(node: SyntaxNode): Origin | null {
    return this.map.locate(node.startIndex, node.endIndex);
  }

  private error(message: string, node: SyntaxNode): void {
    this.problems.error(message, this.origin(node));
  }

  document(root: SyntaxNode): DtsDocument {
    const statements: TopStatement[] = [];
    let plugin = false;
    let version = false;
    for (const child of root.namedChildren) {
      if (!child) continue;
      switch (child.type) {
        case 'file_version':
          version = true;
          break;
        case 'plugin':
          plugin = true;
          break;
        case 'node':
          if (!version) this.error('dtc needs /dts-v1/; before the first node', child);
          statements.push(this.topNode(child));
          break;
        case 'delete_node':
        case 'omit_if_no_ref':
          this.topDirective(child, statements);
          break;
        case 'memory_reservation':
        case 'comment':
          break;
        case 'ERROR':
          this.syntaxError(child);
          this.recoverNodes(child, statements);
          break;
        default:
          this.error(`dtc does not accept ${describe(child)} here`, child);
      }
    }
    if (root.hasError) this.reportMissing(root);
    return { plugin, statements };
  }

  private syntaxError(node: SyntaxNode): void {
    const text = this.text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 60)).trim();
    const word = /^[A-Za-z_]\w*/.exec(text)?.[0];
    const hint = word && /^[A-Z0-9_]+$/.test(word) ? ` ('${word}' looks like a macro no included header defines)` : '';
    this.error(`syntax error near '${text.split('\n')[0]}'${hint}: dtc would reject the file`, node);
  }

  /** Nodes the parser could still read inside an error region, so that the rest of the file keeps its meaning. */
  private recoverNodes(error: SyntaxNode, statements: TopStatement[]): void {
    for (const child of error.namedChildren) if (child?.type === 'node') statements.push(this.topNode(child));
  }

  private reportMissing(root: SyntaxNode): void {
    const cursor = root.walk();
    const visit = (): boolean => {
      const node = cursor.currentNode;
      if (node.isMissing) {
        this.error(`syntax error: missing '${node.type}'`, node);
        return true;
      }
      if (node.type === 'ERROR' && node.parent && node.parent.type !== 'document') {
        this.syntaxError(node);
        return true;
      }
      if (!node.hasError) return false;
      if (cursor.gotoFirstChild()) {
        do {
          if (visit()) {
            cursor.gotoParent();
            return true;
          }
        } while (cursor.gotoNextSibling());
        cursor.gotoParent();
      }
      return false;
    };
    visit();
    cursor.delete();
  }

  private slice(node: SyntaxNode): string {
    return this.text.slice(node.startIndex, node.endIndex);
  }

  /**
   * The parts of a node or property statement from one list of its children (one call into the parser
   * instead of one per field): labels (`name:`), the name or &reference, the unit address, and the rest.
   */
  private parts(node: SyntaxNode): {
    labels: string[];
    name: SyntaxNode | null;
    address: string | null;
    rest: SyntaxNode[];
  } {
    const children = node.children.filter((child): child is SyntaxNode => child !== null);
    const labels: string[] = [];
    let name: SyntaxNode | null = null;
    let address: string | null = null;
    let index = 0;
    for (; index < children.length; index++) {
      const child = children[index]!;
      if (child.type === 'identifier' && children[index + 1]?.type === ':') {
        labels.push(this.slice(child));
        index++;
      } else if (!name && (child.type === 'identifier' || child.type === 'reference')) name = child;
      else if (child.type === '@') {
        const unit = children[index + 1];
        if (unit?.type === 'unit_address') address = this.slice(unit);
        index++;
      } else if (child.type !== 'comment' && child.type !== '/delete-node/') break;
    }
    return { labels, name, address, rest: children.slice(index) };
  }

  private topNode(node: SyntaxNode): TopStatement {
    const { labels, name, rest } = this.parts(node);
    const body = this.body(rest);
    const origin = this.origin(node);
    const nameOrigin = name ? this.origin(name) : null;
    if (name?.type === 'reference')
      return { kind: 'override', ref: this.reference(name), labels, body, origin, nameOrigin };
    const text = name ? this.slice(name) : '';
    if (text !== '/') this.error(`a top-level node must be '/' or a &reference, not '${text}'`, node);
    if (labels.length > 0) this.error('dtc does not accept a label on the root node here', node);
    return { kind: 'root', body, origin, nameOrigin };
  }

  private topDirective(node: SyntaxNode, statements: TopStatement[]): void {
    const origin = this.origin(node);
    const target = node.namedChildren.find(
      (child) => child?.type === 'reference' || child?.type === 'node' || child?.type === 'identifier',
    );
    if (target?.type === 'reference') {
      statements.push({
        kind: node.type === 'delete_node' ? 'delete-ref' : 'omit-ref',
        ref: this.reference(target),
        origin,
      });
    } else
      this.error(
        `a top-level ${node.type === 'delete_node' ? '/delete-node/' : '/omit-if-no-ref/'} needs a &reference`,
        node,
      );
  }

  private reference(node: SyntaxNode): NodeRef {
    const text = this.slice(node).replace(/\s+/g, '');
    // `&label` or `&{/path}`.
    if (text.startsWith('&{')) return text.slice(2, -1) || '/';
    return text.slice(1);
  }

  private body(members: readonly SyntaxNode[]): NodeBody {
    const body: NodeBody = { properties: [], children: [] };
    let sawChild = false;
    for (const member of members) {
      switch (member.type) {
        case 'property':
          if (sawChild) this.error('dtc: properties must precede subnodes', member);
          body.properties.push(this.property(member));
          break;
        case 'delete_property': {
          const name = member.namedChildren.find((child) => child?.type === 'identifier');
          body.properties.push({
            kind: 'delete-property',
            name: name ? this.slice(name) : '',
            origin: this.origin(member),
          });
          break;
        }
        case 'node':
          sawChild = true;
          body.children.push(this.childNode(member, false));
          break;
        case 'omit_if_no_ref': {
          sawChild = true;
          const inner = member.namedChildren.find((child) => child?.type === 'node');
          if (inner) body.children.push(this.childNode(inner, true));
          else this.error('/omit-if-no-ref/ inside a node needs a node', member);
          break;
        }
        case 'delete_node': {
          sawChild = true;
          const { name, address } = this.parts(member);
          if (!name || name.type === 'reference')
            this.error('dtc: /delete-node/ inside a node takes a node name', member);
          else {
            const full = address === null ? this.slice(name) : `${this.slice(name)}@${address}`;
            body.children.push({ kind: 'delete-node', name: full, origin: this.origin(member) });
          }
          break;
        }
        case 'ERROR':
          this.syntaxError(member);
          for (const inner of member.namedChildren) {
            if (inner?.type === 'property') body.properties.push(this.property(inner));
            else if (inner?.type === 'node') body.children.push(this.childNode(inner, false));
          }
          break;
        case '{':
        case '}':
        case ';':
        case 'comment':
          break;
        default:
          if (member.isNamed) this.error(`dtc does not accept ${describe(member)} inside a node`, member);
      }
    }
    return body;
  }

  private childNode(node: SyntaxNode, omitIfNoRef: boolean): NodeStatement {
    const { labels, name, address, rest } = this.parts(node);
    if (name?.type === 'reference') this.error('a &reference node may only appear at the top level', node);
    const base = name ? this.slice(name) : '';
    return {
      kind: 'node',
      name: address === null ? base : `${base}@${address}`,
      labels,
      body: this.body(rest),
      omitIfNoRef,
      origin: this.origin(node),
      nameOrigin: name ? this.origin(name) : null,
    };
  }

  private property(node: SyntaxNode): PropertyStatement {
    return this.propertyFromText(node.startIndex, node.endIndex) ?? this.propertyFromTree(node);
  }

  /**
   * Reads a well-formed property statement straight from the text the parser delimited, without visiting a
   * syntax node per token; anything unusual (comments, /incbin/, a stray token) returns null and is read
   * from the tree, which also reports the errors.
   */
  private propertyFromText(start: number, end: number): PropertyStatement | null {
    const scanner = new PropertyScanner(this.text, start, end);
    const statement = scanner.read();
    if (!statement) return null;
    const parts: ValuePart[] = [];
    for (const value of statement.values) {
      if (value.kind !== 'cells') {
        parts.push(value);
        continue;
      }
      const cells: CellItem[] = [];
      for (const item of value.items) {
        if (typeof item === 'string') {
          const result = evaluateCellExpression(item);
          if ('error' in result) return null;
          cells.push({ value: result.value });
        } else cells.push(item);
      }
      if (value.bits < 64) {
        const mask = (1n << BigInt(value.bits)) - 1n;
        if (cells.some((cell) => 'value' in cell && cell.value > mask && (cell.value | mask) !== U64_MAX)) return null;
      }
      if (value.bits !== 32 && cells.some((cell) => 'ref' in cell)) return null;
      parts.push({ kind: 'cells', bits: value.bits, items: cells });
    }
    return {
      kind: 'property',
      name: statement.name,
      labels: statement.labels,
      parts,
      origin: this.map.locate(start, end),
      nameOrigin: this.map.locate(statement.nameStart, statement.nameEnd),
    };
  }

  private propertyFromTree(node: SyntaxNode): PropertyStatement {
    const { labels, name, rest } = this.parts(node);
    const parts: ValuePart[] = [];
    // `/bits/ N` applies to the one cell array that follows it (dtc's arrayprefix); others are 32-bit.
    let bits: 8 | 16 | 32 | 64 = 32;
    for (let index = 0; index < rest.length; index++) {
      const child = rest[index]!;
      if (child.type === '/bits/') {
        const literal = rest[++index];
        const value = literal ? Number(this.integer(literal) ?? 32) : 32;
        if (value === 8 || value === 16 || value === 32 || value === 64) bits = value;
        else this.error('dtc: array elements must be 8, 16, 32 or 64-bits', literal ?? child);
      } else if (child.isNamed && child.type !== 'comment') {
        this.valuePart(child, bits, parts);
        bits = 32;
      }
    }
    return {
      kind: 'property',
      name: name ? this.slice(name) : '',
      labels,
      parts,
      origin: this.origin(node),
      nameOrigin: name ? this.origin(name) : null,
    };
  }

  private valuePart(node: SyntaxNode, bits: 8 | 16 | 32 | 64, parts: ValuePart[]): void {
    switch (node.type) {
      case 'integer_cells':
        parts.push({ kind: 'cells', bits, items: this.cells(node, bits) });
        return;
      case 'string_literal':
        parts.push({ kind: 'string', value: this.string(node) });
        return;
      case 'byte_string_literal':
        parts.push({ kind: 'bytes', bytes: this.bytes(node) });
        return;
      case 'reference':
        parts.push({ kind: 'path', ref: this.reference(node) });
        return;
      case 'incbin':
        this.error('/incbin/ is not supported; the property is left empty', node);
        return;
      default:
        this.error(`dtc does not accept ${describe(node)} as a property value`, node);
    }
  }

  private cells(node: SyntaxNode, bits: 8 | 16 | 32 | 64): CellItem[] {
    const fast = this.plainCells(node, bits);
    if (fast) return fast;
    const items: CellItem[] = [];
    for (const item of node.namedChildren) {
      if (!item || item.type === 'comment') continue;
      if (item.type === 'reference') {
        if (bits !== 32) this.error('dtc: references are only allowed in arrays with 32-bit elements', item);
        items.push({ ref: this.reference(item) });
        continue;
      }
      const value = this.integer(item);
      if (value === null) continue;
      if (bits < 64) {
        const mask = (1n << BigInt(bits)) - 1n;
        if (value > mask && (value | mask) !== BigInt.asUintN(64, -1n))
          this.error(`dtc: value out of range for ${bits}-bit array element`, item);
      }
      items.push({ value });
    }
    return items;
  }

  /**
   * Most cell arrays hold nothing but literals: read them from the text without visiting a syntax node per
   * cell. Anything else (references, expressions, comments, a literal out of range) takes the general path.
   */
  private plainCells(node: SyntaxNode, bits: 8 | 16 | 32 | 64): CellItem[] | null {
    const inside = this.text.slice(node.startIndex + 1, node.endIndex - 1);
    if (!PLAIN_CELLS.test(inside)) return null;
    const items: CellItem[] = [];
    const limit = bits === 64 ? null : 1n << BigInt(bits);
    for (const word of inside.split(/\s+/)) {
      if (word === '') continue;
      const value = integerLiteral(word);
      if (value === null || (limit !== null && value >= limit)) return null;
      items.push({ value });
    }
    return items;
  }

  /** An integer literal or a parenthesised expression, evaluated as dtc does (uint64_t arithmetic). */
  private integer(node: SyntaxNode): bigint | null {
    if (node.type === 'integer_literal') {
      const value = integerLiteral(node.text);
      if (value === null) this.error(`dtc: integer literal '${node.text}' out of range`, node);
      return value;
    }
    if (node.type === 'identifier' || node.type === 'call_expression') {
      const name = node.type === 'identifier' ? node.text : (node.childForFieldName('function')?.text ?? node.text);
      this.error(`'${name}' is not defined by any included header: dtc reads it as a syntax error`, node);
      return null;
    }
    const result = evaluateCellExpression(this.text.slice(node.startIndex, node.endIndex));
    if ('error' in result) {
      this.error(`dtc: ${result.error}`, node);
      return null;
    }
    return result.value;
  }

  private string(node: SyntaxNode): string {
    const raw = this.text.slice(node.startIndex + 1, node.endIndex - 1);
    return unescapeDtcString(raw);
  }

  private bytes(node: SyntaxNode): Uint8Array {
    const digits = node.namedChildren
      .filter((child) => child?.type !== 'comment')
      .map((child) => child?.text ?? '')
      .join('');
    const raw = this.text.slice(node.startIndex + 1, node.endIndex - 1).replace(/\s+/g, '');
    const hex = digits || raw;
    if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
      this.error('dtc: a byte string holds pairs of hex digits', node);
      return new Uint8Array();
    }
    const bytes = new Uint8Array(hex.length / 2);
    for (let index = 0; index < bytes.length; index++) bytes[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16);
    return bytes;
  }
}

const U64_MAX = (1n << 64n) - 1n;

type ScannedValue =
  | { kind: 'cells'; bits: 8 | 16 | 32 | 64; items: (CellItem | string)[] }
  | { kind: 'string'; value: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'path'; ref: NodeRef };

const NAME = /[0-9a-zA-Z,._+?#-]+/y;
const LABEL = /([A-Za-z_][0-9A-Za-z_]*)[ \t\r\n]*:/y;
const LITERAL = /(0[xX][0-9a-fA-F]+|[0-9]+)(?=[\s>)]|$)/y;
const REFERENCE = /&(\{[^}]*\}|[A-Za-z_][0-9A-Za-z_]*)/y;
const BLANK = /[ \t\r\n]*/y;

/** A scanner for the common, plain forms of a property statement: labels, name, `=`, values, `;`. */
class PropertyScanner {
  private at: number;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
  ) {
    this.at = start;
  }

  read(): { labels: string[]; name: string; nameStart: number; nameEnd: number; values: ScannedValue[] } | null {
    const slice = this.text.slice(this.at, this.end);
    if (slice.includes('/*') || slice.includes('//') || slice.includes('/incbin/')) return null;
    const labels: string[] = [];
    for (;;) {
      this.blank();
      const label = this.match(LABEL);
      if (!label) break;
      labels.push(label[1]!);
    }
    const nameStart = this.at;
    const name = this.match(NAME);
    if (!name) return null;
    const nameEnd = this.at;
    this.blank();
    const values: ScannedValue[] = [];
    if (this.text[this.at] === '=') {
      this.at++;
      for (;;) {
        this.blank();
        const value = this.value();
        if (!value) return null;
        values.push(value);
        this.blank();
        if (this.text[this.at] !== ',') break;
        this.at++;
      }
    }
    if (this.text[this.at] !== ';' || this.at + 1 !== this.end) return null;
    return { labels, name: name[0], nameStart, nameEnd, values };
  }

  private blank(): void {
    BLANK.lastIndex = this.at;
    BLANK.exec(this.text);
    this.at = BLANK.lastIndex;
  }

  private match(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.at;
    const match = pattern.exec(this.text);
    if (match && pattern.lastIndex <= this.end) {
      this.at = pattern.lastIndex;
      return match;
    }
    return null;
  }

  private value(): ScannedValue | null {
    let bits: 8 | 16 | 32 | 64 = 32;
    if (this.text.startsWith('/bits/', this.at)) {
      this.at += 6;
      this.blank();
      const literal = this.match(LITERAL);
      const value = literal ? Number(literal[0]) : NaN;
      if (value !== 8 && value !== 16 && value !== 32 && value !== 64) return null;
      bits = value;
      this.blank();
    }
    const char = this.text[this.at];
    if (char === '<') return this.cells(bits);
    if (bits !== 32) return null;
    if (char === '"') {
      const close = stringEnd(this.text, this.at, this.end);
      if (close < 0) return null;
      const value = unescapeDtcString(this.text.slice(this.at + 1, close));
      this.at = close + 1;
      return { kind: 'string', value };
    }
    if (char === '[') {
      const close = this.text.indexOf(']', this.at);
      if (close < 0 || close > this.end) return null;
      const hex = this.text.slice(this.at + 1, close).replace(/\s+/g, '');
      if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
      this.at = close + 1;
      return { kind: 'bytes', bytes: Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16)) };
    }
    if (char === '&') {
      const reference = this.match(REFERENCE);
      return reference ? { kind: 'path', ref: referenceText(reference[1]!) } : null;
    }
    return null;
  }

  private cells(bits: 8 | 16 | 32 | 64): ScannedValue | null {
    this.at++;
    const items: (CellItem | string)[] = [];
    for (;;) {
      this.blank();
      const char = this.text[this.at];
      if (char === '>') {
        this.at++;
        return { kind: 'cells', bits, items };
      }
      if (char === '&') {
        const reference = this.match(REFERENCE);
        if (!reference) return null;
        items.push({ ref: referenceText(reference[1]!) });
        continue;
      }
      if (char === '(') {
        const close = closingParenthesis(this.text, this.at, this.end);
        if (close < 0) return null;
        items.push(this.text.slice(this.at, close + 1));
        this.at = close + 1;
        continue;
      }
      const literal = this.match(LITERAL);
      if (literal) {
        const value = integerLiteral(literal[0]);
        if (value === null) return null;
        items.push({ value });
        continue;
      }
      // A label between cells (`<1 mark: 2>`) marks a position and adds nothing.
      if (this.match(LABEL)) continue;
      return null;
    }
  }
}

function referenceText(body: string): NodeRef {
  if (!body.startsWith('{')) return body;
  const path = body.slice(1, -1).replace(/\s+/g, '');
  return path === '' ? '/' : path;
}

function stringEnd(text: string, open: number, end: number): number {
  for (let index = open + 1; index < end; index++) {
    const char = text[index];
    if (char === '\\') index++;
    else if (char === '"') return index;
    else if (char === '\n') return -1;
  }
  return -1;
}

function closingParenthesis(text: string, open: number, end: number): number {
  let depth = 0;
  for (let index = open; index < end; index++) {
    const char = text[index];
    if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return index;
  }
  return -1;
}

/** Cell arrays of literals only: decimal and hex numbers separated by blanks. */
const PLAIN_CELLS = /^[\s0-9a-fA-FxX]*$/;

function describe(node: SyntaxNode): string {
  return `'${node.text.split('\n')[0]!.slice(0, 40)}'`;
}

/** dtc reads literals with strtoull(..., 0): 0x hex, a leading 0 octal, else decimal; more than 64 bits fails. */
export function integerLiteral(text: string): bigint | null {
  const clean = text.replace(/'/g, '');
  let value: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(clean)) value = BigInt(clean);
  else if (/^0[bB][01]+$/.test(clean)) value = BigInt(clean);
  else if (/^0[0-7]+$/.test(clean)) value = BigInt(`0o${clean.slice(1)}`);
  else if (/^[0-9]+$/.test(clean)) value = BigInt(clean);
  else return null;
  return value >> 64n === 0n ? value : null;
}

/** dtc's data_copy_escape_string: C escapes, octal and \x hex bytes. */
export function unescapeDtcString(raw: string): string {
  if (!raw.includes('\\')) return raw;
  const simple: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    a: '\x07',
    b: '\b',
    f: '\f',
    v: '\v',
    '\\': '\\',
    '"': '"',
    "'": "'",
  };
  return raw.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, escape: string) => {
    if (escape[0] === 'x') return String.fromCharCode(parseInt(escape.slice(1), 16));
    if (/^[0-7]/.test(escape)) return String.fromCharCode(parseInt(escape, 8) & 0xff);
    return simple[escape] ?? escape;
  });
}
