// Every user command runs through here: a failure is shown to the user as an error message (with
// the reason the server or the extension gave), not only written to a log nobody opens.
import * as vscode from 'vscode';

export function registerUserCommand(
  id: string,
  title: string,
  run: (...args: unknown[]) => Promise<void>,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      await run(...args);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(`DMA Lens: ${title} failed: ${reason}`);
    }
  });
}

/** A failure the user can act on; its message is shown as is. */
export class UserFacingError extends Error {}
