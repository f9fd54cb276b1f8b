// The Kconfig tree of one architecture, as scripts/kconfig sees it from the top-level Kconfig with
// SRCARCH set: which files it sources, where each symbol is defined, what each definition depends on
// (its own `depends on`, the `if`, `menu` and `choice` blocks around it, and those around the `source`
// lines that led to its file), and which entries `select` it.
//
// Most of the tree never matters for a question about one driver, so files are first only scanned for
// their `config`, `select` and `source` lines (one pattern over the text); a file is parsed in full only
// when one of its definitions is asked about. Parsed files are shared by every architecture's view.
import { allOf, type KconfigExpr } from './kconfig-expression';
import { parseKconfig, type ConfigEntry, type KconfigFile, type Located, type Statement } from './kconfig-syntax';
import { dirname, joinPath, type TreeReader } from './tree-reader';

/** One definition of a symbol with everything it depends on. */
export interface SymbolDefinition {
  entry: ConfigEntry;
  file: string;
  /** The entry's own `depends on` lines, then the enclosing blocks' conditions, innermost first. */
  depends: Located[];
  /** The file each of `depends` was written in (same order). */
  dependsFiles: string[];
  /** True when the definition sits inside a `choice` block (its members exclude each other). */
  inChoice: boolean;
}

export interface Selector {
  /** The selecting symbol. */
  name: string;
  cond: Located | null;
  file: string;
  line: number;
}

export interface KconfigProblemAt {
  file: string;
  line: number;
  message: string;
}

interface PlacedEntry {
  entry: ConfigEntry;
  /** Conditions of the blocks around the entry in its file, innermost first. */
  enclosing: Located[];
  inChoice: boolean;
}

interface ScannedFile {
  text: string;
  /** Symbols defined by `config`/`menuconfig` lines, with the count of selects following each. */
  defines: Set<string>;
  /** `select X` lines: X -> the symbols whose entries hold them (confirmed by a full parse when used). */
  selects: Map<string, Set<string>>;
  sources: { path: string; relative: boolean; line: number }[];
}

/** The lines the scan looks at; help text rarely starts with these words followed by a symbol name. */
const INDEX_LINE =
  /^[ \t]*(?:(?:menu)?config[ \t]+([A-Za-z0-9_]+)|select[ \t]+([A-Za-z0-9_]+)|o?r?source[ \t]+"([^"]+)")/gm;

/** Files parsed in full and scanned, shared by the views of every architecture. */
export class KconfigFiles {
  private readonly scanned = new Map<string, ScannedFile | null>();
  private readonly parsed = new Map<string, KconfigFile>();
  private readonly entryIndex = new Map<string, Map<string, PlacedEntry[]>>();
  private readonly selectorCache = new Map<string, Selector[]>();

  constructor(readonly reader: TreeReader) {}

  /** Symbol -> the scanned files defining it, and the scanned files holding a `select` of it. */
  private readonly defining = new Map<string, string[]>();
  private readonly selecting = new Map<string, string[]>();

  scan(path: string): ScannedFile | null {
    let scanned = this.scanned.get(path);
    if (scanned === undefined) {
      const text = this.reader.read(path);
      scanned = text === null ? null : scanText(text);
      this.scanned.set(path, scanned);
      if (scanned) {
        for (const name of scanned.defines) addTo(this.defining, name, path);
        for (const name of scanned.selects.keys()) addTo(this.selecting, name, path);
      }
    }
    return scanned;
  }

  /** The entries of one file that `select` the symbol, with each select's condition. */
  selectorsIn(path: string, name: string): Selector[] {
    const key = `${path}\n${name}`;
    let selectors = this.selectorCache.get(key);
    if (!selectors) {
      selectors = [];
      const entries = this.entries(path);
      for (const candidate of this.scan(path)?.selects.get(name) ?? [])
        for (const { entry } of entries?.get(candidate) ?? [])
          for (const select of entry.selects)
            if (select.value === name)
              selectors.push({ name: entry.name, cond: select.cond, file: path, line: select.line });
      this.selectorCache.set(key, selectors);
    }
    return selectors;
  }

