// The built server driven with raw bytes over stdio, as a careless or hostile client would: frames written
// by hand (or not framed at all), answers collected by id, the exit code and stderr kept.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './lsp-client';

export interface Answer {
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string };
}

export class RawServer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly answers = new Map<number | string | null, Answer>();
  stderr = '';
  private buffer = Buffer.alloc(0);
  readonly exited: Promise<number | null>;

  constructor() {
    this.child = spawn(process.execPath, [join(repoRoot, 'server/dist/server.js'), '--stdio']);
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
  }

  /** One JSON-RPC message, framed. */
  static frame(message: object): Buffer {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }));
    return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
  }

  send(...messages: object[]): void {
    this.child.stdin.write(Buffer.concat(messages.map((message) => RawServer.frame(message))));
  }

  sendRaw(bytes: string | Buffer): void {
    this.child.stdin.write(bytes);
  }

  initialize(): void {
    this.send({ id: 'init', method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
  }

  /** Resolves when every id has an answer; rejects after `timeoutMs`. */
  async answersTo(ids: (number | string)[], timeoutMs = 20_000): Promise<Answer[]> {
    const deadline = Date.now() + timeoutMs;
    while (ids.some((id) => !this.answers.has(id))) {
      if (Date.now() > deadline) throw new Error(`no answer to ${ids.filter((id) => !this.answers.has(id))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return ids.map((id) => this.answers.get(id)!);
  }

  /** The exit code, or 'running' when the server has not exited within `timeoutMs`. */
  exitWithin(timeoutMs: number): Promise<number | null | 'running'> {
    return Promise.race([
      this.exited,
      new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), timeoutMs)),
    ]);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (let end = this.buffer.indexOf('\r\n\r\n'); end >= 0; end = this.buffer.indexOf('\r\n\r\n')) {
      const length = Number(/Content-Length: (\d+)/.exec(this.buffer.subarray(0, end).toString())![1]);
      if (this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString()) as Answer & {
        method?: string;
      };
      this.buffer = this.buffer.subarray(end + 4 + length);
      if (message.method === undefined) this.answers.set(message.id, message);
    }
  }
}
