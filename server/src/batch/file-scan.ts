// The work done for one file of a batch scan, identical in a worker thread and on the calling thread.
// Cheap tests come first so that most files cost one read: the size from fstat, a stat comparison with
// the cache, the exact-name prefilter on the raw bytes (no string, no UTF-8 decoding), and only then a
// content hash, a decode and the analysis.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { mayNeedAnalysis } from './scan-prefilter';
import type { CallSite } from '../analysis/callsite';
import type { Finding } from '../checks/rule';
import { describeFsError } from './walk';
import type { ExtractFile, JudgeFile } from './analyzer';

/** What the analysis of one file gives; it crosses threads and lands in the cache, so it must be plain data. */
export interface FileFacts {
  sites: CallSite[];
  diagnostics: Finding[];
  /** Per site, its one-line platform summary, when the scan asked for them (ScanAnalysisOptions.annotate). */
  annotations?: (string | null)[];
  /** The platforms the file's sites were simulated and checked on, and why those. */
  targets?: { platforms: string[]; why: string };
}

/** A build file (absolute path) and its stamp, as read for some file's targets. */
export type BuildInput = [path: string, stamp: string];

/** The analysis, and the build files its thread read for the first time while doing it. */
export interface AnalyzedFile extends FileFacts {
  buildInputs?: BuildInput[];
}

/** The per-file analysis: extraction and checks on the decoded text. */
export type AnalyzeFile = (text: string, path: string) => AnalyzedFile;

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
  /**
   * The facts travel and are cached as v8-serialised bytes (see `encodeFacts`); the thread that analysed
   * the file may keep the objects too (`decoded`), which never cross threads.
   */
  | {
      kind: 'analyzed';
      path: string;
      signature: FileSignature;
      hash: string;
      facts: Uint8Array;
      decoded?: FileFacts;
      /** Build files first read for this file's targets: the scan cache records them, not the file's facts. */
      buildInputs?: BuildInput[];
    }
  | { kind: 'skipped'; path: string; signature: FileSignature | null; reason: SkipReason; note: string };

/**
 * A file a worker read and extracted, for the calling thread to judge (analyzer.ts): the text and the sites
 * cross to the thread that holds the project model, and come back as an `analyzed` outcome from there.
 */
export interface ExtractedOutcome {
  kind: 'extracted';
  path: string;
  signature: FileSignature;
  hash: string;
  text: string;
  sites: CallSite[];
}

/** What a worker hands back for a file. */
export type WorkerOutcome = FileOutcome | ExtractedOutcome;

/** Git and grep call a file binary when a NUL byte shows up early; C sources never contain one. */
const BINARY_PROBE_BYTES = 8000;

/**
 * A read buffer reused across files: allocating one per file would cost more than reading small files.
 * Each thread has its own module instance, so the buffer is never shared between threads. Larger files
 * are prefiltered through it chunk by chunk, so a 24 MB generated header costs no 24 MB allocation unless
 * it holds a catalogue name. The chunk size dates from a prefilter that made latin1 strings of each chunk
 * and had to stay under node's external-string threshold (about 1,031,913 bytes); the prefilter now searches
 * the bytes themselves, and the size only bounds this buffer.
 */
const CHUNK_BYTES = 960 * 1024;
/** Chunks overlap by more than the longest catalogue name, so no name is ever cut in two. */
const CHUNK_OVERLAP = 128;
const readBuffer = Buffer.allocUnsafe(CHUNK_BYTES);

/** A candidate file read and hashed, waiting for the analysis (which may still be loading). */
export interface PendingAnalysis {
  kind: 'pending';
  path: string;
  signature: FileSignature;
  hash: string;
  text: string;
}

/** Everything short of the analysis: what a worker can do before its parser is loaded, and usually all it has to. */
export function readForScan(task: FileTask, maxFileSize: number): FileOutcome | PendingAnalysis {
  const { path } = task;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO named on the command line would otherwise wait for a writer for ever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return {
      kind: 'skipped',
      path,
      signature: null,
      reason: 'unreadable',
      note: `cannot open: ${describeFsError(error)}`,
    };
  }
  try {
    return scanOpenFile(fd, task, maxFileSize);
  } catch (error) {
    return {
      kind: 'skipped',
      path,
      signature: null,
      reason: 'unreadable',
      note: `cannot read: ${describeFsError(error)}`,
    };
  } finally {
    closeSync(fd);
  }
}

