// The DMA Lens extension: starts the bundled language server and adds the commands and the
// address-pipeline webview. Everything it shows is computed by the server and the core.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { analyzeWorkspaceCommand, exportSarifCommand } from './commands/analyzeWorkspace';
import { comparePlatformsCommand } from './commands/comparePlatforms';
import { disableRuleCommand, showRuleDocsCommand } from './commands/ruleActions';
import { selectPlatformsCommand } from './commands/selectPlatforms';
import { showPipelineCommand } from './commands/showPipeline';
import { simulateAtCursorCommand } from './commands/simulateAtCursor';
import { registerUserCommand } from './commands/userCommand';
import { virtioNegotiationCommand } from './commands/virtioNegotiation';
import { COMMANDS, type CommandId } from './commandTitles';
import { createLanguageClient } from './languageClient';
import type { DmaLens } from './lens';
import { FindingsView } from './findings-view/provider';
import { PipelineView } from './pipeline/panel';
import { ReportProvider } from './reports';
import { showShippedDocsRendered } from './renderedDocs';
import { ServerApi } from './serverApi';
import { SettingsProblems } from './settings-problems';
import { createStatusItem } from './statusItem';

/** VS Code calls deactivate() without arguments, so the client it must stop is the one module-level value. */
let client: LanguageClient | undefined;

const HANDLERS: Record<CommandId, (lens: DmaLens, args: unknown[]) => Promise<void>> = {
  'dmalens.simulateAtCursor': (lens) => simulateAtCursorCommand(lens),
  'dmalens.showPipeline': (lens, args) => showPipelineCommand(lens, args[0]),
  'dmalens.selectPlatforms': (lens) => selectPlatformsCommand(lens.server),
  'dmalens.simulateVirtioNegotiation': (lens) => virtioNegotiationCommand(lens.server, lens.reports),
  'dmalens.analyzeWorkspace': (lens) => analyzeWorkspaceCommand(lens.server, lens.findings),
  'dmalens.exportSarif': (lens) => exportSarifCommand(lens.server),
  'dmalens.groupFindings': (lens) => lens.findings.chooseGrouping(),
  'dmalens.filterFindings': (lens) => lens.findings.chooseFilter(),
  'dmalens.comparePlatforms': (lens) => comparePlatformsCommand(lens),
  'dmalens.restartServer': (lens) => lens.client.restart(),
  'dmalens.showOutput': async (lens) => lens.client.outputChannel.show(true),
  'dmalens.disableRule': (_lens, args) => disableRuleCommand(args[0]),
  'dmalens.showRuleDocs': (_lens, args) => showRuleDocsCommand(args[0]),
};

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = createLanguageClient(context);
  const server = new ServerApi(client);
  const pipeline = new PipelineView(context.extensionUri, server);
  const findings = new FindingsView();
  const lens: DmaLens = {
    client,
    server,
    reports: new ReportProvider(context.storageUri ?? context.globalStorageUri),
    pipeline,
    findings,
    lastTarget: undefined,
  };
  context.subscriptions.push(
    findings,
    pipeline,
    pipeline.registerSerializer(),
    showShippedDocsRendered(context.extensionUri),
  );
  for (const { id, title } of COMMANDS)
    context.subscriptions.push(registerUserCommand(id, title, (...args) => HANDLERS[id](lens, args)));
  try {
    const mismatch = await server.mismatch();
    if (mismatch) void vscode.window.showErrorMessage(`DMA Lens: ${mismatch}`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`DMA Lens: the language server did not start: ${reason}`);
    return;
  }
  const settingKeys = Object.keys(
    (context.extension.packageJSON as { contributes: { configuration: { properties: object } } }).contributes
      .configuration.properties,
  );
  const settingsProblems = new SettingsProblems(settingKeys);
  context.subscriptions.push(
    settingsProblems,
    createStatusItem(client, server, (status) => void settingsProblems.update(status.settingsErrors)),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
