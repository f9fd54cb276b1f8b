// A pretty-printed JSON document written while one of its arrays is still filling: the report formats
// stream their files (JSON) or results (SARIF) as the scan finds them instead of holding a whole kernel
// tree's report in memory. The pieces concatenate to exactly `JSON.stringify(document, null, 2)` plus a
// newline, so a streamed report is byte for byte the document it stands for.

/** Marks the array being streamed in the outline; no real report value can equal it. */
const SLOT = '\u0000dmalens-streamed-array\u0000';

export interface JsonStream<T> {
  /** The text of one element: the outline's head before the first. */
  element(value: T): string;
  /** The rest of the document; `outline` is asked again, so it may hold values known only now. */
  end(): string;
}

/**
 * `outline(slot)` builds the document with `slot` as the streamed array. The part before the array must
 * not depend on what is known only at the end; the part after it may.
 */
export function jsonStream<T>(outline: (slot: unknown[]) => object): JsonStream<T> {
  let written = 0;
  let indent = 0;
  let head = '';
  const marked = () => JSON.stringify(outline([SLOT]), null, 2);
  const marker = JSON.stringify(SLOT);
  return {
    element(value) {
      let prefix = ',\n';
      if (written++ === 0) {
        const text = marked();
        const line = text.lastIndexOf('\n', text.indexOf(marker)) + 1;
        indent = text.indexOf(marker) - line;
        head = text.slice(0, line);
        prefix = head;
      }
      return `${prefix}${nested(value, indent / 2)}`;
    },
    end() {
      if (written === 0) return `${JSON.stringify(outline([]), null, 2)}\n`;
      const text = marked();
      return `${text.slice(text.indexOf(marker) + marker.length)}\n`;
    },
  };
}

/**
 * `value` printed at `depth` levels of indentation: stringified inside `depth` arrays, which JSON.stringify
 * indents as it goes, with their brackets cut off again (cheaper than indenting every line of a copy).
 */
function nested(value: unknown, depth: number): string {
  let wrapped: unknown = value;
  for (let level = 0; level < depth; level++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  let start = 0;
  let end = text.length;
  for (let level = 0; level < depth; level++) {
    start = text.indexOf('\n', start) + 1;
    end = text.lastIndexOf('\n', end - 1);
  }
  return text.slice(start, end);
}
