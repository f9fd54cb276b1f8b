// A minimal LSP client over stdio for the latency figures: JSON-RPC framing, requests with timing, and
// answers to the few requests a server sends its client (configuration, progress tokens, registrations).
import { spawn } from 'node:child_process';

export class LspClient {
  constructor(serverScript, { cwd, env = process.env } = {}) {
    this.child = spawn(process.execPath, [serverScript, '--stdio'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    this.buffer = Buffer.alloc(0);
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

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
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
