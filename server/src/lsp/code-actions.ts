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
import type { LineIndex } from '../analysis/line-index';
import type { Finding } from '../checks/rule';
import { DisableRuleCommand, ShowRuleDocsCommand } from '@dmalens/protocol';
import { ruleDocUri } from '../docs/bundled-docs';
import type { ServerState } from './server-state';
import { MAX_PUBLISHED_FINDINGS, toDiagnostic } from './diagnostics';

function overlaps(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']) =>
    x.line < y.line || (x.line === y.line && x.character <= y.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

export function codeActions(state: ServerState, params: CodeActionParams): CodeAction[] {
  const uri = params.textDocument.uri;
  const analysis = state.documents.get(uri)?.analysis;
  if (!analysis) return [];
  // The line break and each line's indentation come from the document's line index: a whole-file request
  // over tens of thousands of findings must not split the text once per finding.
  const lines = analysis.lineIndex;
  const newline = analysis.text.includes('\r\n') ? '\r\n' : '\n';
  // The same findings as the published diagnostics, so a request over a whole mangled file stays bounded.
  const findings = state
    .findings(uri)
    .slice(0, MAX_PUBLISHED_FINDINGS)
    .filter((finding) => overlaps(finding.range, params.range));
  const fixes: CodeAction[] = findings
    .filter((finding) => finding.fix)
    .map((finding) => ({
      title: finding.fix!.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [toDiagnostic(finding)],
      isPreferred: true,
      edit: { changes: { [uri]: finding.fix!.edits } },
    }));
  const suppressions = findings.map((finding) => suppression(uri, lines, newline, finding));
  return [...fixes, ...suppressions, ...ruleActions(state, findings)];
}

/**
 * Per rule among the findings, as ESLint offers them: turn the rule off in the settings, and read its
 * documentation. Only for clients that announce the commands (capabilities.experimental.dmalens.commands).
 */
function ruleActions(state: ServerState, findings: readonly Finding[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const ruleId of new Set(findings.map((finding) => finding.ruleId))) {
    const diagnostics = findings.filter((finding) => finding.ruleId === ruleId).map(toDiagnostic);
    if (state.clientCommands.has(DisableRuleCommand))
      actions.push({
        title: `Turn off ${ruleId} in the settings (dmalens.rules)`,
        kind: CodeActionKind.QuickFix,
        diagnostics,
        command: { title: `Turn off ${ruleId}`, command: DisableRuleCommand, arguments: [ruleId] },
      });
    const docs = ruleDocUri(ruleId);
    if (docs && state.clientCommands.has(ShowRuleDocsCommand))
      actions.push({
        title: `Show documentation for ${ruleId}`,
        kind: CodeActionKind.QuickFix,
        diagnostics,
        command: { title: `Documentation of ${ruleId}`, command: ShowRuleDocsCommand, arguments: [docs] },
      });
  }
  return actions;
}

/** `// dmalens-ignore-next-line <rule>` above the finding's line, indented like it. */
function suppression(uri: string, lines: LineIndex, newline: string, finding: Finding): CodeAction {
  const line = finding.range.start.line;
  const indent = lines.indentation(line);
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
