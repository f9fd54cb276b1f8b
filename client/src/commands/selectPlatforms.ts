// Select Target Platforms: a multi-select saved to `dmalens.platforms`, or `auto` (each file's own build
// targets) when its first item is checked. The server re-reads its configuration on the change, so
// hovers, hints and diagnostics follow at once.
import * as vscode from 'vscode';
import { AUTO_PLATFORMS, pickPlatforms } from '../platformPicker';
import type { ServerApi } from '../serverApi';
import { UserFacingError } from './userCommand';

export async function selectPlatformsCommand(server: ServerApi): Promise<void> {
  const { selected, auto } = await server.platforms();
  const platforms = await pickPlatforms(server, {
    title: 'DMA Lens: target platforms for hovers, hints and diagnostics',
    preselected: auto ? [AUTO_PLATFORMS] : selected,
    canPickMany: true,
    offerAuto: true,
  });
  if (!platforms) return;
  if (platforms.length === 0) throw new UserFacingError('choose at least one platform.');
  const target = await pickScope();
  if (target === undefined) return;
  const value = platforms.includes(AUTO_PLATFORMS) ? AUTO_PLATFORMS : platforms;
  await vscode.workspace.getConfiguration('dmalens').update('platforms', value, target);
}

/** Workspace settings when a folder is open (kernel trees differ in target), else the user's. */
async function pickScope(): Promise<vscode.ConfigurationTarget | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) return vscode.ConfigurationTarget.Global;
  const choices = [
    { label: 'Workspace', description: 'only this kernel tree', target: vscode.ConfigurationTarget.Workspace },
    { label: 'User', description: 'every workspace', target: vscode.ConfigurationTarget.Global },
  ];
  const picked = await vscode.window.showQuickPick(choices, { title: 'Save the platforms for…' });
  return picked?.target;
}
