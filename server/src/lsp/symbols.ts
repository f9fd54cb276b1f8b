// Document and workspace symbols for DMA sites, named so that a fuzzy search for `map` or for a
// function name finds them: `dma_map_single(skb->data) in xmit`. They are events, not functions: the C
// language server already lists the functions, and a call site posing as one would double its Outline.
// `dmalens.symbols` decides where they appear (Ctrl+T only by default).
import { SymbolKind, type Connection, type DocumentSymbol, type SymbolInformation } from 'vscode-languageserver/node';
import type { CallSite } from '../analysis/callsite';
import type { WorkspaceIndex } from '../index/workspace-index';
import type { SiteSummary } from '@dmalens/protocol';
import type { ServerState } from './server-state';

/** Workspace symbol answers are capped: clients show the first few hundred anyway. */
const WORKSPACE_SYMBOL_LIMIT = 1000;

/** The fields symbols need, present both on an open document's CallSite and on an indexed SiteSummary. */
type SymbolSource = Pick<
  CallSite | SiteSummary,
  'api' | 'kind' | 'bufferText' | 'handle' | 'enclosingFunction' | 'range'
>;

function symbolName(site: SymbolSource): string {
  const what = site.bufferText ?? site.handle;
  return `${site.api}(${what ?? ''})`;
}

function symbolKind(site: SymbolSource): SymbolKind {
  if (site.kind === 'alloc' || site.kind === 'pool-alloc') return SymbolKind.Object;
  return SymbolKind.Event;
}

export function documentSymbols(state: ServerState, uri: string): DocumentSymbol[] {
  if (state.settings.symbols !== 'outline') return [];
  return state.sites(uri).map((site) => ({
    name: symbolName(site),
    detail: site.enclosingFunction ? `in ${site.enclosingFunction}()` : site.kind,
    kind: symbolKind(site),
    range: site.range,
    selectionRange: site.nameRange,
  }));
}

export function workspaceSymbols(state: ServerState, index: WorkspaceIndex, query: string): SymbolInformation[] {
  if (state.settings.symbols === 'off') return [];
  const needle = query.toLowerCase();
  const results: SymbolInformation[] = [];
  const seen = new Set<string>();
  const add = (uri: string, sites: readonly SymbolSource[]) => {
    seen.add(uri);
    for (const site of sites) {
      if (results.length >= WORKSPACE_SYMBOL_LIMIT) return;
      const name = symbolName(site);
      if (
        needle &&
        !name.toLowerCase().includes(needle) &&
        !(site.enclosingFunction ?? '').toLowerCase().includes(needle)
      )
        continue;
      results.push({
        name,
        kind: symbolKind(site),
        location: { uri, range: site.range },
        ...(site.enclosingFunction ? { containerName: site.enclosingFunction } : {}),
      });
    }
  };
  // Open documents are newer than the index.
  for (const uri of state.documents.keys()) add(uri, state.sites(uri));
  for (const file of index.entries()) if (!seen.has(file.uri)) add(file.uri, file.sites);
  return results;
}

export function registerSymbols(connection: Connection, state: ServerState, index: WorkspaceIndex): void {
  connection.onDocumentSymbol((params) => documentSymbols(state, params.textDocument.uri));
  connection.onWorkspaceSymbol((params) => workspaceSymbols(state, index, params.query));
}
