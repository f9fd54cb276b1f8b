// The kernel trees the server or a scan has met, each with its project model built on first use and
// shared by every file of the tree: which platforms a file can run on is then one memoised lookup.
import { basename, join, relative, sep } from 'node:path';
import { driverRegistrations, type DriverRegistration } from '../analysis/driver-bus';
import { listProfiles, type PlatformProfile } from '@dmalens/core';
import { DefinitionsIndex, type TargetMachine } from '../definitions';
import { ProjectModel, type Targets } from '../project';
import type { SizeResolver } from '../sites';
import { fileSystemReader, readBounded, type BuildFileListener } from './fs-reader';
import { resolveSize } from './sizes';
import { machineFor } from './target-machines';
import { TreeRoots } from './tree-root';

export interface FileTargets extends Targets {
  /** The tree's root directory and the file's path inside it, as the Makefiles name it. */
  root: string;
  path: string;
}

/**
 * The driver structures a source file defines. A file without `_driver` defines none: tested on the bytes,
 * most helper files of a module are never decoded.
 */
function registrationsIn(path: string): DriverRegistration[] {
  const bytes = readBounded(path);
  if (bytes === null || bytes.indexOf('_driver') === -1) return [];
  return driverRegistrations(bytes.toString('utf8'));
}

/** Size texts worth reading headers for: a sizeof, or a name written like a macro or enum constant. */
const MAY_BE_CONSTANT = /\bsizeof\b|\b[A-Z_][A-Z0-9_]{2,}\b/;

interface KernelTree {
  project: ProjectModel;
  definitions: DefinitionsIndex;
}

export class KernelTrees {
  private readonly roots = new TreeRoots();
  private readonly trees = new Map<string, KernelTree>();
  private readonly profiles = new Map(listProfiles().map((profile) => [profile.id, profile]));
  private readonly machines = new Map<string, TargetMachine | null>();
  private readonly siblingRegistrations = new Map<string, DriverRegistration[]>();

  /** `onBuildFileRead` hears of every Makefile and Kconfig file the project models read. */
  constructor(private readonly onBuildFileRead?: BuildFileListener) {}

  /**
   * The driver structures defined by the other files of the file's module (its composite object), each
   * with the file's name. Those sources are read as sources, not as build files: a scan cache does not
   * start afresh when one of them changes (the file's own facts are worked out again when it changes).
   */
  moduleRegistrationsOf(file: string): DriverRegistration[] {
    const place = this.locate(file);
    if (place === null) return [];
    return this.tree(place.root)
      .project.moduleSiblings(place.path)
      .flatMap((sibling) => {
        const path = join(place.root, sibling);
        let registrations = this.siblingRegistrations.get(path);
        if (!registrations) {
          registrations = registrationsIn(path).map((found) => ({ ...found, file: basename(sibling) }));
          this.siblingRegistrations.set(path, registrations);
        }
        return registrations;
      });
  }

  /** The targets of a file given by its absolute path; null outside a kernel tree. */
  targetsOf(file: string): FileTargets | null {
    const place = this.locate(file);
    return place && { ...place, ...this.tree(place.root).project.targets(place.path) };
  }

  /**
   * Resolves the file's size arguments through its tree's headers for the machines of the given platforms
   * (the first one's value is simulated); null outside a kernel tree.
   */
  sizesFor(file: string, platformIds: readonly string[]): SizeResolver | null {
    const place = this.locate(file);
    if (place === null) return null;
    const { path } = place;
    const { definitions } = this.tree(place.root);
    // One machine per architecture, ABI and page size: the machine symbols of two profiles of one
    // architecture rarely change a size, and each machine costs a walk of the file's includes.
    const seen = new Set<string>();
    const machines = platformIds.flatMap((id) => {
      const profile = this.profiles.get(id);
      const machine = profile ? this.machineOf(profile) : null;
      const layout = machine ? `${machine.srcarch}/${machine.abi}/${machine.pageShift}` : '';
      if (!profile || !machine || seen.has(layout)) return [];
      seen.add(layout);
      return [{ profile, machine }];
    });
    return (text) =>
      MAY_BE_CONSTANT.test(text)
        ? resolveSize(definitions, path, machines, text)
        : { unknown: 'a value known only at run time' };
  }

  /**
   * Forgets what was read of the tree holding `file` (a Makefile or Kconfig file that changed), so that the
   * next question reads its build files again. True when the file is inside a tree already read.
   */
  forgetTreeOf(file: string): boolean {
    const root = this.roots.find(file);
    return root !== null && this.trees.delete(root);
  }

  /** The file's tree root and its path inside the tree, as the Makefiles name it; null outside a tree. */
  private locate(file: string): { root: string; path: string } | null {
    const root = this.roots.find(file);
    return root === null ? null : { root, path: relative(root, file).split(sep).join('/') };
  }

  private machineOf(profile: PlatformProfile): TargetMachine | null {
    if (!this.machines.has(profile.id)) this.machines.set(profile.id, machineFor(profile));
    return this.machines.get(profile.id)!;
  }

  private tree(root: string): KernelTree {
    let tree = this.trees.get(root);
    if (!tree) {
      const profiles = [...this.profiles.values()].map((profile) => ({ id: profile.id, arch: profile.arch }));
      tree = {
        project: new ProjectModel(fileSystemReader(root, this.onBuildFileRead), profiles),
        definitions: new DefinitionsIndex(fileSystemReader(root)),
      };
      this.trees.set(root, tree);
    }
    return tree;
  }
}
