// Select Target Platforms: a multi-select saved to `dmalens.platforms`, or `auto` (each file's own build
// targets) when its first item is checked. The order is the user's: platforms already chosen keep their
// place, new ones follow, and with several the user picks the reference (first) one that the others are
// compared with. The server re-reads its configuration on the change, so hovers, hints and diagnostics
// follow at once.
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
  let value: string | string[] = AUTO_PLATFORMS;
  if (!platforms.includes(AUTO_PLATFORMS)) {
    const ordered = inUsersOrder(platforms, auto ? [] : selected);
    const reference = ordered.length > 1 ? await pickReference(ordered) : ordered[0];
    if (reference === undefined) return;
    value = [reference, ...ordered.filter((id) => id !== reference)];
  }
  const target = await pickScope();
  if (target === undefined) return;
  await vscode.workspace.getConfiguration('dmalens').update('platforms', value, target);
}

/** The picked ids in the order of the previous setting, new ones after them in the picker's order. */
function inUsersOrder(picked: readonly string[], previous: readonly string[]): string[] {
  return [...previous.filter((id) => picked.includes(id)), ...picked.filter((id) => !previous.includes(id))];
}

/** The reference platform: listed first in hovers, the others marked where they differ from it. */
async function pickReference(ordered: readonly string[]): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    ordered.map((id, index) => ({ label: id, description: index === 0 ? 'the reference now' : undefined })),
    { title: 'Which platform is the reference (shown first, the others compared with it)?' },
  );
  return picked?.label;
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
