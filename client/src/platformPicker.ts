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
  /** Offer `auto` (each file's own build targets) as the first item; it wins when checked. */
  offerAuto?: boolean;
  /** Offer the board nodes of dmalens.boards after the built-in platforms (not for dmalens.platforms). */
  offerBoards?: boolean;
}

/** The value of dmalens.platforms that shows each file on its own build targets. */
export const AUTO_PLATFORMS = 'auto';

export async function pickPlatforms(server: ServerApi, options: PlatformPickOptions): Promise<string[] | undefined> {
  const { platforms, boards = [] } = await server.platforms();
  const offered = options.offerBoards ? [...platforms, ...boards] : platforms;
  const items = offered.map((info) => toItem(info, options.preselected));
  if (options.offerAuto)
    items.unshift({
      id: AUTO_PLATFORMS,
      label: "Each file's own targets (auto)",
      description: AUTO_PLATFORMS,
      detail: "The platforms the file's kernel tree can build it for, from its Makefiles and Kconfig",
      picked: options.preselected.includes(AUTO_PLATFORMS),
    });
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
