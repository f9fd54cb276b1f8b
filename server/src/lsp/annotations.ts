// The per-platform summary after each mapping call, as inlay hints or as code lenses depending on
// `dmalens.annotations`. Both ask the same rows, so the text is identical either way.
import { CodeLens, InlayHint, InlayHintKind, type Connection, type Range } from 'vscode-languageserver/node';
import type { CallSite } from '../analysis/callsite';
import { ShowPipelineCommand, type ShowPipelineArgs } from '@dmalens/protocol';
import { siteRows, summaryText, wantsSummary } from '../sites';
import type { ServerState } from './server-state';

function within(line: number, range: Range): boolean {
  return line >= range.start.line && line <= range.end.line;
}

/** The summary of each site that gets one, with the site. */
function summaries(state: ServerState, uri: string, wanted: (site: CallSite) => boolean) {
  const context = state.context(uri);
  return state.sites(uri).flatMap((site) => {
    if (!wantsSummary(site.kind) || !wanted(site)) return [];
    const rows = siteRows(site, context);
    return rows && rows.rows.length > 0 ? [{ site, text: summaryText(rows) }] : [];
  });
}

export function inlayHints(state: ServerState, uri: string, range: Range): InlayHint[] {
  if (state.settings.annotations !== 'inlayHints') return [];
  return summaries(state, uri, (site) => within(site.range.end.line, range)).map(({ site, text }) => ({
    position: site.range.end,
    label: ` ${text}`,
    kind: InlayHintKind.Type,
    paddingLeft: true,
  }));
}

export function codeLenses(state: ServerState, uri: string): CodeLens[] {
  if (state.settings.annotations !== 'codeLens') return [];
  const platforms = state.model.selected.map((profile) => profile.id);
  return summaries(state, uri, () => true).map(({ site, text }) => {
    const args: ShowPipelineArgs = { uri, position: site.nameRange.start, platforms };
    return { range: site.nameRange, command: { title: text, command: ShowPipelineCommand, arguments: [args] } };
  });
}

export function registerAnnotations(connection: Connection, state: ServerState): void {
  connection.languages.inlayHint.on((params) => inlayHints(state, params.textDocument.uri, params.range));
  connection.onCodeLens((params) => codeLenses(state, params.textDocument.uri));
}
