// A minimal XML 1.0 well-formedness checker for the SVG renderer's tests (node has no DOMParser). It
// accepts elements, attributes, character data, comments and the five predefined and numeric entities,
// and builds a small tree to query; anything else (a stray `<` or `&`, mismatched or unclosed tags,
// duplicate or unquoted attributes, text outside the root) throws with the offset.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string, at: number): string {
  return text.replace(/&([^;]*);|&/g, (match, body: string | undefined) => {
    if (body === undefined) throw new Error(`bare '&' near offset ${at}`);
    if (body in ENTITIES) return ENTITIES[body] as string;
    const numeric = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(body);
    if (numeric)
      return String.fromCodePoint(body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10));
    throw new Error(`unknown entity '${match}' near offset ${at}`);
  });
}

export function parseXml(source: string): XmlElement {
  let pos = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const fail = (message: string): never => {
    throw new Error(`${message} at offset ${pos}`);
  };
  // eslint-disable-next-line no-control-regex -- matching control characters is the point.
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(source)) fail('control character');
  if (source.startsWith('<?xml')) pos = source.indexOf('?>') + 2;
  while (pos < source.length) {
    if (source.startsWith('<!--', pos)) {
      const end = source.indexOf('-->', pos);
      if (end < 0) fail('unterminated comment');
      pos = end + 3;
      continue;
    }
    if (source.startsWith('</', pos)) {
      const match = NAME.exec(source.slice(pos + 2));
      if (!match) fail('bad closing tag');
      const name = match![0];
      const open = stack.pop();
      if (!open || open.name !== name) fail(`closing </${name}> does not match <${open?.name ?? 'nothing'}>`);
      pos += 2 + name.length;
      while (/\s/.test(source[pos] ?? '')) pos++;
      if (source[pos] !== '>') fail('expected >');
      pos++;
      continue;
    }
    if (source[pos] === '<') {
      const match = NAME.exec(source.slice(pos + 1));
      if (!match) fail('bad tag name');
      const element: XmlElement = { name: match![0], attrs: {}, children: [] };
      pos += 1 + element.name.length;
      for (;;) {
        const space = /^\s*/.exec(source.slice(pos))![0].length;
        pos += space;
        if (source.startsWith('/>', pos) || source[pos] === '>') break;
        if (space === 0) fail('attributes must be separated by white space');
        const attr = NAME.exec(source.slice(pos));
        if (!attr) fail('bad attribute name');
        const key = attr![0];
        pos += key.length;
        if (source[pos] !== '=') fail(`attribute ${key} without value`);
        const quote = source[pos + 1];
        if (quote !== '"' && quote !== "'") fail(`attribute ${key} not quoted`);
        const end = source.indexOf(quote as string, pos + 2);
        if (end < 0) fail('unterminated attribute');
        const raw = source.slice(pos + 2, end);
        if (raw.includes('<')) fail(`'<' in attribute ${key}`);
        if (key in element.attrs) fail(`duplicate attribute ${key}`);
        element.attrs[key] = decode(raw, pos);
        pos = end + 1;
      }
      const selfClosing = source.startsWith('/>', pos);
      pos += selfClosing ? 2 : 1;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) fail('second root element');
      else root = element;
      if (!selfClosing) stack.push(element);
      continue;
    }
    const next = source.indexOf('<', pos);
    const end = next < 0 ? source.length : next;
    const text = source.slice(pos, end);
    const parent = stack[stack.length - 1];
    if (!parent) {
      if (text.trim()) fail('text outside the root element');
    } else {
      if (text.includes('>') && text.includes(']]>')) fail("']]>' in text");
      parent.children.push(decode(text, pos));
    }
    pos = end;
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

export function* walk(element: XmlElement): Generator<XmlElement> {
  yield element;
  for (const child of element.children) if (typeof child !== 'string') yield* walk(child);
}

export function textOf(node: XmlNode): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}

export function hasClass(element: XmlElement, cls: string): boolean {
  return (element.attrs['class'] ?? '').split(/\s+/).includes(cls);
}
