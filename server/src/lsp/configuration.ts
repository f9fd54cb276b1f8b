// Reads the `dmalens` settings from the client (pull model when supported, else what
// didChangeConfiguration carries), validates them, and tells the user in a message what was wrong and
// what is used instead. The server keeps working with defaults for every bad field.
import { DidChangeConfigurationNotification, MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver/node';
import { parseSettings } from '../config/settings';
import type { ServerState } from './server-state';

export interface ConfigurationHooks {
  /** Called after every successful application of settings. */
  applied(): void;
}

export class ConfigurationWatcher {
  private pull = false;

  constructor(
    private readonly connection: Connection,
    private readonly state: ServerState,
    private readonly hooks: ConfigurationHooks,
  ) {}

  /** Called from onInitialized with the client's capability. */
  async start(supportsPull: boolean, supportsDynamicRegistration: boolean): Promise<void> {
    this.pull = supportsPull;
    if (supportsDynamicRegistration) void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'dmalens' });
    this.connection.onDidChangeConfiguration((params) => {
      const pushed = (params.settings as { dmalens?: unknown } | null | undefined)?.dmalens;
      void this.reload(pushed);
    });
    await this.reload(undefined);
  }

  private async reload(pushed: unknown): Promise<void> {
    let raw = pushed;
    if (raw === undefined && this.pull) {
      try {
        raw = await this.connection.workspace.getConfiguration('dmalens');
      } catch (error) {
        this.connection.console.warn(`could not read the dmalens settings: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const { settings, problems } = parseSettings(raw ?? {});
    this.state.applySettings(settings, problems);
    if (this.state.settingsProblems.length) {
      const text = `DMA Lens settings: ${this.state.settingsProblems.join(' ')}`;
      // A plain notification: the user needs no choice, and every client shows window/showMessage.
      void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: text });
      this.connection.console.warn(text);
    }
    this.hooks.applied();
  }
}
