// The DMA Lens extension: starts the bundled language server and adds the commands and the
// address-pipeline webview. Everything it shows is computed by the server and the core.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ShowPipelineCommand } from '@dmalens/protocol';
import { analyzeWorkspaceCommand, exportSarifCommand } from './commands/analyzeWorkspace';
import { comparePlatformsCommand } from './commands/comparePlatforms';
import { selectPlatformsCommand } from './commands/selectPlatforms';
import { showPipelineCommand } from './commands/showPipeline';
import { simulateAtCursorCommand } from './commands/simulateAtCursor';
import { registerUserCommand } from './commands/userCommand';
import { virtioNegotiationCommand } from './commands/virtioNegotiation';
import { createLanguageClient } from './languageClient';
import { PipelinePanel } from './pipeline/panel';
import { ReportProvider } from './reports';
import { ServerApi } from './serverApi';
import { createStatusItem } from './statusItem';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = createLanguageClient(context);
  const server = new ServerApi(client);
  const reports = new ReportProvider(context.storageUri ?? context.globalStorageUri);
  const extensionUri = context.extensionUri;
  context.subscriptions.push(
    PipelinePanel.registerSerializer(extensionUri, server),
    registerUserCommand(ShowPipelineCommand, 'Show Address Pipeline', (args) =>
      showPipelineCommand(extensionUri, server, args),
    ),
    registerUserCommand('dmalens.simulateAtCursor', 'Simulate Call at Cursor', () =>
      simulateAtCursorCommand(extensionUri, server),
    ),
    registerUserCommand('dmalens.selectPlatforms', 'Select Target Platforms', () => selectPlatformsCommand(server)),
    registerUserCommand('dmalens.simulateVirtioNegotiation', 'Simulate Virtio Feature Negotiation', () =>
      virtioNegotiationCommand(server, reports),
    ),
    registerUserCommand('dmalens.analyzeWorkspace', 'Analyze Workspace', () =>
      analyzeWorkspaceCommand(server, reports),
    ),
    registerUserCommand('dmalens.exportSarif', 'Export SARIF', () => exportSarifCommand(server)),
    registerUserCommand('dmalens.comparePlatforms', 'Compare Platforms for Buffer', () =>
      comparePlatformsCommand(extensionUri, server),
    ),
  );
  try {
    const mismatch = await server.mismatch();
    if (mismatch) void vscode.window.showErrorMessage(`DMA Lens: ${mismatch}`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`DMA Lens: the language server did not start: ${reason}`);
    return;
  }
  context.subscriptions.push(createStatusItem(client, server));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
