// Which characters of a C file are code, as opposed to comments, string and character literals. Written
// independently of the extractor (a plain state machine, no tree-sitter) so that the benchmark's
// "no site inside a comment or string" check does not share the extractor's blind spots.

/** A Uint8Array over the text: 1 where the character is code, 0 inside a comment or literal. */
export function codeMask(text) {
  const mask = new Uint8Array(text.length);
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    const next = text[index + 1];
    if (char === '/' && next === '/') {
      // A line comment ends at a newline that is not escaped by a backslash.
      while (index < text.length && !(text[index] === '\n' && text[index - 1] !== '\\')) index++;
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end === -1 ? text.length : end + 2;
    } else if (char === '"' || char === "'") {
      index = literalEnd(text, index, char);
    } else {
      mask[index] = 1;
      index++;
    }
  }
  return mask;
}

function literalEnd(text, start, quote) {
  let index = start + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === '\\') index += 2;
    else if (char === quote) return index + 1;
    // An unterminated literal stops at the end of its line, as the preprocessor does.
    else if (char === '\n') return index;
    else index++;
  }
  return index;
}

/** Offsets of line starts, to turn (line, UTF-16 column) into an offset. */
export function lineStarts(text) {
  const starts = [0];
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) === 10) starts.push(index + 1);
  return starts;
}

/** The `#define` that a (0-based) line belongs to, following backslash continuations; null outside macros. */
export function macroLines(text) {
  const lines = text.split('\n');
  const inMacro = new Uint8Array(lines.length);
  for (let line = 0; line < lines.length; line++) {
    if (!/^\s*#\s*define\b/.test(lines[line])) continue;
    let current = line;
    inMacro[current] = 1;
    while (/\\\s*$/.test(lines[current]) && current + 1 < lines.length) inMacro[++current] = 1;
    line = current;
  }
  return inMacro;
}
