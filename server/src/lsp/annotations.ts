// The per-platform summary after each mapping call, as inlay hints or as code lenses depending on
// `dmalens.annotations`. Both ask the same rows, so the text is identical either way.
import { CodeLens, InlayHint, InlayHintKind, type Connection, type Range } from 'vscode-languageserver/node';
import { ShowPipelineCommand, type ShowPipelineArgs } from '../protocol/protocol';
import { summaryText, wantsAnnotation } from './inlay-text';
import type { ServerState } from './server-state';
import { rowsForSite } from './site-rows';
import { fileStreamingMask } from '../checks/file-mask';

function within(line: number, range: Range): boolean {
  return line >= range.start.line && line <= range.end.line;
}

export function inlayHints(state: ServerState, uri: string, range: Range): InlayHint[] {
  if (state.settings.annotations !== 'inlayHints') return [];
  const sites = state.sites(uri);
  const mask = fileStreamingMask(sites);
  return sites.flatMap((site) => {
    if (!wantsAnnotation(site.kind) || !within(site.range.end.line, range)) return [];
    const rows = rowsForSite(state.model, site, mask);
    if (!rows || rows.rows.length === 0) return [];
    return [{ position: site.range.end, label: ` ${summaryText(rows)}`, kind: InlayHintKind.Type, paddingLeft: true }];
  });
}

export function codeLenses(state: ServerState, uri: string): CodeLens[] {
  if (state.settings.annotations !== 'codeLens') return [];
  const sites = state.sites(uri);
  const mask = fileStreamingMask(sites);
  return sites.flatMap((site) => {
    if (!wantsAnnotation(site.kind)) return [];
    const rows = rowsForSite(state.model, site, mask);
    if (!rows || rows.rows.length === 0) return [];
    const args: ShowPipelineArgs = {
      uri,
      position: site.nameRange.start,
      platforms: state.model.selected.map((profile) => profile.id),
    };
    return [
      { range: site.nameRange, command: { title: summaryText(rows), command: ShowPipelineCommand, arguments: [args] } },
    ];
  });
}

export function registerAnnotations(connection: Connection, state: ServerState): void {
  connection.languages.inlayHint.on((params) => inlayHints(state, params.textDocument.uri, params.range));
  connection.onCodeLens((params) => codeLenses(state, params.textDocument.uri));
}
