// Which conditions build a file, read from the kbuild Makefiles: the object list line naming its object
// (directly, or as a part of a composite object, or from an ancestor's Makefile as `dir/foo.o`), then the
// line that descends into each directory above it (`obj-$(CONFIG_X) += dir/`, or an arch Makefile's
// `drivers-$(CONFIG_PCI) += arch/x86/pci/`), up to the top-level Kbuild. A file under arch/<arch>/ is
// built only for that architecture. Headers and files no Makefile names take their directory's conditions.
import { parseMakefile, type MakeCondition, type Makefile, type MakeWord } from './makefile-syntax';
import { dirname, type TreeReader } from './tree-reader';

export type Requirement =
  | { kind: 'symbol'; name: string; negated: boolean; file: string; line: number }
  | { kind: 'arch'; arch: string; negated: boolean; file: string; line: number };

/** One way the file gets built: every requirement must hold. */
export type BuildChain = Requirement[];

export interface BuildRules {
  /** Alternatives; empty when no Makefile builds the file or its directory. */
  chains: BuildChain[];
  /** How the file was found: its own object, only its directory (headers, included .c files), or not at all. */
  found: 'object' | 'directory' | 'none';
  /** The Makefile line that names the object or the directory, for the reason shown to the user. */
  origin: { file: string; line: number } | null;
}

/** Alternatives beyond this many are dropped: real files have one or two. */
const MAX_CHAINS = 16;
const MAX_COMPOSITE_DEPTH = 4;

export class MakefileTree {
  private readonly makefiles = new Map<string, { path: string; parsed: Makefile } | null>();
  private readonly archMakefiles = new Map<string, Makefile | null>();
  private readonly directoryCache = new Map<string, { chains: BuildChain[]; origin: BuildRules['origin'] } | null>();

  constructor(private readonly reader: TreeReader) {}

  /** The Makefile kbuild reads in a directory: Kbuild when there is one, else Makefile. */
  makefile(dir: string): { path: string; parsed: Makefile } | null {
    let cached = this.makefiles.get(dir);
    if (cached !== undefined) return cached;
    cached = null;
    for (const name of ['Kbuild', 'Makefile']) {
      const path = dir ? `${dir}/${name}` : name;
      const text = this.reader.read(path);
      if (text !== null) {
        cached = { path, parsed: parseMakefile(text) };
        break;
      }
    }
    this.makefiles.set(dir, cached);
    return cached;
  }

  /** arch/<arch>/Makefile, which the top-level Makefile includes for its core-, drivers- and libs- lists. */
  private archMakefile(arch: string): Makefile | null {
    const path = `arch/${arch}/Makefile`;
    let cached = this.archMakefiles.get(path);
    if (cached === undefined) {
      const text = this.reader.read(path);
      cached = text === null ? null : parseMakefile(text);
      this.archMakefiles.set(path, cached);
    }
    return cached;
  }

  rules(path: string): BuildRules {
    const dir = dirname(path);
    const object = objectName(path);
    if (object) {
      for (let ancestor: string | null = dir; ancestor !== null; ancestor = parentDir(ancestor)) {
        const relative = ancestor ? path.slice(ancestor.length + 1) : path;
        const relativeObject = relative.slice(0, relative.lastIndexOf('/') + 1) + object;
        const found = this.objectChains(ancestor, relativeObject);
        if (found) {
          const above = this.directoryChains(ancestor);
          if (!above) return { chains: [], found: 'none', origin: found.origin };
          return {
            chains: combine(found.chains, above.chains),
            found: 'object',
            origin: found.origin,
          };
        }
      }
    }
    const directory = this.directoryChains(dir);
    return directory
      ? { chains: directory.chains, found: 'directory', origin: directory.origin }
      : { chains: [], found: 'none', origin: null };
  }

  /** The ways the directory's Makefile is reached from the top-level Kbuild, or null when it never is. */
  directoryChains(dir: string): { chains: BuildChain[]; origin: BuildRules['origin'] } | null {
    if (this.directoryCache.has(dir)) return this.directoryCache.get(dir)!;
    this.directoryCache.set(dir, null);
    const result = this.computeDirectoryChains(dir);
    this.directoryCache.set(dir, result);
    return result;
  }

