// Escaping for the two markup languages the renderers produce. Source-derived text (buffer names, notes
// built from user input, profile titles from custom JSON) may contain markup and must never become markup.

/** Characters XML 1.0 forbids even when escaped; they would make the document ill-formed. */
const XML_FORBIDDEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(XML_FORBIDDEN, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Text inside a markdown table cell: HTML-significant characters become entities, markdown punctuation is
 * backslash-escaped, and line breaks become spaces so the row stays one row.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1');
}

/**
 * Inline code in markdown: a backtick fence longer than any run inside the text. In a table cell `|` is
 * escaped because GFM splits cells on it even inside code spans.
 */
export function markdownCode(text: string, inTable = false): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  const clean = inTable ? oneLine.replace(/\|/g, '\\|') : oneLine;
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}
