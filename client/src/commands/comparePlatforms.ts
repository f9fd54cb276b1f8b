// Compare Platforms for Buffer: a physical address, a size and a direction typed by the user, and
// the same mapping on several platforms side by side in the pipeline panel.
import * as vscode from 'vscode';
import type { Direction } from '@dmalens/core';
import type { DmaLens } from '../lens';
import { canonicalAddress, canonicalSize, FIELD_PROBLEMS } from '../pipeline/inputs';
import { MAX_PANEL_PLATFORMS, stateForBuffer } from '../pipeline/state';
import { pickPlatforms } from '../platformPicker';
import { platformsForPanel } from './panelLimit';
import { UserFacingError } from './userCommand';

export async function comparePlatformsCommand(lens: DmaLens): Promise<void> {
  const { server } = lens;
  const phys = await vscode.window.showInputBox({
    title: 'Physical address of the buffer',
    value: '0x12345000',
    validateInput: (text) => FIELD_PROBLEMS.phys(text.trim()) ?? undefined,
  });
  if (phys === undefined) return;
  const size = await vscode.window.showInputBox({
    title: 'Size in bytes',
    value: '4096',
    validateInput: (text) => FIELD_PROBLEMS.size(text.trim()) ?? undefined,
  });
  if (size === undefined) return;
  const directions: { label: string; dir: Direction }[] = [
    { label: 'DMA_TO_DEVICE', dir: 'to_device' },
    { label: 'DMA_FROM_DEVICE', dir: 'from_device' },
    { label: 'DMA_BIDIRECTIONAL', dir: 'bidirectional' },
  ];
  const direction = await vscode.window.showQuickPick(directions, { title: 'Direction' });
  if (!direction) return;
  const { selected, boards = [] } = await server.platforms();
  // The boards named in dmalens.boards are offered and picked beside the selected platforms.
  const preselected = [...boards.map((board) => board.id), ...selected];
  const platforms = await pickPlatforms(server, {
    title: `Compare on… (up to ${MAX_PANEL_PLATFORMS})`,
    preselected: preselected.slice(0, MAX_PANEL_PLATFORMS),
    canPickMany: true,
    offerBoards: true,
  });
  if (!platforms) return;
  if (platforms.length === 0) throw new UserFacingError('choose at least one platform.');
  await lens.pipeline.show(
    stateForBuffer(
      platformsForPanel(platforms),
      canonicalAddress(phys.trim()),
      canonicalSize(size.trim()),
      direction.dir,
    ),
  );
}
