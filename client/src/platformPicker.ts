// The platform quick pick shared by the commands: every profile with its title and description,
// the current selection preselected.
import * as vscode from 'vscode';
import type { PlatformInfo } from '@dmalens/protocol';
import type { ServerApi } from './serverApi';

interface PlatformItem extends vscode.QuickPickItem {
  id: string;
}

export interface PlatformPickOptions {
  title: string;
  /** Ids checked when the pick opens. */
  preselected: readonly string[];
  canPickMany: boolean;
}

export async function pickPlatforms(server: ServerApi, options: PlatformPickOptions): Promise<string[] | undefined> {
  const { platforms } = await server.platforms();
  const items = platforms.map((info) => toItem(info, options.preselected));
  if (options.canPickMany) {
    const picked = await vscode.window.showQuickPick(items, {
      title: options.title,
      canPickMany: true,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    return picked?.map((item) => item.id);
  }
  const ordered = [...items.filter((item) => item.picked), ...items.filter((item) => !item.picked)];
  const picked = await vscode.window.showQuickPick(ordered, {
    title: options.title,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked ? [picked.id] : undefined;
}

function toItem(info: PlatformInfo, preselected: readonly string[]): PlatformItem {
  return {
    id: info.id,
    label: info.title,
    description: info.id,
    detail: info.description,
    picked: preselected.includes(info.id),
  };
}
