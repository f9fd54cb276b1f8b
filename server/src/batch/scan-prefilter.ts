// The batch scan's test "may this file need analysis?", run on the raw bytes of every file of a tree, so
// its speed is the floor of a whole-tree scan. It accepts exactly the files holding a catalogue name as a
// whole identifier (what the extractor's candidatePattern finds) or an identifier a check reads from the
// text. A regular expression over the whole text cost about as much as ripgrep's entire run, so the test
// works on the bytes instead: every name contains one of a few short anchors, `Buffer.indexOf` finds each
// anchor at memory-search speed, and only at an anchor's occurrences is the surrounding identifier cut out
// and looked up. Three files in four hold no anchor at all and are rejected without building a string.
import { API_CATALOGUE } from '../../../core/src/api/catalogue';
import { TEXT_RULE_IDENTIFIERS } from './text-rule-identifiers';

const NAMES = new Set([...API_CATALOGUE.map((api) => api.name), ...TEXT_RULE_IDENTIFIERS]);

/**
 * Substrings chosen so that every name holds one; the common ones come first so that a candidate file is
 * usually settled by the first search. A name holding none of them (a future catalogue entry) becomes its
 * own anchor, so the test stays exact whatever the catalogue holds.
 */
const PREFERRED_ANCHORS = ['dma', 'virt', 'pci_', 'phys', '__pa', 'VIRTIO'];

function chooseAnchors(): Buffer[] {
  const anchors = [...PREFERRED_ANCHORS];
  for (const name of NAMES) if (!anchors.some((anchor) => name.includes(anchor))) anchors.push(name);
  return anchors.map((anchor) => Buffer.from(anchor, 'latin1'));
}

const ANCHORS = chooseAnchors();

/** Bytes that make up an identifier, as the regular expression `\w` counts them (ASCII only). */
const IS_WORD_BYTE = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) IS_WORD_BYTE[byte] = /\w/.test(String.fromCharCode(byte)) ? 1 : 0;

/**
 * True when `source` holds a name worth analysing as a whole identifier. Raw bytes are what the batch scan
 * passes (every name is ASCII, so no decoding is needed); a string is taken as its UTF-8 bytes, where every
 * non-ASCII character becomes bytes that are not identifier bytes, as `\w` would see it.
 */
export function mayNeedAnalysis(source: Buffer | string): boolean {
  const bytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
  for (const anchor of ANCHORS) {
    for (let at = bytes.indexOf(anchor); at !== -1; ) {
      let start = at;
      while (start > 0 && IS_WORD_BYTE[bytes[start - 1]] === 1) start--;
      let end = at + anchor.length;
      while (end < bytes.length && IS_WORD_BYTE[bytes[end]] === 1) end++;
      if (NAMES.has(bytes.toString('latin1', start, end))) return true;
      at = bytes.indexOf(anchor, end);
    }
  }
  return false;
}
