// Finds a kernel package's modules by name and orders them with their dependencies first, from the
// `depends=` entry of each module's .modinfo section (the string modinfo(8) prints), read from the file
// itself: the package ships no modules.dep and the host needs no kmod.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODULES, type ModuleOrder } from './guest-init';

/** Module name (dashes as underscores) → path of its .ko under `root`. */
function indexModules(root: string): Map<string, string> {
  const index = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ko')) index.set(entry.name.slice(0, -3).replace(/-/g, '_'), path);
    }
  };
  walk(root);
  return index;
}

function dependsOf(path: string): string[] {
  const bytes = readFileSync(path);
  const at = bytes.indexOf('\0depends=');
  if (at < 0) return [];
  const start = at + '\0depends='.length;
  const value = bytes.subarray(start, bytes.indexOf(0, start)).toString('latin1');
  return value ? value.split(',').map((name) => name.replace(/-/g, '_')) : [];
}

export interface ResolvedModules {
  order: ModuleOrder;
  /** File name → path, for every module in the order. */
  files: Map<string, string>;
}

/** The guest's modules in load order, each group after everything the earlier group loaded. */
export function resolveModules(moduleRoot: string, drivers: readonly string[]): ResolvedModules {
  const index = indexModules(moduleRoot);
  const loaded = new Set<string>();
  const files = new Map<string, string>();
  const visit = (name: string, into: string[], path: string[] = []): void => {
    if (loaded.has(name)) return;
    if (path.includes(name)) throw new Error(`module dependency cycle: ${[...path, name].join(' -> ')}`);
    const file = index.get(name);
    if (!file) throw new Error(`module ${name} is not in ${moduleRoot}`);
    for (const dependency of dependsOf(file)) visit(dependency, into, [...path, name]);
    loaded.add(name);
    files.set(`${name}.ko`, file);
    into.push(`${name}.ko`);
  };
  const order: ModuleOrder = { beforeTracing: [], traced: [] };
  for (const name of MODULES.beforeTracing) visit(name, order.beforeTracing);
  for (const name of [...MODULES.traced, ...drivers]) visit(name, order.traced);
  return { order, files };
}
