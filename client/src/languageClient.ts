// Starts the bundled language server over stdio. The packaged extension carries the server in
// dist/server/ (bundle + wasm, no node_modules); a development checkout runs server/dist/ directly.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
  type StaticFeature,
} from 'vscode-languageclient/node';
import {
  DisableRuleCommand,
  ShowPipelineCommand,
  ShowRuleDocsCommand,
  type ClientExperimentalCapabilities,
} from '@dmalens/protocol';

/** The client id; vscode-languageclient reads the `dmalens.trace.server` setting through it. */
export const CLIENT_ID = 'dmalens';

/**
 * Kernel headers open as C++ in VS Code, so they are matched by pattern as well as C files by language;
 * device trees by pattern too, whichever extension contributes their language.
 */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'c' },
  { scheme: 'file', pattern: '**/*.h' },
  { scheme: 'file', pattern: '**/*.{dts,dtsi,dtso}' },
];

export function serverModulePath(context: vscode.ExtensionContext): string {
  const bundled = context.asAbsolutePath('dist/server/server.js');
  if (existsSync(bundled)) return bundled;
  const checkout = context.asAbsolutePath('../server/dist/server.js');
  if (existsSync(checkout)) return checkout;
  throw new Error(
    `DMA Lens: the language server is missing (looked for ${bundled}); rebuild or reinstall the extension.`,
  );
}

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = serverModulePath(context);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio, args: ['--stdio'] },
    debug: {
      module,
      transport: TransportKind.stdio,
      args: ['--stdio'],
      options: { execArgv: ['--nolazy', '--inspect=6019'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: 'dmalens' },
    // Hovers link to the address pipeline; only that one command may run from server markdown.
    markdown: { isTrusted: { enabledCommands: [ShowPipelineCommand] } },
  };
  const client = new LanguageClient(CLIENT_ID, 'DMA Lens', serverOptions, clientOptions);
  client.registerFeature(announcedCommands);
  return client;
}

/**
 * Tells the server which commands this client runs for code actions (turn a rule off, show its page), so
 * that it offers them here and not to editors that could not run them, and that it shows settings
 * problems itself, so that the server does not send them as a message too.
 */
const announcedCommands: StaticFeature = {
  fillClientCapabilities(capabilities) {
    const dmalens: ClientExperimentalCapabilities = {
      commands: [DisableRuleCommand, ShowRuleDocsCommand],
      settingsProblems: true,
    };
    capabilities.experimental = { ...(capabilities.experimental ?? {}), dmalens };
  },
  getState: () => ({ kind: 'static' }),
  initialize() {},
  clear() {},
};
