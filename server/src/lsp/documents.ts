// Open, change and close notifications. The server keeps its own incremental copy of each document
// (AnalyzedDocument re-parses only what an edit touched), so it registers the handlers itself instead
// of using a TextDocuments manager that would hold a second copy.
import type { Connection } from 'vscode-languageserver/node';
import type { DiagnosticsPublisher } from './diagnostics';
import { isDeviceTreePath } from '../board-editor';
import type { ServerState } from './server-state';

export function registerDocumentHandlers(
  connection: Connection,
  state: ServerState,
  diagnostics: DiagnosticsPublisher,
  log: (message: string) => void,
): void {
  connection.onDidOpenTextDocument(({ textDocument }) => {
    if (isDeviceTreePath(textDocument.uri)) {
      state.boards.open(textDocument.uri, textDocument.version, textDocument.text);
      diagnostics.scheduleBoards();
      return;
    }
    const document = state.open(textDocument.uri, textDocument.version, textDocument.text);
    if (document.skipNote) log(`${textDocument.uri}: ${document.skipNote}`);
    diagnostics.schedule(textDocument.uri);
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const problem = changeProblem(contentChanges);
    if (problem) {
      // A malformed notification changes nothing: the document keeps the text it had.
      log(`${textDocument.uri}: didChange rejected: ${problem}`);
      return;
    }
    if (state.boards.has(textDocument.uri)) {
      const version = textDocument.version ?? (state.boards.document(textDocument.uri)?.version ?? 0) + 1;
      state.boards.change(textDocument.uri, version, contentChanges);
      // An edited .dtsi can change every open board that includes it.
      diagnostics.scheduleBoards();
      return;
    }
    const document = state.documents.get(textDocument.uri);
    if (!document) return;
    document.version = textDocument.version ?? document.version + 1;
    if (document.analysis) {
      document.analysis.applyEdits(contentChanges);
      state.touch(textDocument.uri);
    } else {
      // A skipped document is re-examined only when the client sends its whole text again.
      const whole = contentChanges.find((change) => !('range' in change) || change.range === undefined);
      if (whole) state.open(textDocument.uri, document.version, whole.text);
    }
    diagnostics.schedule(textDocument.uri);
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
    if (state.boards.has(textDocument.uri)) {
      state.boards.close(textDocument.uri);
      diagnostics.clear(textDocument.uri);
      diagnostics.scheduleBoards();
      return;
    }
    state.close(textDocument.uri);
    diagnostics.clear(textDocument.uri);
  });
}

/** What is wrong with a didChange's content changes, or null when each is a text with an optional range. */
function changeProblem(changes: unknown): string | null {
  if (!Array.isArray(changes)) return 'contentChanges is not an array';
  for (const [index, change] of changes.entries()) {
    if (typeof change !== 'object' || change === null) return `contentChanges[${index}] is not an object`;
    const { text, range } = change as { text?: unknown; range?: unknown };
    if (typeof text !== 'string') return `contentChanges[${index}].text is not a string`;
    if (range !== undefined && !isRange(range)) return `contentChanges[${index}].range is not a range`;
  }
  return null;
}

function isRange(value: unknown): boolean {
  const isPosition = (position: unknown) =>
    typeof position === 'object' &&
    position !== null &&
    Number.isInteger((position as { line?: unknown }).line) &&
    Number.isInteger((position as { character?: unknown }).character) &&
    (position as { line: number }).line >= 0 &&
    (position as { character: number }).character >= 0;
  const range = value as { start?: unknown; end?: unknown };
  return typeof value === 'object' && value !== null && isPosition(range.start) && isPosition(range.end);
}
