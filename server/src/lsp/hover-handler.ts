// Registers hover: the call under the cursor, rendered by hover.ts. Positions outside any recognised
// call answer null quickly.
import { MarkupKind, type Connection, type Hover } from 'vscode-languageserver/node';
import { hoverMarkdown } from './hover';
import type { ServerState } from './server-state';

export function registerHover(connection: Connection, state: ServerState): void {
  connection.onHover((params): Hover | null => {
    const document = state.documents.get(params.textDocument.uri);
    const site = document?.analysis?.siteAt(params.position) ?? null;
    if (!site || !document?.analysis) return null;
    const markdown = hoverMarkdown(site, document.analysis.sites(), state.model, params.textDocument.uri);
    return { contents: { kind: MarkupKind.Markdown, value: markdown }, range: site.nameRange };
  });
}
