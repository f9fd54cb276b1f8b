// The SVG allow-list. The core escapes everything it renders; this is the second fence, so that nothing
// in a picture can run code, load anything or restyle the page even if a renderer bug let markup through.
// Only SVG elements and attributes that draw are kept: no scripts, no foreign content, no animation that
// could rewrite an attribute, no external references, no inline styles; a style sheet survives only
// without url() or @import, and links only to https pages (opened by the extension, never the page).

const SVG_NS = 'http://www.w3.org/2000/svg';

export const ALLOWED_ELEMENTS: ReadonlySet<string> = new Set([
  'svg',
  'g',
  'defs',
  'style',
  'title',
  'desc',
  'rect',
  'line',
  'path',
  'polyline',
  'polygon',
  'circle',
  'ellipse',
  'text',
  'tspan',
  'a',
  'marker',
  'use',
  'symbol',
  'clipPath',
  'linearGradient',
  'stop',
]);

const LINK_ATTRIBUTES = new Set(['href', 'xlink:href']);

/** A CSS text that could fetch or smuggle something: a url(), an @import, or an escape that could spell one. */
const UNSAFE_CSS = /url\s*\(|@import|\\|expression\s*\(|behaviou?r\s*:|-moz-binding/i;

/**
 * The picture as an element of `target`, with everything not on the allow-list removed; null when the
 * markup is not an SVG document. `nonce` lets the picture's own style sheet pass the page's CSP.
 */
export function sanitizeSvg(markup: string, target: Document, nonce: string): SVGSVGElement | null {
  const parsed = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const root = parsed.documentElement;
  if (root.namespaceURI !== SVG_NS || root.localName !== 'svg' || parsed.getElementsByTagName('parsererror').length)
    return null;
  clean(root);
  const svg = target.importNode(root, true);
  if (!(svg instanceof SVGSVGElement)) return null;
  for (const style of svg.querySelectorAll('style')) style.setAttribute('nonce', nonce);
  svg.setAttribute('role', 'img');
  return svg;
}

function clean(element: Element): void {
  for (const child of [...element.childNodes]) {
    if (child.nodeType === child.TEXT_NODE) continue;
    if (!(child instanceof Element) || !allowedElement(child)) child.remove();
    else clean(child);
  }
  for (const attribute of [...element.attributes])
    if (!allowedAttribute(element, attribute)) element.removeAttributeNode(attribute);
}

function allowedElement(element: Element): boolean {
  if (element.namespaceURI !== SVG_NS || !ALLOWED_ELEMENTS.has(element.localName)) return false;
  return element.localName !== 'style' || !UNSAFE_CSS.test(element.textContent ?? '');
}

function allowedAttribute(element: Element, attribute: Attr): boolean {
  const name = attribute.name.toLowerCase();
  const value = attribute.value.trim();
  if (name.startsWith('on') || name === 'style' || name.startsWith('xml:')) return false;
  if (LINK_ATTRIBUTES.has(name))
    return element.localName === 'use' ? value.startsWith('#') : /^https:\/\//i.test(value);
  // Presentation attributes may point at a paint server or a clip path in the same picture, nothing else.
  return !/url\s*\(\s*(?!['"]?#)/i.test(value) && !/^\s*javascript:/i.test(value);
}
