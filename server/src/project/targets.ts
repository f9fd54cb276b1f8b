// The platforms a file can run on: the profiles whose kernel configuration can satisfy one of the ways
// the Makefiles build it (build-rules.ts), with the reason in one line, naming the Kconfig dependency that
// decides it. When no profile's machine satisfies it (a Hyper-V driver: no profile is a Hyper-V guest),
// the profiles whose architecture can build it are shown instead, and the reason says so.
import { buildProfile, machineKey, type BuildProfile } from './build-profiles';
import type { BuildChain, BuildRules, MakefileTree, Requirement } from './build-rules';
import { formatKconfigExpr } from './kconfig-expression';
import { ProfileReach } from './kconfig-reach';
import type { KconfigFiles } from './kconfig-tree';
import { KconfigTree } from './kconfig-tree';

export interface Targets {
  /** Profile ids in the order of the profile list given to the model. */
  platforms: string[];
  /** One line: the Kconfig dependency or Makefile line that decides, with file:line. */
  why: string;
  /**
   * `built`: the build system decides; `architecture`: no profile's machine matches, so every profile of
   * an architecture that can build the file; `unmodelled`: its Kconfig lets no modelled architecture build
   * it; `unknown`: no Makefile line was found for it. With no platforms the caller falls back to its
   * default platforms.
   */
  basis: 'built' | 'architecture' | 'unmodelled' | 'unknown';
}

type Mode = 'exact' | 'anyMachine';

export interface ProfileRef {
  id: string;
  /** The core's architecture name (x86_64, ppc64, ...), for profiles the build table does not describe. */
  arch: string;
}

export class TargetResolver {
  private readonly trees = new Map<string, KconfigTree>();
  /** Answers per machine (machineKey), and the same objects by profile id. */
  private readonly reaches = new Map<string, { exact: ProfileReach; anyMachine: ProfileReach }>();
  private readonly reachById = new Map<string, { exact: ProfileReach; anyMachine: ProfileReach }>();
  private readonly profiles: BuildProfile[];
  private readonly byRules = new Map<string, Targets>();

  constructor(
    private readonly kconfig: KconfigFiles,
    private readonly makefiles: MakefileTree,
    profiles: readonly ProfileRef[],
  ) {
    this.profiles = profiles.flatMap((profile) => buildProfile(profile.id, profile.arch) ?? []);
  }

  tree(srcarch: string): KconfigTree {
    let tree = this.trees.get(srcarch);
    if (!tree) {
      tree = new KconfigTree(this.kconfig, srcarch);
      this.trees.set(srcarch, tree);
    }
    return tree;
  }

  targets(path: string): Targets {
    const rules = this.makefiles.rules(path);
    if (rules.chains.length === 0) return { platforms: [], why: `no Makefile builds ${path}`, basis: 'unknown' };
    // Files built under the same conditions (the parts of one composite object, the files of a
    // directory) share one answer.
    const key = JSON.stringify([rules.chains, rules.origin]);
    let targets = this.byRules.get(key);
    if (!targets) {
      targets = this.decide(rules);
      this.byRules.set(key, targets);
    }
    return targets;
  }

  private decide(rules: BuildRules): Targets {
    const exact = this.profiles.filter((profile) => this.buildsFor(rules.chains, profile, 'exact'));
    if (exact.length > 0)
      return { platforms: exact.map((profile) => profile.id), why: this.explain(rules, 'exact'), basis: 'built' };
    const byArch = this.profiles.filter((profile) => this.buildsFor(rules.chains, profile, 'anyMachine'));
    if (byArch.length > 0) {
      const archs = [...new Set(byArch.map((profile) => profile.srcarch))].join(', ');
      return {
        platforms: byArch.map((profile) => profile.id),
        why: `${this.explain(rules, 'anyMachine')}; no built-in profile models that machine, so every ${archs} profile is shown`,
        basis: 'architecture',
      };
    }
    return {
      platforms: [],
      why: `${this.explain(rules, 'anyMachine')}; no modelled architecture builds it`,
      basis: 'unmodelled',
    };
  }

