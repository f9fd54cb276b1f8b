// The device-tree parser of a thread: web-tree-sitter with tree-sitter-devicetree. The grammar is loaded on
// first use only, so a session that never opens a .dts file never loads its wasm. Trees are owned by the
// caller, who must call `tree.delete()`: wasm memory is not garbage-collected.
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { DEFAULT_PARSE_BUDGET_MS, findGrammar, initRuntime } from '../parse/parser';

export type { Node as SyntaxNode, Tree } from 'web-tree-sitter';

const GRAMMAR_FILE = 'tree-sitter-devicetree.wasm';

let parser: Parser | null = null;
let loading: Promise<void> | null = null;

/** Loads the runtime (shared with the C parser) and the device-tree grammar once per thread. */
export function initDevicetreeParser(wasmDir?: string): Promise<void> {
  loading ??= (async () => {
    const grammarPath = findGrammar(GRAMMAR_FILE, wasmDir);
    await initRuntime(grammarPath);
    const created = new Parser();
    created.setLanguage(await Language.load(grammarPath));
    parser = created;
  })().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** Whether the grammar has been loaded in this thread (tests check that C-only work never loads it). */
export function devicetreeParserLoaded(): boolean {
  return parser !== null;
}

/**
 * Parses device-tree text (reusing `oldTree` after `oldTree.edit(...)` for incremental parsing). Returns
 * null when the budget ran out; the parser is then reset so the next call starts afresh.
 */
export function parseDevicetree(
  text: string,
  oldTree?: Tree | null,
  budgetMs: number = DEFAULT_PARSE_BUDGET_MS,
): Tree | null {
  if (!parser) throw new Error('DMA Lens: initDevicetreeParser() must complete before parseDevicetree()');
  const deadline = performance.now() + budgetMs;
  const tree = parser.parse(text, oldTree ?? null, { progressCallback: () => performance.now() > deadline });
  if (!tree) parser.reset();
  return tree;
}
