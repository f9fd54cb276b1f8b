// The project model's TreeReader over a kernel tree on disk. Only regular files of a bounded size are
// read: a Kconfig or Makefile path that names a FIFO or a device must not block the server, and no build
// file of Linux comes near the limit.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TreeReader } from '../project';

const MAX_BUILD_FILE_BYTES = 4 * 1024 * 1024;

export function fileSystemReader(root: string): TreeReader {
  return { read: (path) => readBuildFile(join(root, path)) };
}

function readBuildFile(path: string): string | null {
  let fd: number | null = null;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_BUILD_FILE_BYTES) return null;
    return readFileSync(fd, 'utf8');
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
