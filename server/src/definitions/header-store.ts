// The headers of a tree as the definitions index reads them, shared by every file and question of one
// thread: first only a header's #include lines (all a walk through the include graph needs), and its full
// definitions only when its text holds the name being looked for. Both are kept in bounded caches; the
// texts come through a reader, so the editor's unsaved buffers can stand in for files.
import { scanDefinitions, type FileDefinitions } from './file-definitions';

export interface SourceReader {
  /** The text of a file by its path relative to the tree's root, or null when there is none. */
  read(path: string): string | null;
}

export interface IncludeLine {
  path: string;
  system: boolean;
}

interface Outline {
  text: string;
  includes: IncludeLine[];
  /** The names the file may define (a superset, found by patterns); the full scan decides. */
  names: Set<string>;
}

const INCLUDE_LINE = /^[ \t]*#[ \t]*include[ \t]*(?:<([^>\n]+)>|"([^"\n]+)")/gm;

/** Bounded so that a whole kernel tree's headers never stay in memory at once. */
const OUTLINE_LIMIT = 3000;
const DEFINITIONS_LIMIT = 400;

export class HeaderStore {
  private readonly outlines = new Map<string, Outline | null>();
  private readonly scanned = new Map<string, FileDefinitions>();

  constructor(private readonly reader: SourceReader) {}

  /** The #include lines of a file in order, or null when it cannot be read. */
  includes(path: string): readonly IncludeLine[] | null {
    return this.outline(path)?.includes ?? null;
  }

  /** A quick test before the full scan: the file may define the name. */
  mayDefine(path: string, name: string): boolean {
    return this.outline(path)?.names.has(name) ?? false;
  }

  exists(path: string): boolean {
    return this.outline(path) !== null;
  }

  definitions(path: string): FileDefinitions | null {
    const cached = this.scanned.get(path);
    if (cached) {
      // Most recently used last, so the oldest is evicted first.
      this.scanned.delete(path);
      this.scanned.set(path, cached);
      return cached;
    }
    const outline = this.outline(path);
    if (!outline) return null;
    const definitions = scanDefinitions(outline.text);
    if (this.scanned.size >= DEFINITIONS_LIMIT) this.scanned.delete(this.scanned.keys().next().value!);
    this.scanned.set(path, definitions);
    return definitions;
  }

  /** Forgets a file whose text changed (a saved or edited buffer). */
  forget(path: string): void {
    this.outlines.delete(path);
    this.scanned.delete(path);
  }

  private outline(path: string): Outline | null {
    if (this.outlines.has(path)) return this.outlines.get(path)!;
    const text = this.reader.read(path);
    const outline = text === null ? null : { text, includes: includeLines(text), names: definedNames(text) };
    if (this.outlines.size >= OUTLINE_LIMIT) this.outlines.delete(this.outlines.keys().next().value!);
    this.outlines.set(path, outline);
    return outline;
  }
}

/**
 * Patterns for every place a name can be defined: macros, record and enum tags, typedef names (the last
 * word before `;`, or the name in `(*name)`), enum constants (the words of an enum's braces) and arrays.
 * They over-match (a word before `;` in code), which costs only a needless scan of that file.
 */
const DEFINED_NAMES = [
  /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)/gm,
  /\b(?:struct|union|enum)[ \t\n]+([A-Za-z_]\w*)[\s\w()]*\{/g,
  /\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*;/g,
  /\(\s*\*\s*([A-Za-z_]\w*)\s*\)/g,
  /\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)+=/g,
];
const ENUM_BODY = /\benum\b[^{;]*\{([^}]*)\}/g;
const WORD = /[A-Za-z_]\w*/g;

function definedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const pattern of DEFINED_NAMES) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) names.add(match[1]!);
  }
  ENUM_BODY.lastIndex = 0;
  for (let match = ENUM_BODY.exec(text); match; match = ENUM_BODY.exec(text))
    for (const word of match[1]!.match(WORD) ?? []) names.add(word);
  return names;
}

function includeLines(text: string): IncludeLine[] {
  const lines: IncludeLine[] = [];
  INCLUDE_LINE.lastIndex = 0;
  for (let match = INCLUDE_LINE.exec(text); match; match = INCLUDE_LINE.exec(text))
    lines.push(match[1] !== undefined ? { path: match[1].trim(), system: true } : { path: match[2]!, system: false });
  return lines;
}