  private reach(profile: BuildProfile, mode: Mode): ProfileReach {
    let pair = this.reachById.get(profile.id);
    if (!pair) {
      const key = machineKey(profile);
      pair = this.reaches.get(key);
      if (!pair) {
        const tree = this.tree(profile.srcarch);
        pair = {
          exact: new ProfileReach(tree, profile),
          anyMachine: new ProfileReach(tree, profile, { anyMachine: true }),
        };
        this.reaches.set(key, pair);
      }
      this.reachById.set(profile.id, pair);
    }
    return pair[mode];
  }

  private buildsFor(chains: readonly BuildChain[], profile: BuildProfile, mode: Mode): boolean {
    return chains.some((chain) => chain.every((requirement) => this.holds(requirement, profile, mode)));
  }

  private holds(requirement: Requirement, profile: BuildProfile, mode: Mode): boolean {
    if (requirement.kind === 'arch') return (profile.srcarch === requirement.arch) !== requirement.negated;
    const reach = this.reach(profile, mode);
    const symbol = { kind: 'symbol' as const, name: requirement.name };
    return requirement.negated ? reach.canN(symbol) : reach.canY(symbol);
  }

  /**
   * The requirement that narrows the targets most, nearest the file first, in words: for a symbol, the
   * dependency of its Kconfig entry that narrows most.
   */
  private explain(rules: BuildRules, mode: Mode): string {
    const chain = rules.chains[0]!;
    const origin = rules.origin ? ` (${rules.origin.file}:${rules.origin.line})` : '';
    let best: { requirement: Requirement; count: number } | null = null;
    for (const requirement of chain) {
      const count = this.profiles.filter((profile) => this.holds(requirement, profile, mode)).length;
      if (!best || count < best.count) best = { requirement, count };
    }
    if (!best) return `built whenever its directory is${origin}`;
    const requirement = best.requirement;
    if (requirement.kind === 'arch') {
      const place = `${requirement.file}${requirement.line ? `:${requirement.line}` : ''}`;
      return `${requirement.negated ? 'not built' : 'built only'} for ${requirement.arch} (${place})`;
    }
    if (best.count === this.profiles.length) {
      const first = chain[0]!;
      if (first.kind !== 'symbol') return `built whenever its directory is${origin}`;
      return `CONFIG_${first.name} (${first.file}:${first.line}) has no platform-specific dependency`;
    }
    return this.explainSymbol(requirement, mode);
  }

  private explainSymbol(requirement: Extract<Requirement, { kind: 'symbol' }>, mode: Mode): string {
    const name = `CONFIG_${requirement.name}`;
    if (requirement.negated) return `built only without ${name} (${requirement.file}:${requirement.line})`;
    // Each dependency line counts the profiles it lets through, over every architecture whose tree holds it.
    const dependencies = new Map<string, { text: string; file: string; line: number; order: number; count: number }>();
    const definedFor: string[] = [];
    for (const srcarch of new Set(this.profiles.map((profile) => profile.srcarch))) {
      const definitions = this.tree(srcarch).definitions(requirement.name);
      if (definitions.length) definedFor.push(srcarch);
      for (const definition of definitions) {
        definition.depends.forEach((located, order) => {
          const file = definition.dependsFiles[order]!;
          const key = `${file}:${located.line}:${located.text}`;
          const entry = dependencies.get(key) ?? {
            text: formatKconfigExpr(located.expr),
            file,
            line: located.line,
            order,
            count: 0,
          };
          entry.count += this.profiles.filter(
            (profile) => profile.srcarch === srcarch && this.reach(profile, mode).canY(located.expr),
          ).length;
          dependencies.set(key, entry);
        });
      }
    }
    if (definedFor.length === 0) return `${name} is not defined in any Kconfig file of a modelled architecture`;
    const narrowest = [...dependencies.values()].sort((a, b) => a.count - b.count || a.order - b.order)[0];
    if (narrowest) return `${name} depends on ${narrowest.text} (${narrowest.file}:${narrowest.line})`;
    const archs = new Set(this.profiles.map((profile) => profile.srcarch));
    if (definedFor.length < archs.size) return `${name} is defined only for ${definedFor.join(', ')}`;
    return `${name} (${requirement.file}:${requirement.line})`;
  }
}
