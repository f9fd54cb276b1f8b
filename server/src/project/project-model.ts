// One kernel tree's project model: its Kconfig files and Makefiles, read lazily through a TreeReader and
// shared by every file asked about, and the targets of each file, memoised by directory and name.
import { MakefileTree } from './build-rules';
import { parseKconfig } from './kconfig-syntax';
import { KconfigFiles } from './kconfig-tree';
import { parseMakefile } from './makefile-syntax';
import { TargetResolver, type ProfileRef, type Targets } from './targets';
import type { TreeReader } from './tree-reader';

export interface TreeProblem {
  file: string;
  line: number;
  message: string;
}

/** Memo size: every file of a large subsystem. */
const MEMO_LIMIT = 20_000;

export class ProjectModel {
  private readonly kconfig: KconfigFiles;
  private readonly makefiles: MakefileTree;
  private readonly resolver: TargetResolver;
  private readonly memo = new Map<string, Targets>();

  constructor(
    private readonly reader: TreeReader,
    profiles: readonly ProfileRef[],
  ) {
    this.kconfig = new KconfigFiles(reader);
    this.makefiles = new MakefileTree(reader);
    this.resolver = new TargetResolver(this.kconfig, this.makefiles, profiles);
  }

  /** The targets of a file, by its path relative to the tree's root. */
  /** The other source files of the file's composite object (MakefileTree.moduleSiblings). */
  moduleSiblings(path: string): string[] {
    return this.makefiles.moduleSiblings(path);
  }

  targets(path: string): Targets {
    let targets = this.memo.get(path);
    if (!targets) {
      targets = this.resolver.targets(path);
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      this.memo.set(path, targets);
    }
    return targets;
  }

  /**
   * Parses every Kconfig file each modelled architecture sources (and any other given), the given Makefiles, and returns what
   * could not be read, with file and line: the check that the parsers understand a whole tree.
   */
  check(
    makefiles: readonly string[],
    extraKconfigFiles: readonly string[] = [],
  ): { problems: TreeProblem[]; kconfigFiles: number; makefiles: number } {
    const problems: TreeProblem[] = [];
    const kconfigFiles = new Set<string>(extraKconfigFiles);
    for (const srcarch of ['x86', 'arm64', 'arm', 'powerpc', 'mips', 's390']) {
      const tree = this.resolver.tree(srcarch);
      for (const problem of tree.problems) problems.push(problem);
      for (const file of tree.reachableFiles()) kconfigFiles.add(file);
    }
    for (const file of kconfigFiles) {
      const text = this.reader.read(file);
      if (text === null) continue;
      for (const problem of parseKconfig(text, { eager: true }).problems) problems.push({ file, ...problem });
    }
    for (const file of makefiles) {
      const text = this.reader.read(file);
      if (text === null) continue;
      for (const problem of parseMakefile(text).problems) problems.push({ file, ...problem });
    }
    return { problems: dedupe(problems), kconfigFiles: kconfigFiles.size, makefiles: makefiles.length };
  }
}

function dedupe(problems: readonly TreeProblem[]): TreeProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.file}:${problem.line}:${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
