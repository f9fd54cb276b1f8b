// Finds or prepares the kernel tree the benchmark scans. Without an argument it uses Debian's
// linux-source-6.1 unpacked into the user's cache folder (never inside the repository): the package is
// installed with apt when missing, which needs root; otherwise the exact command is printed.
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const TARBALL = '/usr/src/linux-source-6.1.tar.xz';

export function benchCacheDir() {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'dmalens');
}

/** The tree to scan: `given` when set (must exist), else the cached Linux 6.1 tree, prepared on first use. */
export function ensureKernelTree(given, log) {
  if (given) {
    const tree = resolve(given);
    if (!existsSync(tree) || !statSync(tree).isDirectory())
      throw new Error(`kernel tree '${given}' is not a directory`);
    return tree;
  }
  const tree = join(benchCacheDir(), 'linux-6.1');
  if (existsSync(join(tree, 'Makefile'))) return tree;
  if (!existsSync(TARBALL)) installSourcePackage(log);
  log(`unpacking ${TARBALL} into ${tree} (once; about a minute)`);
  const partial = `${tree}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  run('tar', ['-xJf', TARBALL, '-C', partial, '--strip-components=1']);
  renameSync(partial, tree);
  return tree;
}

function installSourcePackage(log) {
  const command = 'apt-get install -y linux-source-6.1';
  if (process.getuid?.() !== 0)
    throw new Error(
      `${TARBALL} is missing: run \`sudo ${command}\` (Debian 12) or pass a kernel tree: npm run bench -- PATH`,
    );
  log(`installing Debian's linux-source-6.1 (${command})`);
  // Another process may be using apt; the lock file makes concurrent installs wait rather than fail.
  run('flock', ['/tmp/dmalens-apt.lock', 'sh', '-c', `apt-get update && DEBIAN_FRONTEND=noninteractive ${command}`]);
  if (!existsSync(TARBALL)) throw new Error(`apt-get did not produce ${TARBALL}`);
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}
