// The pipeline panel shows up to MAX_PANEL_PLATFORMS platforms; a longer choice is cut there and the
// platforms left out are named in a warning, so that none vanishes without the user being told.
import * as vscode from 'vscode';
import { MAX_PANEL_PLATFORMS, panelPlatforms } from '../pipeline/state';

export function platformsForPanel(platforms: readonly string[]): string[] {
  const { shown, leftOut } = panelPlatforms(platforms);
  if (leftOut.length > 0)
    void vscode.window.showWarningMessage(
      `DMA Lens: the pipeline shows at most ${MAX_PANEL_PLATFORMS} platforms; not shown: ${leftOut.join(', ')}.`,
    );
  return shown;
}
