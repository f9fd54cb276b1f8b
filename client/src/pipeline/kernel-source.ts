// Opens a stage's kernel reference where the user reads code: the file in the workspace's kernel tree at
// the function's definition when the workspace holds that file, the public source browser otherwise.
import * as vscode from 'vscode';
import { definitionLine, parseKernelRef } from './kernel-ref';

export async function openKernelSource(ref: string | undefined, href: string): Promise<void> {
  const local = ref ? await findInWorkspace(ref) : null;
  if (!local) {
    await vscode.env.openExternal(vscode.Uri.parse(href, true));
    return;
  }
  const document = await vscode.workspace.openTextDocument(local.uri);
  const line = local.fn ? definitionLine(document.getText(), local.fn) : 0;
  const at = new vscode.Range(line, 0, line, 0);
  await vscode.window.showTextDocument(document, {
    selection: at,
    preview: true,
    viewColumn: vscode.ViewColumn.Beside,
  });
}

async function findInWorkspace(ref: string): Promise<{ uri: vscode.Uri; fn: string | null } | null> {
  const parsed = parseKernelRef(ref);
  if (!parsed) return null;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const uri = vscode.Uri.joinPath(folder.uri, parsed.path);
    try {
      if ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) return { uri, fn: parsed.fn };
    } catch {
      // Not in this folder.
    }
  }
  return null;
}
