// Open, change and close notifications. The server keeps its own incremental copy of each document
// (AnalyzedDocument re-parses only what an edit touched), so it registers the handlers itself instead
// of using a TextDocuments manager that would hold a second copy.
import type { Connection } from 'vscode-languageserver/node';
import type { DiagnosticsPublisher } from './diagnostics';
import type { ServerState } from './server-state';

export function registerDocumentHandlers(
  connection: Connection,
  state: ServerState,
  diagnostics: DiagnosticsPublisher,
  log: (message: string) => void,
): void {
  connection.onDidOpenTextDocument(({ textDocument }) => {
    const document = state.open(textDocument.uri, textDocument.version, textDocument.text);
    if (document.skipNote) log(`${textDocument.uri}: ${document.skipNote}`);
    diagnostics.schedule(textDocument.uri);
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const document = state.documents.get(textDocument.uri);
    if (!document) return;
    document.version = textDocument.version ?? document.version + 1;
    if (document.analysis) {
      document.analysis.applyEdits(contentChanges);
    } else {
      // A skipped document is re-examined only when the client sends its whole text again.
      const whole = contentChanges.find((change) => !('range' in change) || change.range === undefined);
      if (whole) state.open(textDocument.uri, document.version, whole.text);
    }
    diagnostics.schedule(textDocument.uri);
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
    state.close(textDocument.uri);
    diagnostics.clear(textDocument.uri);
  });
}