  definingFiles(name: string): readonly string[] {
    return this.defining.get(name) ?? [];
  }

  selectingFiles(name: string): readonly string[] {
    return this.selecting.get(name) ?? [];
  }

  parse(path: string): KconfigFile | null {
    let parsed = this.parsed.get(path);
    if (!parsed) {
      const scanned = this.scan(path);
      if (!scanned) return null;
      parsed = parseKconfig(scanned.text);
      this.parsed.set(path, parsed);
    }
    return parsed;
  }

  /** The file's config entries by name, each with the conditions of the blocks around it. */
  entries(path: string): Map<string, PlacedEntry[]> | null {
    let entries = this.entryIndex.get(path);
    if (!entries) {
      const parsed = this.parse(path);
      if (!parsed) return null;
      const index = new Map<string, PlacedEntry[]>();
      collect(parsed.statements, [], false, (entry, enclosing, inChoice) => {
        const list = index.get(entry.name);
        if (list) list.push({ entry, enclosing, inChoice });
        else index.set(entry.name, [{ entry, enclosing, inChoice }]);
      });
      entries = index;
      this.entryIndex.set(path, entries);
    }
    return entries;
  }
}

function scanText(text: string): ScannedFile {
  const defines = new Set<string>();
  const selects = new Map<string, Set<string>>();
  const sources: ScannedFile['sources'] = [];
  let currentEntry: string | null = null;
  // Line numbers are counted only up to source lines, which are few.
  let countedTo = 0;
  let line = 1;
  INDEX_LINE.lastIndex = 0;
  for (let match = INDEX_LINE.exec(text); match; match = INDEX_LINE.exec(text)) {
    if (match[1]) {
      defines.add(match[1]);
      currentEntry = match[1];
    } else if (match[2]) {
      if (!currentEntry) continue;
      let selectors = selects.get(match[2]);
      if (!selectors) selects.set(match[2], (selectors = new Set()));
      selectors.add(currentEntry);
    } else {
      const keyword = match[0].trim().split(/\s/)[0]!;
      for (let at = text.indexOf('\n', countedTo); at !== -1 && at < match.index; at = text.indexOf('\n', at + 1))
        line++;
      countedTo = match.index;
      sources.push({ path: match[3]!, relative: keyword === 'rsource' || keyword === 'orsource', line });
    }
  }
  return { text, defines, selects, sources };
}

/** The kernel's Kconfig tree for one architecture (SRCARCH). */
export class KconfigTree {
  /** Reachable files in the order they are sourced, with the `source` line that first reaches each. */
  private readonly reach = new Map<string, { parent: string | null; line: number }>();
  private readonly definitionCache = new Map<string, SymbolDefinition[]>();
  private readonly contextCache = new Map<string, { conds: Located[]; files: string[] }>();
  readonly problems: KconfigProblemAt[] = [];

  constructor(
    private readonly files: KconfigFiles,
    readonly srcarch: string,
  ) {
    this.walk();
  }

  /** True when the architecture's tree holds the file. */
  includes(path: string): boolean {
    return this.reach.has(path);
  }

  reachableFiles(): string[] {
    return [...this.reach.keys()];
  }

  /** Every definition of the symbol in this architecture's tree (a symbol may be defined several times). */
  definitions(name: string): SymbolDefinition[] {
    let cached = this.definitionCache.get(name);
    if (cached) return cached;
    cached = [];
    for (const path of this.files.definingFiles(name)) {
      if (!this.reach.has(path)) continue;
      const placed = this.files.entries(path)?.get(name);
      if (!placed) continue;
      const context = this.fileContext(path);
      for (const { entry, enclosing, inChoice } of placed) {
        const depends = [...entry.depends, ...enclosing, ...context.conds];
        const dependsFiles = [...entry.depends.map(() => path), ...enclosing.map(() => path), ...context.files];
        cached.push({ entry, file: path, depends, dependsFiles, inChoice });
      }
    }
    this.definitionCache.set(name, cached);
    return cached;
  }

