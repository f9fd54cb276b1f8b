// The pages the extension ships (rule pages, which diagnostics link to, and the spec, which hovers link to)
// are markdown files in its own folder. Opened from a link they would appear as raw, editable text in an
// editor tab; a reader wants them rendered and read-only. So a shipped page that opens in a text editor is
// replaced at once by its markdown preview, which also follows the page's own links.
import * as vscode from 'vscode';

export function showShippedDocsRendered(extensionUri: vscode.Uri): vscode.Disposable {
  const docs = vscode.Uri.joinPath(extensionUri, 'docs').toString();
  return vscode.window.onDidChangeActiveTextEditor(async (editor) => {
    const page = editor?.document.uri;
    if (!page || page.scheme !== 'file' || !page.path.endsWith('.md') || !page.toString().startsWith(`${docs}/`))
      return;
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.commands.executeCommand('markdown.showPreview', page);
  });
}
