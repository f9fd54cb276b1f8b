// Starts code-server (a real VS Code running in node) on 127.0.0.1 with scratch folders, installs a
// .vsix into it, and stops it with its whole process group, so no extension host or language
// server outlives the test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
const INSTALL_HINT = 'run `bash scripts/install-test-deps.sh` (it installs chromium, neovim and code-server)';

/** Where scripts/install-test-deps.sh puts code-server. */
export function codeServerBinary(): string {
  const deps = process.env.DMALENS_TEST_DEPS_DIR ?? join(homedir(), '.cache/dmalens-test-deps');
  const binary = join(deps, `code-server-${CODE_SERVER_VERSION}`, 'node_modules/.bin/code-server');
  if (!existsSync(binary))
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed at ${binary}: ${INSTALL_HINT}.`);
  return binary;
}

export function chromiumBinary(): string {
  const binary = process.env.DMALENS_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(binary)) throw new Error(`Chromium is not installed at ${binary}: ${INSTALL_HINT}.`);
  return binary;
}

export interface CodeServerDirs {
  userData: string;
  extensions: string;
  config: string;
  xdg: string;
}

export function makeDirs(scratch: string): CodeServerDirs {
  const dirs = {
    userData: join(scratch, 'user-data'),
    extensions: join(scratch, 'extensions'),
    config: join(scratch, 'config.yaml'),
    xdg: join(scratch, 'xdg'),
  };
  for (const dir of [dirs.userData, dirs.extensions, join(dirs.xdg, 'config'), join(dirs.xdg, 'data')])
    mkdirSync(dir, { recursive: true });
  writeFileSync(dirs.config, 'auth: none\n');
  return dirs;
}

/** Nothing lands in the real home directory: XDG folders point into the scratch folder. */
function environment(dirs: CodeServerDirs): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
    XDG_DATA_HOME: join(dirs.xdg, 'data'),
    VSCODE_PROXY_URI: '',
  };
}

function commonArgs(dirs: CodeServerDirs): string[] {
  return [
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    '--config',
    dirs.config,
    '--disable-telemetry',
    '--disable-update-check',
  ];
}

export function installExtension(dirs: CodeServerDirs, vsix: string): string {
  const result = spawnSync(codeServerBinary(), [...commonArgs(dirs), '--install-extension', vsix], {
    env: environment(dirs),
    encoding: 'utf8',
    timeout: 60_000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0 || !/successfully installed/i.test(output))
    throw new Error(`code-server --install-extension failed (${result.status}):\n${output}`);
  return output;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface RunningCodeServer {
  url: string;
  process: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
}

export async function startCodeServer(dirs: CodeServerDirs, folder: string): Promise<RunningCodeServer> {
  const port = await freePort();
  const args = [
    ...commonArgs(dirs),
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    folder,
  ];
  // detached: the server gets its own process group, so stop() can end the extension host and the
  // language server that it spawns together with it.
  const child = spawn(codeServerBinary(), args, {
    env: environment(dirs),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const running: RunningCodeServer = {
    url: `http://127.0.0.1:${port}`,
    process: child,
    log: () => output,
    stop: () => stopGroup(child),
  };
  try {
    await waitForHealth(running.url, child, () => output);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer on ${url} within 30 s:\n${log()}`);
}

/** SIGTERM to the whole group, then SIGKILL for whatever did not exit within two seconds. */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const group = -child.pid;
  const signal = (name: NodeJS.Signals | 0) => {
    try {
      process.kill(group, name);
      return true;
    } catch {
      return false;
    }
  };
  if (!signal('SIGTERM')) return;
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!signal(0)) return;
  }
  signal('SIGKILL');
}
