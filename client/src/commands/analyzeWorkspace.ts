// Analyze Workspace: the findings of the whole workspace in the Findings view (grouped, filterable, each
// rule explained once), and Export SARIF for CI dashboards and code-scanning tools.
import * as vscode from 'vscode';
import type { FindingsView } from '../findings-view/provider';
import type { ServerApi } from '../serverApi';

export async function analyzeWorkspaceCommand(server: ServerApi, findings: FindingsView): Promise<void> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'DMA Lens: analysing the workspace' },
    () => server.analyzeWorkspace({}),
  );
  await findings.show(result);
  const choice = await vscode.window.showInformationMessage(
    `DMA Lens: ${result.totals.sites} DMA sites, ${result.totals.findings} findings in ${result.totals.files} files.`,
    'Export SARIF…',
  );
  if (choice) await exportSarifCommand(server);
}

export async function exportSarifCommand(server: ServerApi): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, 'dmalens.sarif') : undefined,
    filters: { SARIF: ['sarif', 'json'] },
    title: 'Export DMA Lens findings as SARIF 2.1.0',
  });
  if (!target) return;
  const { sarif } = await server.exportSarif({});
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(sarif));
  void vscode.window.showInformationMessage(`DMA Lens: saved ${target.fsPath}`);
}