function scanOpenFile(fd: number, task: FileTask, maxFileSize: number): FileOutcome | PendingAnalysis {
  const { path } = task;
  const stat = fstatSync(fd);
  const signature: FileSignature = { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
  if (!stat.isFile())
    return { kind: 'skipped', path, signature: null, reason: 'unreadable', note: 'not a regular file' };
  if (task.cached?.signatureTrusted && sameSignature(task.cached.signature, signature))
    return { kind: 'unchanged', path };
  if (signature.size > maxFileSize) {
    const note = `not analysed: ${signature.size} bytes is over the size limit of ${maxFileSize} bytes`;
    return { kind: 'skipped', path, signature, reason: 'too-large', note };
  }
  let bytes: Buffer;
  if (signature.size <= CHUNK_BYTES) {
    bytes = readBuffer.subarray(0, readInto(fd, readBuffer, 0, signature.size));
    if (isBinary(bytes)) return binary(path, signature);
    // The names are ASCII, so matching them on the raw bytes finds exactly what a match on the decoded
    // text would, without paying for UTF-8 decoding of the 95% of files that hold no name.
    if (!mayNeedAnalysis(bytes)) return { kind: 'no-candidates', path, signature };
  } else {
    const verdict = prefilterInChunks(fd, signature.size);
    if (verdict === 'binary') return binary(path, signature);
    if (verdict === 'no-candidates') return { kind: 'no-candidates', path, signature };
    const whole = Buffer.allocUnsafe(signature.size);
    bytes = whole.subarray(0, readInto(fd, whole, 0, signature.size));
  }
  const hash = createHash('sha1').update(bytes).digest('hex');
  if (task.cached?.hash === hash) return { kind: 'same-content', path, signature };
  return { kind: 'pending', path, signature, hash, text: bytes.toString('utf8') };
}

/** `keepDecoded`: the outcome stays on this thread, which can use the facts without decoding them again. */
export function finishAnalysis(pending: PendingAnalysis, analyze: AnalyzeFile, keepDecoded = false): FileOutcome {
  const { path, signature, hash, text } = pending;
  return finish(path, signature, hash, () => analyze(text, path), keepDecoded);
}

function finish(
  path: string,
  signature: FileSignature,
  hash: string,
  analyze: () => AnalyzedFile,
  keepDecoded: boolean,
): FileOutcome {
  try {
    const { buildInputs, ...facts } = analyze();
    return {
      kind: 'analyzed',
      path,
      signature,
      hash,
      facts: encodeFacts(facts),
      ...(keepDecoded ? { decoded: facts } : {}),
      ...(buildInputs ? { buildInputs } : {}),
    };
  } catch (error) {
    return analysisFailed(path, signature, error);
  }
}

/** The first half of the analysis, on a worker whose calling thread judges (see ExtractedOutcome). */
export function finishExtraction(pending: PendingAnalysis, extract: ExtractFile): WorkerOutcome {
  const { path, signature, hash, text } = pending;
  try {
    return { kind: 'extracted', path, signature, hash, text, sites: extract(text, path).sites };
  } catch (error) {
    return analysisFailed(path, signature, error);
  }
}

/** The second half, on the thread that holds the project model; the facts stay decoded there. */
export function finishJudgement(extracted: ExtractedOutcome, judge: JudgeFile): FileOutcome {
  const { path, signature, hash, text, sites } = extracted;
  return finish(path, signature, hash, () => judge({ sites }, text, path), true);
}

function analysisFailed(path: string, signature: FileSignature, error: unknown): FileOutcome {
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'skipped', path, signature, reason: 'analysis-failed', note: `analysis failed: ${message}` };
}

function prefilterInChunks(fd: number, size: number): 'binary' | 'no-candidates' | 'candidate' {
  for (let position = 0; position < size; position += CHUNK_BYTES - CHUNK_OVERLAP) {
    const length = readInto(fd, readBuffer, position, Math.min(CHUNK_BYTES, size - position));
    const chunk = readBuffer.subarray(0, length);
    if (position === 0 && isBinary(chunk)) return 'binary';
    // A chunk may start inside an identifier, which then looks like a whole identifier: that costs a
    // needless analysis, never a missed call.
    if (mayNeedAnalysis(chunk)) return 'candidate';
    if (position + length >= size) break;
  }
  return 'no-candidates';
}

function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, BINARY_PROBE_BYTES).indexOf(0) !== -1;
}

function binary(path: string, signature: FileSignature): FileOutcome {
  return {
    kind: 'skipped',
    path,
    signature,
    reason: 'binary',
    note: 'not analysed: binary file (NUL byte in the first 8000 bytes)',
  };
}

/**
 * Facts leave the worker, and stay in the cache, as bytes: the cache then holds 21 MB of bytes for Linux
 * rather than 48 MB of objects, loads and saves them without re-encoding, and the main thread decodes each
 * file only when it hands the file's result out.
 */
export function encodeFacts(facts: FileFacts): Uint8Array {
  return serialize(facts);
}

export function decodeFacts(bytes: Uint8Array): FileFacts {
  return deserialize(bytes) as FileFacts;
}

export function sameSignature(a: FileSignature, b: FileSignature): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** Reads `length` bytes from `position` into the start of `target`; a file that shrank gives fewer. */
function readInto(fd: number, target: Buffer, position: number, length: number): number {
  let offset = 0;
  while (offset < length) {
    const count = readSync(fd, target, offset, length - offset, position + offset);
    if (count === 0) break;
    offset += count;
  }
  return offset;
}
