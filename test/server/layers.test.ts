// The server's layers import one way (CONTRIBUTING.md): analysis -> sites -> checks -> the outputs
// (lsp, scan, batch, index, cli), and only the sites layer opens sessions of the simulation core. Read
// from the import statements of every source file, so a new file that breaks the order fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from './lsp-client';

const source = join(repoRoot, 'server/src');

/** What each folder may import from the server's other folders (its own files always). */
const ALLOWED: Record<string, readonly string[]> = {
  parse: [],
  docs: [],
  // Bounded caches and the heap's trimming: used by every layer that remembers.
  memory: [],
  preprocessor: [],
  devicetree: ['parse', 'preprocessor'],
  // The project model of a kernel tree (Makefiles, Kconfig -> targets): pure, reads through an interface.
  project: [],
  // Kernel trees on disk: the project model read through the file system, one per tree.
  'kernel-tree': ['project', 'definitions', 'sites', 'analysis'],
  // What the headers of a tree define, and constant expressions evaluated through them per target.
  definitions: ['preprocessor', 'memory'],
  analysis: ['parse'],
  sites: ['analysis', 'memory'],
  // Settings validate rule ids and severities against the rule registry.
  config: ['checks'],
  checks: ['analysis', 'sites', 'config'],
  batch: ['parse', 'analysis', 'sites', 'checks', 'config', 'kernel-tree'],
  index: ['analysis', 'sites', 'checks', 'config', 'batch'],
  scan: ['analysis', 'sites', 'checks', 'config', 'docs', 'batch'],
  // A change (git revision, range or patch) read and its findings chosen: for `scan --diff`.
  patch: ['batch', 'checks', 'scan'],
  // Device trees in the editor: board documents, their findings and hovers, and drivers' board rows.
  'board-editor': ['devicetree', 'sites', 'checks'],
  lsp: [
    'parse',
    'analysis',
    'sites',
    'checks',
    'config',
    'docs',
    'batch',
    'index',
    'scan',
    'kernel-tree',
    'memory',
    'devicetree',
    'board-editor',
  ],
  cli: ['parse', 'analysis', 'sites', 'checks', 'config', 'batch', 'scan', 'patch', 'devicetree', 'board-editor'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(text: string): string[] {
  return [...text.matchAll(/^(?:import|export)\b[^;]*?from\s+'([^']+)'|^import\s+'([^']+)'/gms)].map(
    (match) => match[1] ?? match[2]!,
  );
}

const files = sourceFiles(source).map((path) => ({
  path,
  name: relative(source, path),
  folder: relative(source, path).includes('/') ? relative(source, path).split('/')[0]! : null,
  text: readFileSync(path, 'utf8'),
}));

test('every server folder has a place in the layer table', () => {
  const folders = new Set(files.flatMap((file) => (file.folder ? [file.folder] : [])));
  for (const folder of folders) assert.ok(folder in ALLOWED, `server/src/${folder}/ is missing from ALLOWED`);
});

test('imports between server folders follow the layers', () => {
  const wrong: string[] = [];
  for (const file of files) {
    if (!file.folder) continue;
    for (const specifier of importsOf(file.text)) {
      // Resolved from the importing file, so that a nested folder (checks/error-paths/) reaching its parent
      // (../pairing) stays in its own layer.
      const resolved = specifier.startsWith('.') ? relative(source, resolve(dirname(file.path), specifier)) : '';
      const target = /^([a-z-]+)\//.exec(resolved)?.[1];
      if (target && target !== file.folder && !ALLOWED[file.folder]!.includes(target))
        wrong.push(`${file.name} imports ${specifier}`);
      if (specifier.includes('core/src')) wrong.push(`${file.name} imports the core by path: ${specifier}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('only the sites layer opens sessions of the simulation core', () => {
  const sessionApi = /\b(createSession|Session)\b/;
  const opening = files.filter((file) => {
    if (file.folder === 'sites') return false;
    return [...file.text.matchAll(/^import\s+(?!type\b)([^;]*?)from\s+'@dmalens\/core'/gms)].some((match) =>
      sessionApi.test(match[1]!.replace(/type\s+\w+/g, '')),
    );
  });
  assert.deepEqual(
    opening.map((file) => file.name),
    [],
  );
});

test('the layer test reads imports the way TypeScript writes them', () => {
  assert.deepEqual(
    importsOf(
      "import type { A } from '../sites';\nimport {\n  b,\n  c,\n} from '../checks/rule';\nimport './side-effect';\nexport { d } from './d';\n",
    ),
    ['../sites', '../checks/rule', './side-effect', './d'],
  );
});

test('the client reaches the server only through the shared protocol package', () => {
  const client = sourceFiles(join(repoRoot, 'client/src'));
  const wrong = client.flatMap((path) =>
    importsOf(readFileSync(path, 'utf8'))
      .filter((specifier) => /@dmalens\/server|\bserver\/src\b/.test(specifier))
      .map((specifier) => `${relative(repoRoot, path)} imports ${specifier}`),
  );
  assert.deepEqual(wrong, []);
});
