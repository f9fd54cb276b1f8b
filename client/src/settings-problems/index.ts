// Settings problems where the user looks: a warning in the Problems panel on the line of settings.json that
// caused it (the workspace's .vscode/settings.json or its .code-workspace file), and one notification per
// new set of problems with a way to the settings. The server finds the problems; it leaves telling the user
// to this client, which announces it can (capabilities.experimental.dmalens.settingsProblems).
import * as vscode from 'vscode';
import { locateProblem } from './locate';

export class SettingsProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('dmalens-settings');
  private shown = '';

  constructor(private readonly settingKeys: readonly string[]) {}

  async update(problems: readonly string[]): Promise<void> {
    const key = problems.join('\n');
    if (key === this.shown) return;
    this.shown = key;
    const located = await this.publish(problems);
    if (problems.length === 0) return;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    const actions = located ? ['Show Problems', 'Open Settings'] : ['Open Settings'];
    const choice = await vscode.window.showWarningMessage(`DMA Lens settings: ${problems[0]}${more}`, ...actions);
    if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'dmalens.');
  }

  dispose(): void {
    this.collection.dispose();
  }

  /** Publishes a diagnostic for each problem found in a settings file; true when any was found. */
  private async publish(problems: readonly string[]): Promise<boolean> {
    this.collection.clear();
    let found = false;
    for (const { uri, root } of settingsFiles()) {
      const text = await readText(uri);
      if (text === null) continue;
      const diagnostics = problems.flatMap((problem) => {
        const at = locateProblem(text, problem, this.settingKeys, root);
        if (!at) return [];
        const range = new vscode.Range(positionAt(text, at.offset), positionAt(text, at.offset + at.length));
        const diagnostic = new vscode.Diagnostic(range, problem, vscode.DiagnosticSeverity.Warning);
        diagnostic.source = 'DMA Lens';
        return [diagnostic];
      });
      if (diagnostics.length) {
        this.collection.set(uri, diagnostics);
        found = true;
      }
    }
    return found;
  }
}

function settingsFiles(): { uri: vscode.Uri; root: string[] }[] {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => ({
    uri: vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json'),
    root: [],
  }));
  const workspaceFile = vscode.workspace.workspaceFile;
  return workspaceFile?.scheme === 'file' ? [...folders, { uri: workspaceFile, root: ['settings'] }] : folders;
}

function positionAt(text: string, offset: number): vscode.Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return new vscode.Position(line, offset - (before.lastIndexOf('\n') + 1));
}

async function readText(uri: vscode.Uri): Promise<string | null> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return null;
  }
}
