// The commands a finding's code actions run, as ESLint offers them: turn the finding's rule off in the
// settings, or read the rule's page rendered (the markdown preview: read-only, links working), not as an
// editable file in the extension's folder.
import * as vscode from 'vscode';
import { UserFacingError } from './userCommand';

export async function disableRuleCommand(ruleId: unknown): Promise<void> {
  if (typeof ruleId !== 'string' || !/^[a-z0-9-]+$/.test(ruleId))
    throw new UserFacingError('run this from a finding\u2019s quick fixes (Ctrl+.).');
  const settings = vscode.workspace.getConfiguration('dmalens');
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  const rules = { ...(settings.get<Record<string, string>>('rules') ?? {}), [ruleId]: 'off' };
  await settings.update('rules', rules, target);
  void vscode.window.showInformationMessage(
    `DMA Lens: ${ruleId} is off in the ${target === vscode.ConfigurationTarget.Workspace ? 'workspace' : 'user'} settings (dmalens.rules).`,
  );
}

export async function showRuleDocsCommand(page: unknown): Promise<void> {
  if (typeof page !== 'string' || !page.startsWith('file:') || !page.endsWith('.md'))
    throw new UserFacingError('run this from a finding\u2019s quick fixes (Ctrl+.).');
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.parse(page, true));
}
