#!/usr/bin/env node
// dmalens-language-server --stdio: the DMA Lens language server for any LSP client. Initialisation
// loads the parser and answers at once; settings arrive after `initialized`, and the workspace index
// runs in the background with progress. Every handler is guarded so that a bug or a hostile input
// costs one answer, never the process.
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MessageType,
  ShowMessageNotification,
  ProposedFeatures,
  TextDocumentSyncKind,
  createConnection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { fileURLToPath } from 'node:url';
import { initParser } from './parse/parser';
import { isDeviceTreePath } from './board-editor';
import { registerAnnotations } from './lsp/annotations';
import { registerCodeActions } from './lsp/code-actions';
import { ConfigurationWatcher } from './lsp/configuration';
import { registerCustomRequests, statusOf } from './lsp/custom-requests';
import { DiagnosticsPublisher } from './lsp/diagnostics';
import { registerDocumentHandlers } from './lsp/documents';
import { registerHover } from './lsp/hover';
import { Lifecycle, cancelUndispatched } from './lsp/lifecycle';
import { watchFraming } from './lsp/frame-guard';
import { ServerState } from './lsp/server-state';
import { registerSymbols } from './lsp/symbols';
import { WorkspaceIndex } from './index/workspace-index';
import { IndexProgress } from './lsp/index-progress';
import * as protocol from '@dmalens/protocol';

/** The files a kernel tree's targets are read from. */
const BUILD_FILES_GLOB = '**/{Kconfig*,Makefile,Kbuild}';
const isBuildFile = (uri: string): boolean => /\/(Kconfig[^/]*|Makefile|Kbuild)$/.test(uri);

const USAGE = 'usage: dmalens-language-server --stdio   (also --node-ipc, --socket=PORT, --pipe=NAME)';
const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(
    `${USAGE}\nThe DMA Lens language server: hovers, diagnostics and hints for DMA-API and virtio calls in kernel C.\n`,
  );
  process.exit(0);
}
if (
  !process.argv
    .slice(2)
    .some((argument) => TRANSPORTS.some((transport) => argument === transport || argument.startsWith(`${transport}=`)))
) {
  // Without a transport the LSP library would throw an internal error; say what is missing instead.
  process.stderr.write(`dmalens-language-server: no transport given\n${USAGE}\n`);
  process.exit(2);
}

const lifecycle = new Lifecycle();
const connection = createConnection(ProposedFeatures.all, {
  messageStrategy: lifecycle,
  connectionStrategy: { cancelUndispatched },
});
lifecycle.register(connection);
const log = (message: string) => connection.console.log(message);
const state = new ServerState(log);
const progress: IndexProgress = new IndexProgress(connection, (): protocol.StatusResult => statusOf(state, index));
const index: WorkspaceIndex = new WorkspaceIndex(progress);
const diagnostics = new DiagnosticsPublisher(connection, state);
const SERVER_VERSION = '0.1.0';
let clientCapabilities: Parameters<Parameters<typeof connection.onInitialize>[0]>[0]['capabilities'] = {};
let initializationOptions: unknown = undefined;

