// Shared by the device-tree tests: the fixture kernel tree, boards resolved through the real opener, and
// dtc run as the kernel's Makefile.lib runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BoardOpener, kernelIncludePrefixes, type Board } from '../../../server/src/devicetree';
import { repoRoot } from '../../repo-root';

export const FIXTURE_KERNEL = join(repoRoot(), 'test/fixtures/devicetree/kernel');
export const ACME = join(FIXTURE_KERNEL, 'arch/arm64/boot/dts/acme');
export const DEVKIT = join(ACME, 'acme-a1-devkit.dts');
export const FAULTS = join(ACME, 'acme-a1-faults.dts');
export const CAMERA = join(ACME, 'acme-a1-camera.dtso');
export const KERNEL_TREE = '/root/.cache/dmalens/linux-6.1';

export function openBoard(file: string, overlays: string[] = []): Promise<Board> {
  return new BoardOpener().open({ file, overlays });
}

/** Resolves device-tree text written in a test, as a board file of its own in a temporary folder. */
export async function boardFromText(text: string, files: Record<string, string> = {}): Promise<Board> {
  const dir = mkdtempSync(join(tmpdir(), 'dmalens-dt-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    const file = join(dir, 'board.dts');
    writeFileSync(file, text);
    return await new BoardOpener().open({ file, arch: 'arm64' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function haveTool(name: string): boolean {
  return spawnSync(name, ['--version'], { encoding: 'utf8' }).status === 0;
}

/**
 * The tree dtc builds, as dtc prints it: `cpp -nostdinc -I include-prefixes -undef -D__DTS__ -x
 * assembler-with-cpp` then `dtc -O dts` with the kernel's -i folders (scripts/Makefile.lib). Null when either
 * tool refuses the board, with its message.
 */
export function dtcOutput(file: string): { text: string } | { error: string } {
  const prefixes = kernelIncludePrefixes(file);
  const dir = mkdtempSync(join(tmpdir(), 'dmalens-dtc-'));
  try {
    const pre = join(dir, 'pre.dts');
    const out = join(dir, 'out.dts');
    const cpp = spawnSync(
      'cpp',
      [
        '-nostdinc',
        ...(prefixes ? ['-I', prefixes] : []),
        '-undef',
        '-D__DTS__',
        '-x',
        'assembler-with-cpp',
        '-o',
        pre,
        file,
      ],
      { encoding: 'utf8' },
    );
    if (cpp.status !== 0) return { error: `cpp: ${cpp.stderr}` };
    const dtc = spawnSync(
      'dtc',
      [
        '-q',
        '-I',
        'dts',
        '-O',
        'dts',
        '-b',
        '0',
        '-i',
        dirname(file),
        ...(prefixes ? ['-i', prefixes] : []),
        '-o',
        out,
        pre,
      ],
      { encoding: 'utf8' },
    );
    if (dtc.status !== 0) return { error: `dtc: ${dtc.stderr}` };
    return { text: readFileSync(out, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
