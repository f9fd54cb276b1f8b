// Markdown reports (the virtio negotiation) shown in the markdown preview. They are
// written as files into the extension's storage folder, not kept as virtual documents, because the
// preview follows relative links from a file on disk (`../src/foo.c#L12` opens the file at the
// line) while it refuses `file:` links from any document.
import { posix } from 'node:path';
import * as vscode from 'vscode';

export class ReportProvider {
  constructor(private readonly storage: vscode.Uri) {}

  /** Where the report called `name` is written; links inside it are relative to its folder. */
  reportUri(name: string): vscode.Uri {
    return vscode.Uri.joinPath(this.storage, 'reports', name);
  }

  /** A markdown link target from the report `name` to line `line` (0-based) of `target`, or to the whole file without a line. */
  linkFrom(name: string, target: vscode.Uri, line?: number): string {
    const from = posix.dirname(this.reportUri(name).path);
    const relative = target.scheme === 'file' ? posix.relative(from, target.path) : target.toString();
    return `${relative.split('/').map(encodeURIComponent).join('/')}${line === undefined ? '' : `#L${line + 1}`}`;
  }

  /** Writes `markdown` as the report `name` (replacing an earlier one) and opens its preview. */
  async show(name: string, markdown: string): Promise<void> {
    const uri = this.reportUri(name);
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(markdown));
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      // Without the built-in markdown extension the report is still readable as text.
      await vscode.window.showTextDocument(uri, { preview: true });
    }
  }
}

/** Markdown text from source code or settings must not turn into markup or links. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+\-.!|]/g, (ch) => `\\${ch}`);
}
