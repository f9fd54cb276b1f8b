// Quick fixes for findings whose correction is mechanical (a dma_mapping_error check after a map, the
// renamed virtio feature macro, a removed API's successor). The fixes are recomputed from the current
// findings rather than read back from the client's diagnostics, so clients that drop diagnostic data
// still get them.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Connection, type Range } from 'vscode-languageserver/node';
import type { ServerState } from './server-state';
import { toDiagnostic } from './diagnostics';

function overlaps(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']) => x.line < y.line || (x.line === y.line && x.character <= y.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

export function codeActions(state: ServerState, params: CodeActionParams): CodeAction[] {
  const uri = params.textDocument.uri;
  return state
    .findings(uri)
    .filter((finding) => finding.fix && overlaps(finding.range, params.range))
    .map((finding) => ({
      title: finding.fix!.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [toDiagnostic(finding)],
      isPreferred: true,
      edit: { changes: { [uri]: finding.fix!.edits } },
    }));
}

export function registerCodeActions(connection: Connection, state: ServerState): void {
  connection.onCodeAction((params) => codeActions(state, params));
}
