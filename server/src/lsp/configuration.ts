// Reads the `dmalens` settings from the client, validates them, and tells the user in a message what
// was wrong and what is used instead; every bad field keeps its default and the server keeps working.
// Clients differ in how settings arrive: VS Code answers workspace/configuration, Neovim 0.7 answers it
// without announcing it, others push didChangeConfiguration or send initializationOptions. So the
// server asks (with a time limit), and falls back to what was pushed or given at initialize.
import {
  DidChangeConfigurationNotification,
  MessageType,
  ShowMessageNotification,
  type Connection,
} from 'vscode-languageserver/node';
import { parseSettings, type Settings } from '../config/settings';
import { compileExcludes, GlobError } from '../batch/glob';
import type { ServerState } from './server-state';

export interface ConfigurationHooks {
  /** Called after every application of settings. */
  applied(): void;
}

/** A client that ignores workspace/configuration must not hold the settings up for long. */
const PULL_TIMEOUT_MS = 2000;

/** `initializationOptions` may be `{dmalens: {...}}` or the section itself. */
export function settingsFromInitializationOptions(options: unknown): unknown {
  if (!options || typeof options !== 'object' || Array.isArray(options)) return undefined;
  return 'dmalens' in options ? (options as { dmalens: unknown }).dmalens : options;
}

export class ConfigurationWatcher {
  private fallback: unknown = undefined;
  /** Increases with every reload, so a slow pull cannot overwrite settings pushed after it began. */
  private generation = 0;

  constructor(
    private readonly connection: Connection,
    private readonly state: ServerState,
    private readonly hooks: ConfigurationHooks,
  ) {}

  /** Called from onInitialized. */
  async start(supportsDynamicRegistration: boolean, initializationOptions: unknown): Promise<void> {
    this.fallback = settingsFromInitializationOptions(initializationOptions);
    if (supportsDynamicRegistration)
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'dmalens' });
    this.connection.onDidChangeConfiguration((params) => {
      const pushed = (params.settings as { dmalens?: unknown } | null | undefined)?.dmalens;
      if (pushed !== undefined) this.fallback = pushed;
      void this.reload(pushed);
    });
    await this.reload(undefined);
  }

  private async reload(pushed: unknown): Promise<void> {
    const generation = ++this.generation;
    const raw = pushed ?? (await this.pull()) ?? this.fallback;
    if (generation !== this.generation) return;
    const parsed = parseSettings(raw ?? {});
    const { settings, problems } = withValidExcludes(parsed.settings, parsed.problems);
    this.state.applySettings(settings, problems);
    this.connection.console.log(`settings in force: ${settingsSummary(this.state.settings)}`);
    if (this.state.settingsProblems.length) {
      const text = `DMA Lens settings: ${this.state.settingsProblems.join(' ')}`;
      // A plain notification: the user needs no choice, and every client shows window/showMessage. A client
      // that shows the problems at their place in settings.json (from the status) is spared the message.
      if (!this.state.clientShowsSettingsProblems)
        void this.connection.sendNotification(ShowMessageNotification.type, {
          type: MessageType.Warning,
          message: text,
        });
      this.connection.console.warn(text);
    }
    this.hooks.applied();
  }

  /** The client's answer to workspace/configuration, or undefined when it has none. */
  private async pull(): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        this.connection.workspace.getConfiguration('dmalens'),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), PULL_TIMEOUT_MS);
        }),
      ]);
      return answer && typeof answer === 'object' ? answer : undefined;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The settings in one line for the log: what a bug report needs. */
function settingsSummary(settings: Settings): string {
  const platforms = settings.platforms === 'auto' ? 'auto' : settings.platforms.join(',');
  const rules = Object.entries(settings.rules).map(([id, severity]) => `${id}=${severity}`);
  return [
    `platforms ${platforms}`,
    `annotations ${settings.annotations}`,
    `rules ${rules.length ? rules.join(',') : 'default'}`,
    `overrides for ${Object.keys(settings.overrides).length} platform(s)`,
    `boards ${settings.boards.length}, board matches ${settings.boardMatches}`,
    `index ${settings['index.enable'] ? `on (max ${settings['index.maxFiles']} files, ${settings['index.exclude'].length} excludes)` : 'off'}`,
  ].join('; ');
}

/**
 * Exclude globs the walk cannot use (`{a,b`, an empty one, one that expands past its bound) are left out
 * one by one, each named in a problem, so that the index still runs with the others.
 */
function withValidExcludes(settings: Settings, problems: string[]): { settings: Settings; problems: string[] } {
  const valid: string[] = [];
  const found = [...problems];
  for (const pattern of settings['index.exclude']) {
    try {
      compileExcludes([pattern]);
      valid.push(pattern);
    } catch (error) {
      if (!(error instanceof GlobError)) throw error;
      found.push(`dmalens.index.exclude: ${error.message}; that pattern is left out.`);
    }
  }
  return { settings: { ...settings, 'index.exclude': valid }, problems: found };
}