  private computeDirectoryChains(dir: string): { chains: BuildChain[]; origin: BuildRules['origin'] } | null {
    if (dir === '') return { chains: [[]], origin: null };
    const arch = /^arch\/([^/]+)$/.exec(dir);
    // The top-level Kbuild descends into arch/$(SRCARCH)/ only.
    if (arch)
      return { chains: [[{ kind: 'arch', arch: arch[1]!, negated: false, file: 'Kbuild', line: 0 }]], origin: null };
    const chains: BuildChain[] = [];
    let origin: BuildRules['origin'] = null;
    for (let ancestor = parentDir(dir); ancestor !== null; ancestor = parentDir(ancestor)) {
      const makefile = this.makefile(ancestor);
      const relative = `${ancestor ? dir.slice(ancestor.length + 1) : dir}/`;
      const words = makefile ? matching(makefile.parsed.lists.get('obj'), relative) : [];
      if (words.length === 0) continue;
      const above = this.directoryChains(ancestor);
      if (!above) continue;
      origin ??= { file: makefile!.path, line: words[0]!.line };
      for (const word of words) chains.push(...combine([requirements(word.conds, makefile!.path)], above.chains));
      break;
    }
    // An arch Makefile's core-, drivers- and libs- lists name directories from the tree's root.
    const archDir = /^arch\/([^/]+)\//.exec(dir);
    if (archDir) {
      const top = this.archMakefile(archDir[1]!);
      for (const word of matching(top?.lists.get('top'), `${dir}/`)) {
        origin ??= { file: `arch/${archDir[1]}/Makefile`, line: word.line };
        chains.push([
          ...requirements(word.conds, `arch/${archDir[1]}/Makefile`),
          { kind: 'arch', arch: archDir[1]!, negated: false, file: `arch/${archDir[1]}/Makefile`, line: word.line },
        ]);
      }
    }
    return chains.length ? { chains: chains.slice(0, MAX_CHAINS), origin } : null;
  }

  /**
   * The other source files of the composite object a file is part of (`fhci-y := fhci-hcd.o fhci-tds.o`
   * gives fhci-hcd.c for fhci-tds.c), by their paths in the tree; empty for a file that is an object of
   * its own. A helper file of a driver is a module with the file that registers the driver.
   */
  moduleSiblings(path: string): string[] {
    const object = objectName(path);
    const dir = dirname(path);
    const makefile = object ? this.makefile(dir) : null;
    if (!makefile) return [];
    const siblings = new Set<string>();
    for (const [name, words] of makefile.parsed.lists) {
      if (name === 'obj' || name === 'top' || matching(words, object!).length === 0) continue;
      for (const word of words)
        if (/^[\w/.-]+\.o$/.test(word.text) && word.text !== object)
          siblings.add(`${dir ? `${dir}/` : ''}${word.text.replace(/\.o$/, '.c')}`);
    }
    return [...siblings];
  }

  /** The chains under which `dir`'s Makefile builds `object` itself or as a part of a composite object. */
  private objectChains(dir: string, object: string): { chains: BuildChain[]; origin: BuildRules['origin'] } | null {
    const makefile = this.makefile(dir);
    if (!makefile) return null;
    const chains = this.objectIn(makefile, object, 0);
    if (chains.length === 0) return null;
    return {
      chains: chains.map((chain) => chain.requirements),
      origin: { file: makefile.path, line: chains[0]!.line },
    };
  }

  private objectIn(
    makefile: { path: string; parsed: Makefile },
    object: string,
    depth: number,
  ): { requirements: BuildChain; line: number }[] {
    const found: { requirements: BuildChain; line: number }[] = [];
    for (const word of matching(makefile.parsed.lists.get('obj'), object))
      found.push({ requirements: requirements(word.conds, makefile.path), line: word.line });
    if (depth >= MAX_COMPOSITE_DEPTH) return found;
    for (const [name, words] of makefile.parsed.lists) {
      if (name === 'obj' || name === 'top') continue;
      for (const word of matching(words, object)) {
        const own = requirements(word.conds, makefile.path);
        for (const outer of this.objectIn(makefile, `${name}.o`, depth + 1))
          found.push({ requirements: [...own, ...outer.requirements], line: word.line });
      }
    }
    return found.slice(0, MAX_CHAINS);
  }
}

/** `drivers/net/foo.c` → `foo.o`; null for files that are not compiled on their own (headers). */
function objectName(path: string): string | null {
  const match = /([^/]+)\.(c|S)$/.exec(path);
  return match ? `${match[1]}.o` : null;
}

function parentDir(dir: string): string | null {
  return dir === '' ? null : dirname(dir);
}

/** The words naming `target`, where a word may hold `*` for a variable the Makefile cannot know. */
function matching(words: readonly MakeWord[] | undefined, target: string): MakeWord[] {
  if (!words) return [];
  return words.filter((word) => {
    const text = word.text.replace(/^\.\//, '');
    if (!text.includes('*')) return text === target;
    const pattern = new RegExp(`^${text.split('*').map(escapeRegExp).join('[^/]*')}$`);
    return pattern.test(target);
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function requirements(conds: readonly MakeCondition[], file: string): Requirement[] {
  return conds.flatMap((cond): Requirement[] => {
    if (cond.kind === 'symbol')
      return [{ kind: 'symbol', name: cond.name, negated: cond.negated, file, line: cond.line }];
    if (cond.kind === 'arch') return [{ kind: 'arch', arch: cond.arch, negated: cond.negated, file, line: cond.line }];
    // A condition the Makefile does not let us read restricts nothing we could name.
    return [];
  });
}

function combine(inner: readonly BuildChain[], outer: readonly BuildChain[]): BuildChain[] {
  const chains: BuildChain[] = [];
  for (const a of inner) for (const b of outer) if (chains.length < MAX_CHAINS) chains.push([...a, ...b]);
  return chains;
}
