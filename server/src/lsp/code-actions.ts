// Quick fixes for findings whose correction is mechanical (a dma_mapping_error check after a map, the
// renamed virtio feature macro, a removed API's successor), and for every finding a suppression
// comment. The fixes are recomputed from the current findings rather than read back from the client's
// diagnostics, so clients that drop diagnostic data still get them.
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Range,
} from 'vscode-languageserver/node';
import type { Finding } from '../checks/rule';
import type { ServerState } from './server-state';
import { toDiagnostic } from './diagnostics';

function overlaps(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']) =>
    x.line < y.line || (x.line === y.line && x.character <= y.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

export function codeActions(state: ServerState, params: CodeActionParams): CodeAction[] {
  const uri = params.textDocument.uri;
  const text = state.documents.get(uri)?.analysis?.text ?? '';
  const findings = state.findings(uri).filter((finding) => overlaps(finding.range, params.range));
  const fixes: CodeAction[] = findings
    .filter((finding) => finding.fix)
    .map((finding) => ({
      title: finding.fix!.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [toDiagnostic(finding)],
      isPreferred: true,
      edit: { changes: { [uri]: finding.fix!.edits } },
    }));
  return [...fixes, ...findings.map((finding) => suppression(uri, text, finding))];
}

/** `// dmalens-ignore-next-line <rule>` above the finding's line, indented like it. */
function suppression(uri: string, text: string, finding: Finding): CodeAction {
  const line = finding.range.start.line;
  const lineText = text.split('\n', line + 1)[line] ?? '';
  const indent = /^[ \t]*/.exec(lineText)![0];
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  return {
    title: `Ignore ${finding.ruleId} on this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toDiagnostic(finding)],
    edit: {
      changes: {
        [uri]: [
          {
            range: { start: { line, character: 0 }, end: { line, character: 0 } },
            newText: `${indent}// dmalens-ignore-next-line ${finding.ruleId}${newline}`,
          },
        ],
      },
    },
  };
}

export function registerCodeActions(connection: Connection, state: ServerState): void {
  connection.onCodeAction((params) => codeActions(state, params));
}
