// The per-platform summary after each mapping call, as inlay hints or as code lenses depending on
// `dmalens.annotations`. Both ask the same rows; a hint says only what differs from the reference platform.
import { CodeLens, InlayHint, InlayHintKind, type Connection, type Range } from 'vscode-languageserver/node';
import type { CallSite } from '../analysis/callsite';
import { ShowPipelineCommand, type ShowPipelineArgs } from '@dmalens/protocol';
import { differencesText, siteRows, summaryText, wantsSummary, type SiteRows } from '../sites';
import { requestDeadline } from './request-budget';
import type { ServerState } from './server-state';

function within(line: number, range: Range): boolean {
  return line >= range.start.line && line <= range.end.line;
}

/**
 * The annotation of each site that gets one, with the site: the whole summary for a code lens (a line of its
 * own), what differs from the reference platform for an inlay hint (between `)` and `;`, where it is cut),
 * as many as the request's time budget allows.
 */
function summaries(
  state: ServerState,
  uri: string,
  wanted: (site: CallSite) => boolean,
  words: (rows: SiteRows) => string | null,
) {
  const context = state.context(uri);
  const spent = requestDeadline();
  const found: { site: CallSite; text: string }[] = [];
  for (const site of state.sites(uri)) {
    if (!wantsSummary(site.kind) || !wanted(site)) continue;
    // Over budget the sites done so far are the answer (those nearest the top of the range first).
    if (spent()) break;
    const rows = siteRows(site, context);
    const text = rows && rows.rows.length > 0 ? words(rows) : null;
    if (text) found.push({ site, text });
  }
  return found;
}

export function inlayHints(state: ServerState, uri: string, range: Range): InlayHint[] {
  if (state.settings.annotations !== 'inlayHints') return [];
  const wanted = (site: CallSite) => within(site.range.end.line, range);
  return summaries(state, uri, wanted, differencesText).map(({ site, text }) => ({
    position: site.range.end,
    label: ` ${text}`,
    kind: InlayHintKind.Type,
    paddingLeft: true,
  }));
}

export function codeLenses(state: ServerState, uri: string): CodeLens[] {
  if (state.settings.annotations !== 'codeLens') return [];
  const platforms = state.model.selected.map((profile) => profile.id);
  return summaries(state, uri, () => true, summaryText).map(({ site, text }) => {
    const args: ShowPipelineArgs = { uri, position: site.nameRange.start, platforms };
    return { range: site.nameRange, command: { title: text, command: ShowPipelineCommand, arguments: [args] } };
  });
}

export function registerAnnotations(connection: Connection, state: ServerState): void {
  connection.languages.inlayHint.on((params) => inlayHints(state, params.textDocument.uri, params.range));
  connection.onCodeLens((params) => codeLenses(state, params.textDocument.uri));
}
