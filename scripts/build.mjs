// Builds every bundle with esbuild: the CLI and the language server (core bundled in), the extension,
// and the tests. Type checking is separate (`npm run typecheck`), so a build takes about a second.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, statSync, existsSync } from 'node:fs';
import { basename, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  alias: {
    '@dmalens/core': join(root, 'core/src/index.ts'),
    // The address formatting alone, for the webview page, which must not carry the whole simulator.
    '@dmalens/core/format': join(root, 'core/src/render/format.ts'),
    '@dmalens/protocol': join(root, 'protocol/src/index.ts'),
  },
};
// The CommonJS bundles must take web-tree-sitter's CommonJS build: its ESM build locates its wasm through
// import.meta.url, which is undefined once bundled as CommonJS.
const cjs = {
  ...common,
  format: 'cjs',
  alias: { ...common.alias, 'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/tree-sitter.cjs') },
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

/** `node scripts/build.mjs [filter]` builds only the tests whose path contains the filter. */
const filter = process.argv[2] ?? '';

async function build() {
  const jobs = serverEntries.map((entry) =>
    esbuild.build({ ...cjs, entryPoints: [entry], outdir: join(root, 'server/dist') }),
  );
  const extension = join(root, 'client/src/extension.ts');
  if (existsSync(extension)) {
    jobs.push(
      esbuild.build({
        ...cjs,
        entryPoints: [extension],
        outfile: join(root, 'client/dist/extension.js'),
        external: ['vscode'],
        // jsonc-parser's main entry is a UMD module whose requires esbuild cannot follow; its ESM build bundles.
        alias: { ...cjs.alias, 'jsonc-parser': join(root, 'node_modules/jsonc-parser/lib/esm/main.js') },
      }),
    );
  }
  // The pipeline page runs in the webview, a browser: no node built-ins, one script file.
  jobs.push(
    esbuild.build({
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      sourcemap: 'linked',
      logLevel: 'warning',
      alias: common.alias,
      entryPoints: [join(root, 'client/src/pipeline/page/main.ts')],
      outfile: join(root, 'client/dist/webview/pipeline.js'),
    }),
  );
  // Each test is its own build so that one broken file does not hide the others' results.
  // Tests bundle the source they test but load npm packages from node_modules.
  for (const test of findTests(join(root, 'test')).filter((path) => path.includes(filter))) {
    jobs.push(
      esbuild.build({
        ...common,
        format: 'esm',
        entryPoints: [test],
        outdir: join(root, 'out/test'),
        outbase: join(root, 'test'),
        packages: 'external',
        outExtension: { '.js': '.mjs' },
      }),
    );
  }
  const outcomes = await Promise.allSettled(jobs);
  copyWasm();
  if (outcomes.some((outcome) => outcome.status === 'rejected')) process.exitCode = 1;
}

/** The grammars and the tree-sitter runtime travel next to the server bundle, which loads them from there. */
function copyWasm() {
  const dist = join(root, 'server/dist');
  mkdirSync(dist, { recursive: true });
  const wasm = [
    join(root, 'node_modules/web-tree-sitter/tree-sitter.wasm'),
    join(root, 'grammars/tree-sitter-c.wasm'),
    join(root, 'grammars/tree-sitter-devicetree.wasm'),
  ];
  for (const file of wasm) cpSync(file, join(dist, basename(file)));
}

await build();
