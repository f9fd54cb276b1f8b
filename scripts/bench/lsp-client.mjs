// A minimal LSP client over stdio for the latency figures: JSON-RPC framing, requests with timing, and
// answers to the few requests a server sends its client (configuration, progress tokens, registrations).
import { spawn } from 'node:child_process';

export class LspClient {
  constructor(serverScript, { cwd, env = process.env } = {}) {
    this.child = spawn(process.execPath, [serverScript, '--stdio'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    this.chunks = [];
    this.received = 0;
    this.needed = 0;
    this.stderr = '';
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    this.child.stdout.on('data', (chunk) => this.receive(chunk));
    this.child.stderr.on('data', (chunk) => {
      if (this.stderr.length < 16384) this.stderr += chunk.toString();
    });
  }

  get pid() {
    return this.child.pid;
  }

  send(message) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  request(method, params, timeoutMs = 30000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(
            `${method}: no answer within ${timeoutMs} ms${this.stderr ? `; server stderr: ${this.stderr.slice(-500)}` : ''}`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, method });
      this.send({ id, method, params });
    });
  }

  notify(method, params) {
    this.send({ method, params });
  }

  /** Resolves with the first notification `method` for which `accept(params)` is true. */
  waitFor(method, accept = () => true, timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      const listener = { method, accept, resolve };
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((entry) => entry !== listener);
        reject(new Error(`no ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      listener.resolve = (params) => {
        clearTimeout(timer);
        resolve(params);
      };
      this.listeners.push(listener);
    });
  }

  /**
   * Chunks are kept apart until a whole message has arrived: joining each 64 KB chunk to what came before
   * made a 50 MB answer cost gigabytes of copying, which the fuzz harness took for a hung server.
   */
  receive(chunk) {
    this.chunks.push(chunk);
    this.received += chunk.length;
    for (;;) {
      if (this.received === 0 || this.received < this.needed) return;
      const buffer = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      this.chunks = [buffer];
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())?.[1]);
      const end = headerEnd + 4 + length;
      if (buffer.length < end) {
        this.needed = end;
        return;
      }
      const message = JSON.parse(buffer.subarray(headerEnd + 4, end).toString('utf8'));
      const rest = buffer.subarray(end);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.received = rest.length;
      this.needed = 0;
      this.dispatch(message);
    }
  }

  dispatch(message) {
    if (message.id !== undefined && message.method === undefined) {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.error)
        pending.reject(
          Object.assign(new Error(`${pending.method}: ${message.error.message}`), { code: message.error.code }),
        );
      else pending.resolve(message.result);
      return;
    }
    if (message.id !== undefined) {
      // A request from the server: configuration gets "no settings" (the defaults), everything else null.
      const result =
        message.method === 'workspace/configuration' ? (message.params?.items ?? []).map(() => null) : null;
      this.send({ id: message.id, result });
      return;
    }
    for (const listener of [...this.listeners]) {
      if (listener.method === message.method && listener.accept(message.params)) {
        this.listeners = this.listeners.filter((entry) => entry !== listener);
        listener.resolve(message.params);
      }
    }
  }

  async initialize(rootPath) {
    const folders = rootPath ? [{ uri: `file://${rootPath}`, name: 'tree' }] : null;
    await this.request('initialize', {
      processId: process.pid,
      rootUri: folders ? folders[0].uri : null,
      workspaceFolders: folders,
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { configuration: true, workspaceFolders: true },
        textDocument: {
          hover: { contentFormat: ['markdown', 'plaintext'] },
          publishDiagnostics: { versionSupport: true },
          synchronization: { didSave: true },
        },
      },
    });
    this.notify('initialized', {});
  }

  async shutdown() {
    try {
      await this.request('shutdown', null, 5000);
      this.notify('exit', null);
    } catch {
      // The server is killed below in any case.
    }
    const exited = await Promise.race([
      this.exited,
      new Promise((resolve) => setTimeout(() => resolve('timeout'), 3000)),
    ]);
    if (exited === 'timeout') this.child.kill('SIGKILL');
  }
}
