// The project model's TreeReader over a kernel tree on disk. Only regular files of a bounded size are
// read: a Kconfig or Makefile path that names a FIFO or a device must not block the server, and no build
// file of Linux comes near the limit. Each read can be reported with the file's stamp (size and time, or
// absent), so that a scan cache can tell later whether the build files its targets came from changed.
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { TreeReader } from '../project';

const MAX_BUILD_FILE_BYTES = 4 * 1024 * 1024;

/** Told of every build file read (or looked for and not found), by absolute path, with its stamp. */
export type BuildFileListener = (path: string, stamp: string) => void;

export function fileSystemReader(root: string, onRead?: BuildFileListener): TreeReader {
  return { read: (path) => readBuildFile(join(root, path), onRead) };
}

/** What identifies a build file's content without reading it: its size and time, or `absent`. */
export function buildFileStamp(path: string): string {
  try {
    return stampOf(statSync(path));
  } catch {
    return 'absent';
  }
}

function stampOf(stat: Stats): string {
  return stat.isFile() ? `${stat.size}:${stat.mtimeMs}` : 'absent';
}

function readBuildFile(path: string, onRead?: BuildFileListener): string | null {
  let stamp = 'absent';
  const bytes = readBounded(path, (stat) => (stamp = stampOf(stat)));
  onRead?.(path, stamp);
  return bytes === null ? null : bytes.toString('utf8');
}

/**
 * The bytes of a regular file of at most 4 MiB, or null (absent, unreadable, not a regular file, too
 * large); `onStat` sees the file's stat when it could be opened.
 */
export function readBounded(path: string, onStat?: (stat: Stats) => void): Buffer | null {
  let fd: number | null = null;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    onStat?.(stat);
    if (!stat.isFile() || stat.size > MAX_BUILD_FILE_BYTES) return null;
    return readFileSync(fd);
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