process.on('uncaughtException', (error) =>
  log(`internal error (the server keeps running): ${error.stack ?? error.message}`),
);
process.on('unhandledRejection', (reason) =>
  log(
    `internal error (the server keeps running): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
  ),
);

connection.onInitialize(async (params): Promise<InitializeResult> => {
  log(
    `DMA Lens language server ${SERVER_VERSION} (Node ${process.version}), client ${params.clientInfo?.name ?? 'unknown'}`,
  );
  clientCapabilities = params.capabilities;
  const experimental = (
    params.capabilities.experimental as { dmalens?: Partial<protocol.ClientExperimentalCapabilities> }
  )?.dmalens;
  const announced = experimental?.commands;
  state.clientCommands = new Set(Array.isArray(announced) ? announced.filter((id) => typeof id === 'string') : []);
  state.clientShowsSettingsProblems = experimental?.settingsProblems === true;
  initializationOptions = params.initializationOptions;
  await initParser();
  const folders = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
  index.setFolders(folders);
  const first = folders[0];
  state.workspaceFolder = first?.startsWith('file:') ? fileURLToPath(first) : null;
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      experimental: {
        dmalens: {
          protocolVersion: protocol.PROTOCOL_VERSION,
          methods: [...protocol.REQUEST_METHODS],
        } satisfies protocol.ServerExperimentalCapabilities,
      },
    },
    serverInfo: { name: 'dmalens-language-server', version: SERVER_VERSION },
  };
});

/** Everything the editor shows of open documents is computed again (settings or board rows changed). */
function refreshEditors(): void {
  diagnostics.publishAll();
  if (clientCapabilities.workspace?.inlayHint?.refreshSupport) void connection.languages.inlayHint.refresh();
  if (clientCapabilities.workspace?.codeLens?.refreshSupport) void connection.sendRequest('workspace/codeLens/refresh');
}

state.onBoardsChanged = (problems) => {
  if (problems.length) {
    const text = `DMA Lens settings: ${problems.join(' ')}`;
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: text });
    log(text);
  }
  refreshEditors();
};

const configuration = new ConfigurationWatcher(connection, state, {
  applied() {
    refreshEditors();
    index.refresh(state.settings);
    progress.statusChanged();
  },
});

connection.onInitialized(() => {
  const workspace = clientCapabilities.workspace;
  if (workspace?.didChangeWatchedFiles?.dynamicRegistration) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: '**/*.{c,h,dts,dtsi,dtso}' }, { globPattern: BUILD_FILES_GLOB }],
    });
  }
  if (workspace?.workspaceFolders) {
    connection.workspace.onDidChangeWorkspaceFolders(() => {
      void connection.workspace.getWorkspaceFolders().then((folders) => {
        index.setFolders(folders?.map((folder) => folder.uri) ?? []);
        index.refresh({ ...state.settings });
      });
    });
  }
  void configuration.start(workspace?.didChangeConfiguration?.dynamicRegistration === true, initializationOptions);
});

connection.onDidChangeWatchedFiles(({ changes }) => {
  // A changed Makefile or Kconfig file can move any file of its tree to other platforms.
  const buildFiles = changes.filter((change) => isBuildFile(change.uri)).map((change) => change.uri);
  // A header or .dtsi changed on disk can change the boards of open device trees.
  // Device trees and the binding headers they include.
  for (const { uri } of changes)
    if (uri.startsWith('file:') && (isDeviceTreePath(uri) || uri.endsWith('.h')))
      state.boards.fileChanged(fileURLToPath(uri));
  if (changes.some((change) => isDeviceTreePath(change.uri))) state.driverBoards.clear();
  if (state.boards.uris().length > 0) diagnostics.scheduleBoards();
  if (buildFiles.length > 0 && state.buildFilesChanged(buildFiles)) diagnostics.publishAll();
  const sources = changes.filter((change) => !isBuildFile(change.uri) && !isDeviceTreePath(change.uri));
  const changed = sources
    .filter((change) => change.type !== FileChangeType.Deleted && !state.documents.has(change.uri))
    .map((change) => change.uri);
  const deleted = sources.filter((change) => change.type === FileChangeType.Deleted).map((change) => change.uri);
  if (changed.length > 0 || deleted.length > 0) void index.update(changed, deleted, state.settings);
});

registerDocumentHandlers(connection, state, diagnostics, log);
registerHover(connection, state);
registerCodeActions(connection, state);
registerAnnotations(connection, state);
registerSymbols(connection, state, index);
registerCustomRequests(connection, state, index);
connection.onShutdown(() => index.dispose());

connection.listen();
// Registered after the library's own reader, so it sees each chunk once the valid messages in it are read.
if (process.argv.includes('--stdio')) watchFraming(process.stdin);
