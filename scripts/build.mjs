// Builds every bundle with esbuild: the CLI and the language server (core bundled in), the extension,
// and the tests. Type checking is separate (`npm run typecheck`), so a build takes about a second.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  alias: { '@dmalens/core': join(root, 'core/src/index.ts') },
};

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Entry points of the server package: each becomes server/dist/<name>.js. */
const serverEntries = ['cli', 'server', 'scan-worker']
  .map((name) => join(root, 'server/src', `${name}.ts`))
  .filter(existsSync);

async function build() {
  const jobs = [];
  if (serverEntries.length > 0) {
    jobs.push(esbuild.build({ ...common, format: 'cjs', entryPoints: serverEntries, outdir: join(root, 'server/dist') }));
  }
  const extension = join(root, 'client/src/extension.ts');
  if (existsSync(extension)) {
    jobs.push(esbuild.build({ ...common, format: 'cjs', entryPoints: [extension], outfile: join(root, 'client/dist/extension.js'), external: ['vscode'] }));
  }
  const tests = findTests(join(root, 'test'));
  if (tests.length > 0) {
    // Tests bundle the source they test but load npm packages from node_modules.
    jobs.push(esbuild.build({ ...common, format: 'esm', entryPoints: tests, outdir: join(root, 'out/test'), outbase: join(root, 'test'), packages: 'external', outExtension: { '.js': '.mjs' } }));
  }
  await Promise.all(jobs);
  copyWasm();
}

/** The grammar and the tree-sitter runtime travel next to the server bundle. */
function copyWasm() {
  const dist = join(root, 'server/dist');
  mkdirSync(dist, { recursive: true });
  const wasm = [
    join(root, 'node_modules/web-tree-sitter/tree-sitter.wasm'),
    join(root, 'grammars/tree-sitter-c.wasm'),
  ];
  for (const file of wasm) if (existsSync(file)) cpSync(file, join(dist, relative(dirname(file), file)));
  const queries = join(root, 'grammars');
  if (existsSync(queries)) {
    for (const name of readdirSync(queries)) if (name.endsWith('.scm')) cpSync(join(queries, name), join(dist, name));
  }
}

await build();
