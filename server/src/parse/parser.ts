// The one C parser of a thread: web-tree-sitter with the tree-sitter-c grammar. Both wasm files travel next
// to the server bundle (scripts/build.mjs copies them to server/dist/). Trees are owned by the caller, who
// must call `tree.delete()`: wasm memory is not garbage-collected.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';

export type { Node as SyntaxNode, Tree, TreeCursor } from 'web-tree-sitter';

const GRAMMAR_FILE = 'tree-sitter-c.wasm';
const RUNTIME_FILE = 'tree-sitter.wasm';

/**
 * Default parse budget: a pathological file gives up rather than hold a worker or the editor.
 * DMALENS_PARSE_BUDGET_MS lowers or raises it, to reproduce what a slower machine would do with a file.
 */
export const DEFAULT_PARSE_BUDGET_MS = parseBudgetFromEnvironment() ?? 2000;

function parseBudgetFromEnvironment(): number | null {
  const value = Number(process.env['DMALENS_PARSE_BUDGET_MS']);
  return Number.isFinite(value) && value > 0 ? value : null;
}

let parser: Parser | null = null;
let initializing: Promise<void> | null = null;

/** Directories where the wasm files may be, most specific first. */
function candidateDirs(explicit?: string): string[] {
  const dirs: string[] = [];
  if (explicit) dirs.push(explicit);
  // In the CommonJS bundle (server/dist/*.js) __dirname is the bundle's folder.
  if (typeof __dirname !== 'undefined') dirs.push(__dirname);
  // Tests and scripts run from somewhere inside the repository: look upwards for it.
  let dir = resolve(process.cwd());
  for (let depth = 0; depth < 6; depth++) {
    dirs.push(join(dir, 'server', 'dist'), join(dir, 'grammars'));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dirs;
}

/** The path of a grammar's wasm file (`tree-sitter-c.wasm`, `tree-sitter-devicetree.wasm`). */
export function findGrammar(file: string, explicit?: string): string {
  for (const dir of candidateDirs(explicit)) {
    const path = join(dir, file);
    if (existsSync(path)) return path;
  }
  throw new Error(
    `DMA Lens: ${file} not found (looked in ${candidateDirs(explicit).join(', ')}); run \`node scripts/build.mjs\``,
  );
}

let runtime: Promise<void> | null = null;

/** Loads the tree-sitter runtime once per thread, from beside the grammar when it is there. */
export function initRuntime(grammarPath: string): Promise<void> {
  runtime ??= (async () => {
    const runtimeBeside = join(dirname(grammarPath), RUNTIME_FILE);
    await Parser.init(
      existsSync(runtimeBeside)
        ? { locateFile: (name: string) => (name === RUNTIME_FILE ? runtimeBeside : name) }
        : undefined,
    );
  })().catch((error: unknown) => {
    runtime = null;
    throw error;
  });
  return runtime;
}

/** Loads the runtime and the grammar once per thread; later calls return the same promise. */
export function initParser(wasmDir?: string): Promise<void> {
  if (!initializing) {
    initializing = (async () => {
      const grammarPath = findGrammar(GRAMMAR_FILE, wasmDir);
      await initRuntime(grammarPath);
      const language = await Language.load(grammarPath);
      const created = new Parser();
      created.setLanguage(language);
      parser = created;
    })().catch((error: unknown) => {
      initializing = null;
      throw error;
    });
  }
  return initializing;
}

/**
 * Parses `text` (reusing `oldTree` after `oldTree.edit(...)` for incremental parsing). Returns null when the
 * budget ran out; the parser is then reset so the next call starts afresh.
 */
export function parse(text: string, oldTree?: Tree | null, budgetMs: number = DEFAULT_PARSE_BUDGET_MS): Tree | null {
  if (!parser) throw new Error('DMA Lens: initParser() must complete before parse()');
  const deadline = performance.now() + budgetMs;
  const tree = parser.parse(text, oldTree ?? null, { progressCallback: () => performance.now() > deadline });
  if (!tree) parser.reset();
  return tree;
}
