// Compare Platforms for Buffer: a physical address, a size and a direction typed by the user, and
// the same mapping on several platforms side by side in the pipeline panel.
import * as vscode from 'vscode';
import type { Direction } from '@dmalens/core';
import { PipelinePanel } from '../pipeline/panel';
import { defaultPipelineState, MAX_PANEL_PLATFORMS } from '../pipeline/state';
import { pickPlatforms } from '../platformPicker';
import type { ServerApi } from '../serverApi';
import { UserFacingError } from './userCommand';

const HEX_ADDRESS = /^0x[0-9a-f]{1,16}$/i;
const SIZE = /^(0x[0-9a-f]{1,16}|[1-9][0-9]{0,19})$/i;

export async function comparePlatformsCommand(extensionUri: vscode.Uri, server: ServerApi): Promise<void> {
  const phys = await vscode.window.showInputBox({
    title: 'Physical address of the buffer',
    value: '0x12345000',
    validateInput: (text) =>
      HEX_ADDRESS.test(text.trim()) ? undefined : 'a 0x hex address of at most 64 bits, e.g. 0x12345000',
  });
  if (phys === undefined) return;
  const size = await vscode.window.showInputBox({
    title: 'Size in bytes',
    value: '4096',
    validateInput: (text) =>
      SIZE.test(text.trim()) && BigInt(text.trim()) > 0n ? undefined : 'a positive decimal or 0x hex byte count',
  });
  if (size === undefined) return;
  const directions: { label: string; dir: Direction }[] = [
    { label: 'DMA_TO_DEVICE', dir: 'to_device' },
    { label: 'DMA_FROM_DEVICE', dir: 'from_device' },
    { label: 'DMA_BIDIRECTIONAL', dir: 'bidirectional' },
  ];
  const direction = await vscode.window.showQuickPick(directions, { title: 'Direction' });
  if (!direction) return;
  const { selected } = await server.platforms();
  const platforms = await pickPlatforms(server, {
    title: `Compare on… (up to ${MAX_PANEL_PLATFORMS})`,
    preselected: selected.slice(0, MAX_PANEL_PLATFORMS),
    canPickMany: true,
  });
  if (!platforms) return;
  if (platforms.length === 0) throw new UserFacingError('choose at least one platform.');
  const state = {
    ...defaultPipelineState(platforms),
    phys: phys.trim().toLowerCase(),
    size: size.trim(),
    dir: direction.dir,
  };
  PipelinePanel.show(extensionUri, server, state);
}
