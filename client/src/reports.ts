// Read-only markdown reports (virtio negotiation, workspace analysis) shown as virtual documents in
// the markdown preview. Nothing is written to disk unless the user exports.
import * as vscode from 'vscode';

export const REPORT_SCHEME = 'dmalens-report';

export class ReportProvider implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? '';
  }

  /** Shows `markdown` under `name` (e.g. `virtio-negotiation.md`), replacing an earlier report of that name. */
  async show(name: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}` });
    this.contents.set(uri.path, markdown);
    this.changed.fire(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      // Without the built-in markdown extension the report is still readable as text.
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document, { preview: true });
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Markdown text from source code or settings must not turn into markup or links. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+\-.!|]/g, (ch) => `\\${ch}`);
}
