// Builds a guest's initramfs: busybox, the virtio modules, the probe list and /init, packed by cpio(1) in
// the kernel's newc format and gzip-compressed.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { GuestKernel } from './guest-kernels';
import { initScript, probeLines, type GuestWorkload } from './guest-init';
import { resolveModules } from './kernel-modules';

export function buildInitramfs(kernel: GuestKernel, workload: GuestWorkload, output: string): string {
  const root = mkdtempSync(join(tmpdir(), 'dmalens-initramfs-'));
  try {
    for (const dir of ['bin', 'dev', 'proc', 'sys', 'modules']) mkdirSync(join(root, dir));
    copyFileSync(kernel.busybox, join(root, 'bin/busybox'));
    chmodSync(join(root, 'bin/busybox'), 0o755);
    const modules = resolveModules(kernel.modules, workload.drivers);
    for (const [name, path] of modules.files) copyFileSync(path, join(root, 'modules', name));
    writeFileSync(join(root, 'probes'), probeLines(kernel.arch).join('\n') + '\n');
    writeFileSync(join(root, 'init'), initScript(workload, modules.order), { mode: 0o755 });
    const files = listFiles(root).map((path) => relative(root, path) || '.');
    const cpio = spawnSync('cpio', ['--quiet', '-o', '-H', 'newc'], {
      cwd: root,
      input: files.join('\n') + '\n',
      maxBuffer: 1 << 28,
    });
    if (cpio.error) throw new Error(`cpio: ${cpio.error.message} (install it: scripts/install-test-deps.sh)`);
    if (cpio.status !== 0) throw new Error(`cpio failed: ${cpio.stderr.toString()}`);
    writeFileSync(output, gzipSync(cpio.stdout, { level: 1 }));
    return output;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function listFiles(dir: string): string[] {
  const out = [dir];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}
