// The language features of device-tree documents: diagnostics and hovers from the board each document
// resolves to (board-editor/). Resolving a board reads its includes, so diagnostics wait for a pause in
// typing, and a result for a version the user has already typed past is dropped.
import {
  DiagnosticSeverity,
  MarkupKind,
  type Connection,
  type Diagnostic,
  type Hover,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { boardFindings, boardHover, type BoardFinding } from '../board-editor';
import type { Origin } from '../devicetree';
import type { ServerState } from './server-state';

const SEVERITY: Record<BoardFinding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

export async function publishBoardDiagnostics(
  connection: Connection,
  state: ServerState,
  uri: string,
  log: (message: string) => void,
): Promise<void> {
  const skipped = state.boards.skipNote(uri);
  if (skipped) {
    const diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
    const message = `DMA Lens: ${skipped}.`;
    void connection.sendDiagnostics({
      uri,
      diagnostics: [{ ...diagnostic, severity: DiagnosticSeverity.Information, source: 'dmalens', message }],
    });
    return;
  }
  const pending = state.boards.board(uri);
  const version = state.boards.document(uri)?.version;
  if (!pending) return;
  try {
    const resolved = await pending;
    const document = state.boards.document(uri);
    if (!document || document.version !== version) return;
    const diagnostics = boardFindings(resolved.board, resolved.inFile).map((finding) =>
      toDiagnostic(finding, document),
    );
    void connection.sendDiagnostics({ uri, version: document.version, diagnostics });
  } catch (error) {
    log(`device tree ${uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    state.heap.afterWork();
  }
}

export async function boardHoverAt(
  state: ServerState,
  uri: string,
  position: { line: number; character: number },
): Promise<Hover | null> {
  const pending = state.boards.board(uri);
  const document = state.boards.document(uri);
  if (!pending || !document) return null;
  const hover = boardHover(await pending, document.offsetAt(position));
  if (!hover) return null;
  return { contents: { kind: MarkupKind.Markdown, value: hover.markdown }, range: rangeOf(hover.origin, document) };
}

function toDiagnostic(finding: BoardFinding, document: TextDocument): Diagnostic {
  return {
    range: rangeOf(finding.origin, document),
    severity: SEVERITY[finding.severity],
    code: finding.code,
    source: 'dmalens',
    message: finding.message,
  };
}

function rangeOf(origin: Origin, document: TextDocument) {
  return { start: document.positionAt(origin.start), end: document.positionAt(origin.end) };
}