  /**
   * True when some entry that `select`s the symbol passes the test. Files are parsed one at a time and
   * only until the answer is known: a symbol such as DMA_ENGINE is selected from a hundred files.
   */
  someSelector(name: string, test: (selector: Selector) => boolean): boolean {
    for (const path of this.files.selectingFiles(name)) {
      if (!this.reach.has(path)) continue;
      if (this.files.selectorsIn(path, name).some(test)) return true;
    }
    return false;
  }

  /** The conditions the `source` lines leading to a file put on everything in it. */
  private fileContext(path: string): { conds: Located[]; files: string[] } {
    const cached = this.contextCache.get(path);
    if (cached) return cached;
    const result: { conds: Located[]; files: string[] } = { conds: [], files: [] };
    this.contextCache.set(path, result);
    const origin = this.reach.get(path);
    if (origin?.parent) {
      const parsed = this.files.parse(origin.parent);
      const enclosing = parsed ? enclosingAtSource(parsed.statements, origin.line) : [];
      const parent = this.fileContext(origin.parent);
      result.conds.push(...enclosing, ...parent.conds);
      result.files.push(...enclosing.map(() => origin.parent!), ...parent.files);
    }
    return result;
  }

  private walk(): void {
    const queue: string[] = ['Kconfig'];
    this.reach.set('Kconfig', { parent: null, line: 0 });
    for (let index = 0; index < queue.length; index++) {
      const path = queue[index]!;
      const scanned = this.files.scan(path);
      if (!scanned) {
        const origin = this.reach.get(path)!;
        if (origin.parent)
          this.problems.push({ file: origin.parent, line: origin.line, message: `sourced file ${path} not found` });
        this.reach.delete(path);
        continue;
      }
      for (const source of scanned.sources) {
        const expanded = source.path.replace(/\$\((SRCARCH|ARCH)\)/g, this.srcarch);
        if (expanded.includes('$(')) continue;
        const target = source.relative ? joinPath(dirname(path), expanded) : joinPath('', expanded);
        if (!target || this.reach.has(target)) continue;
        this.reach.set(target, { parent: path, line: source.line });
        queue.push(target);
      }
    }
  }
}

/** Calls `visit` for every config entry with the conditions of the blocks around it, innermost first. */
function collect(
  statements: readonly Statement[],
  enclosing: Located[],
  inChoice: boolean,
  visit: (entry: ConfigEntry, enclosing: Located[], inChoice: boolean) => void,
): void {
  for (const statement of statements) {
    switch (statement.kind) {
      case 'config':
        visit(statement, enclosing, inChoice);
        break;
      case 'if':
        collect(statement.body, [statement.cond, ...enclosing], inChoice, visit);
        break;
      case 'menu':
        collect(statement.body, [...statement.depends, ...enclosing], inChoice, visit);
        break;
      case 'choice':
        collect(statement.body, [...statement.depends, ...enclosing], true, visit);
        break;
      default:
        break;
    }
  }
}

/** The conditions of the blocks around the `source` statement on `line`, innermost first. */
function enclosingAtSource(statements: readonly Statement[], line: number): Located[] {
  const search = (list: readonly Statement[], enclosing: Located[]): Located[] | null => {
    for (const statement of list) {
      if (statement.kind === 'source' && statement.line === line) return enclosing;
      if (statement.kind === 'if') {
        const found = search(statement.body, [statement.cond, ...enclosing]);
        if (found) return found;
      } else if (statement.kind === 'menu' || statement.kind === 'choice') {
        const found = search(statement.body, [...statement.depends, ...enclosing]);
        if (found) return found;
      }
    }
    return null;
  };
  return search(statements, []) ?? [];
}

function addTo(index: Map<string, string[]>, name: string, path: string): void {
  const list = index.get(name);
  if (list) list.push(path);
  else index.set(name, [path]);
}

/** A definition's dependencies as one expression, or null when it has none. */
export function dependencyOf(definition: SymbolDefinition): KconfigExpr | null {
  return allOf(definition.depends.map((located) => located.expr));
}
