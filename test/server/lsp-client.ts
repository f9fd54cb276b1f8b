// A small LSP client for tests: spawns the built server over stdio, answers the server's own requests
// (workspace/configuration, capability registration, progress creation) and records notifications.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import jsonrpc, { type MessageConnection } from 'vscode-jsonrpc/node.js';
import type { Diagnostic, Position, Range } from 'vscode-languageserver';
import { readMarkers } from '../fixtures/markers';
import { repoRoot as findRepoRoot } from '../repo-root';

// vscode-jsonrpc is CommonJS without an exports map: load it whole, then pick the pieces.
const { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } = jsonrpc;

export type { Diagnostic, Position, Range };

/** The repository root (tests run from out/test/...). */
export const repoRoot = findRepoRoot();
export const serverPath = join(repoRoot, 'server/dist/server.js');

export interface ClientOptions {
  /** The `dmalens` settings section the client answers workspace/configuration with. */
  settings?: unknown;
  rootUri?: string | null;
  capabilities?: Record<string, unknown>;
  initializationOptions?: unknown;
  /** False: answer workspace/configuration with an error, like a client without that request. */
  answerConfiguration?: boolean;
}

export const DEFAULT_CAPABILITIES = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    workspaceFolders: true,
    inlayHint: { refreshSupport: true },
  },
  textDocument: {
    hover: { contentFormat: ['markdown', 'plaintext'] },
    publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
    inlayHint: {},
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
  window: { workDoneProgress: true, showMessage: {} },
};

export class LspClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly messages: { type: number; message: string }[] = [];
  /** window/logMessage texts: what the server writes to its output channel. */
  readonly logs: string[] = [];
  readonly progress: unknown[] = [];
  readonly statusNotifications: unknown[] = [];
  private readonly waiters: (() => void)[] = [];
  stderr = '';
  settings: unknown;

  private constructor(
    readonly process: ChildProcessWithoutNullStreams,
    readonly connection: MessageConnection,
    settings: unknown,
  ) {
    this.settings = settings;
  }

  static async start(options: ClientOptions = {}): Promise<LspClient> {
    const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    const client = new LspClient(child, connection, options.settings ?? {});
    child.stderr.on('data', (chunk: Buffer) => (client.stderr += chunk.toString()));
    connection.onNotification(
      'textDocument/publishDiagnostics',
      (params: { uri: string; diagnostics: Diagnostic[] }) => {
        client.diagnostics.set(params.uri, params.diagnostics);
        client.wake();
      },
    );
    connection.onNotification('window/showMessage', (params: { type: number; message: string }) => {
      client.messages.push(params);
      client.wake();
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      client.logs.push(params.message);
      client.wake();
    });
    connection.onNotification('$/progress', (params: unknown) => {
      client.progress.push(params);
      client.wake();
    });
    connection.onNotification('dmalens/statusChanged', (params: unknown) => {
      client.statusNotifications.push(params);
      client.wake();
    });
    connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => {
      if (options.answerConfiguration === false)
        return new ResponseError(-32601, 'Unhandled method workspace/configuration');
      return params.items.map((item) => (item.section === 'dmalens' ? client.settings : null));
    });
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/inlayHint/refresh', () => null);
    connection.onRequest('workspace/codeLens/refresh', () => null);
    connection.listen();
    // A server that dies or never answers fails the test with its stderr, instead of hanging it.
    const gone = new Promise<never>((_, reject) => {
      const fail = (why: string) =>
        reject(new Error(`language server ${why} before answering initialize:\n${client.stderr}`));
      child.once('exit', (code, signal) => fail(`exited (${signal ?? code})`));
      setTimeout(() => fail('did not answer within 60 s'), 60_000).unref();
    });
    const initialize = connection
      .sendRequest('initialize', {
        processId: process.pid,
        rootUri: options.rootUri ?? null,
        workspaceFolders: options.rootUri ? [{ uri: options.rootUri, name: 'root' }] : null,
        capabilities: options.capabilities ?? DEFAULT_CAPABILITIES,
        ...(options.initializationOptions !== undefined
          ? { initializationOptions: options.initializationOptions }
          : {}),
      })
      .then((result) => (client.initializeResult = result as { capabilities: Record<string, unknown> }));
    await Promise.race([initialize, gone]);
    gone.catch(() => undefined);
    await connection.sendNotification('initialized', {});
    return client;
  }

  initializeResult: { capabilities: Record<string, unknown> } | null = null;

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves when `condition` holds, re-checked after every notification; rejects after `timeoutMs`. */
  async waitFor<T>(condition: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = condition();
      if (value) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; server stderr: ${this.stderr.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    this.diagnostics.delete(uri);
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
  }

  openFixture(path: string): Promise<{ uri: string; text: string }> {
    const text = readFileSync(path, 'utf8');
    const uri = pathToFileURL(path).toString();
    return this.open(uri, text).then(() => ({ uri, text }));
  }

  /** The diagnostics published for `uri` after the last open/change. */
  diagnosticsFor(uri: string, timeoutMs = 8000): Promise<Diagnostic[]> {
    return this.waitFor(() => this.diagnostics.get(uri), timeoutMs, `diagnostics for ${uri}`);
  }

  hover(uri: string, position: Position): Promise<{ contents: { kind: string; value: string } } | null> {
    return this.request('textDocument/hover', { textDocument: { uri }, position });
  }

  async changeSettings(settings: unknown): Promise<void> {
    this.settings = settings;
    await this.notify('workspace/didChangeConfiguration', { settings: { dmalens: settings } });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.request('shutdown', null), new Promise((resolve) => setTimeout(resolve, 2000))]);
      await this.notify('exit', null);
    } catch {
      // The server may already be gone; the kill below settles it.
    }
    this.connection.dispose();
    if (this.process.exitCode === null) this.process.kill();
    // The pipes are closed from this side too: a process that inherited them (a CI run once kept a test
    // file's process alive for 18 minutes after its tests passed) must not hold this one open.
    for (const stream of [this.process.stdin, this.process.stdout, this.process.stderr]) stream?.destroy();
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }
}

/** Lines (zero-based) where a fixture's rule markers (`$ rule-id`) expect the rule. */
export function expectedRuleLines(text: string, rule: string): number[] {
  return readMarkers(text)
    .filter((marker) => marker.kind === '$' && marker.word === rule)
    .map((marker) => marker.line);
}

/** Position of the first occurrence of `needle` in `text` (after `after` occurrences), plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, after = 0): Position {
  let offset = -1;
  for (let count = 0; count <= after; count++) offset = text.indexOf(needle, offset + 1);
  if (offset < 0) throw new Error(`'${needle}' not found`);
  const before = text.slice(0, offset + delta);
  const line = before.split('\n').length - 1;
  return { line, character: offset + delta - (before.lastIndexOf('\n') + 1) };
}

/** The text after LSP text edits (all against the original text, as a code action's edits are). */
export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (position: Range['start']) =>
    lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce(
      (current, edit) =>
        current.slice(0, offset(edit.range.start)) + edit.newText + current.slice(offset(edit.range.end)),
      text,
    );
}

/** Asks until the answer satisfies `ready` (work the server does in the background), or fails after `timeoutMs`. */
export async function poll<T>(
  ask: () => Promise<T>,
  ready: (answer: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await ask();
    if (ready(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last answer: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
