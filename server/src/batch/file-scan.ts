// The work done for one file of a batch scan, identical in a worker thread and on the calling thread.
// Cheap tests come first so that most files cost one read: the size from fstat, a stat comparison with
// the cache, the exact-name prefilter on the raw bytes (latin1, no UTF-8 decoding), and only then a
// content hash, a decode and the analysis.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mayContainCalls } from '../analysis/prefilter';
import type { CallSite } from '../analysis/callsite';
import type { Finding } from '../checks/rule';
import { describeFsError } from './walk';

/** What the analysis of one file gives; it crosses threads and lands in the cache, so it must be plain data. */
export interface FileFacts {
  sites: CallSite[];
  diagnostics: Finding[];
}

/** The per-file analysis: extraction and checks on the decoded text. */
export type AnalyzeFile = (text: string, path: string) => FileFacts;

/** What identifies a file's content without reading it (the same idea as git's index). */
export interface FileSignature {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** What the cache remembers of a file, sent along with the task so the reader can decide alone. */
export interface CachedFacts {
  signature: FileSignature;
  /** False when the file changed too close to the previous scan for its time stamp to be trusted. */
  signatureTrusted: boolean;
  /** Content hash of a candidate file; null for files without any catalogue name. */
  hash: string | null;
}

export interface FileTask {
  path: string;
  cached?: CachedFacts;
}

export type SkipReason = 'too-large' | 'binary' | 'unreadable' | 'analysis-failed';

export type FileOutcome =
  /** Same size, time and inode as at the last scan: the cached result stands without reading. */
  | { kind: 'unchanged'; path: string }
  /** Read and hashed: the content is the one the cache holds. */
  | { kind: 'same-content'; path: string; signature: FileSignature }
  | { kind: 'no-candidates'; path: string; signature: FileSignature }
  | { kind: 'analyzed'; path: string; signature: FileSignature; hash: string; facts: FileFacts }
  | { kind: 'skipped'; path: string; signature: FileSignature | null; reason: SkipReason; note: string };

export interface FileScanOptions {
  maxFileSize: number;
  analyze: AnalyzeFile;
}

/** Git and grep call a file binary when a NUL byte shows up early; C sources never contain one. */
const BINARY_PROBE_BYTES = 8000;

/**
 * A read buffer reused across files: allocating one per file would cost more than reading small files.
 * Each thread has its own module instance, so the buffer is never shared between threads.
 */
const USUAL_BUFFER_BYTES = 1 << 20;
let readBuffer = Buffer.allocUnsafe(USUAL_BUFFER_BYTES);

export function scanFile(task: FileTask, options: FileScanOptions): FileOutcome {
  const { path } = task;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return { kind: 'skipped', path, signature: null, reason: 'unreadable', note: `cannot open: ${describeFsError(error)}` };
  }
  let signature: FileSignature;
  let length: number;
  try {
    const stat = fstatSync(fd);
    signature = { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
    if (task.cached?.signatureTrusted && sameSignature(task.cached.signature, signature)) return { kind: 'unchanged', path };
    if (signature.size > options.maxFileSize) {
      return {
        kind: 'skipped',
        path,
        signature,
        reason: 'too-large',
        note: `not analysed: ${signature.size} bytes is over the size limit of ${options.maxFileSize} bytes`,
      };
    }
    length = readWhole(fd, signature.size);
  } catch (error) {
    return { kind: 'skipped', path, signature: null, reason: 'unreadable', note: `cannot read: ${describeFsError(error)}` };
  } finally {
    closeSync(fd);
  }
  const bytes = readBuffer.subarray(0, length);
  if (bytes.subarray(0, BINARY_PROBE_BYTES).indexOf(0) !== -1) {
    return { kind: 'skipped', path, signature, reason: 'binary', note: 'not analysed: binary file (NUL byte in the first 8000 bytes)' };
  }
  // The names are ASCII, so matching them on latin1 text of the raw bytes finds exactly what a match on
  // the decoded text would, without paying for UTF-8 decoding of the 95% of files that hold no name.
  if (!mayContainCalls(bytes.toString('latin1'))) return { kind: 'no-candidates', path, signature };
  const hash = createHash('sha1').update(bytes).digest('hex');
  if (task.cached?.hash === hash) return { kind: 'same-content', path, signature };
  const text = bytes.toString('utf8');
  try {
    return { kind: 'analyzed', path, signature, hash, facts: options.analyze(text, path) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'skipped', path, signature, reason: 'analysis-failed', note: `analysis failed: ${message}` };
  }
}

export function sameSignature(a: FileSignature, b: FileSignature): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** Reads the whole file into the shared buffer; a file that grows while it is read is cut at its stat size. */
function readWhole(fd: number, size: number): number {
  // Grow to fit; after an unusually large file, go back to the usual size rather than keep megabytes per thread.
  if (size > readBuffer.length || readBuffer.length > USUAL_BUFFER_BYTES) readBuffer = Buffer.allocUnsafe(Math.max(size, USUAL_BUFFER_BYTES));
  let offset = 0;
  while (offset < size) {
    const count = readSync(fd, readBuffer, offset, size - offset, offset);
    if (count === 0) break;
    offset += count;
  }
  return offset;
}
