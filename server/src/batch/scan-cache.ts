// The scan cache: per file, the signature (size, mtime, inode), the content hash of candidate files and
// the facts found in them. A re-scan of an unchanged tree then costs an fstat per file; a file whose signature
// changed is re-read and re-analysed only when its content hash differs too.
//
// One cache file per set of scan roots and analysis options, stored with v8.serialize (bigints survive,
// and it is several times faster than JSON for this shape). The key includes a fingerprint of the tool
// build, so any change to the extractor or the checks starts a fresh cache instead of serving stale facts.
//
// The file is a sequence of frames (a 32-bit little-endian length, the CRC-32 of the bytes, then the
// v8-serialised bytes): the format and key first, then the entries a few thousand at a time. A frame whose
// checksum fails is a miss for every file in it, said in one line, and the file is rewritten: a damaged
// cache can cost a re-read, never a changed result or a crash. A first scan, which has no entry to keep,
// writes each frame as soon as it is full, so the writing is spread over the scan rather than left to its
// end (22 MB for Linux, 85 ms of a 3.5 s scan); a re-scan writes at the end, and only when something changed.
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeSync,
  existsSync,
  unlinkSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import { changedBuildFile, readBuildRecord, writeBuildRecord } from './build-record';
import type { BuildInput, CachedFacts, FileSignature } from './file-scan';

const FORMAT = 'dmalens-scan-cache-5';
/** Entries per frame: large enough that framing costs nothing, small enough to be written as the scan goes. */
const ENTRIES_PER_FRAME = 4096;

/**
 * A file modified this close to the start of the scan that read it might be modified again within the
 * same time stamp tick without its signature changing (git calls this "racy"); such entries are re-hashed.
 */
const RACY_WINDOW_MS = 2000;

/** Cache files of trees not scanned for this long are deleted, so the folder cannot grow without bound. */
const STALE_AFTER_MS = 30 * 24 * 3600_000;

export interface CacheEntry {
  signature: FileSignature;
  signatureTrusted: boolean;
  hash: string | null;
  /** The encoded facts (file-scan.ts `encodeFacts`); null for files without any catalogue name. */
  facts: Uint8Array | null;
}

interface CacheHeader {
  format: string;
  key: string;
}

type EntryFrame = [path: string, entry: CacheEntry][];

/** `$XDG_CACHE_HOME/dmalens`, or `~/.cache/dmalens`. */
export function defaultCacheDir(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'dmalens');
}

export interface CacheKeyParts {
  toolFingerprint: string;
  roots: readonly string[];
  analysisOptions: unknown;
  maxFileSize: number;
}

/**
 * The cache file of a set of roots and options, and the key its content must carry. The tool fingerprint
 * is in the key, not in the file name: a new build finds the old file, sees the key differ, starts afresh
 * and overwrites it, so the cache folder does not collect one stale file per build.
 */
export function cacheIdentity(parts: CacheKeyParts): { fileName: string; key: string } {
  const roots = parts.roots.map((root) => resolve(root)).sort();
  const scope = JSON.stringify([FORMAT, roots, parts.analysisOptions ?? null, parts.maxFileSize]);
  return {
    fileName: `scan-${createHash('sha1').update(scope).digest('hex')}.bin`,
    key: createHash('sha1')
      .update(JSON.stringify([scope, parts.toolFingerprint]))
      .digest('hex'),
  };
}

/** A fingerprint of the code that produced the cached facts: the content of the bundle that analyses files. */
export function fileFingerprint(path: string): string {
  return createHash('sha1').update(readFileSync(path)).digest('hex');
}

export class ScanCache {
  private readonly previous: Map<string, CacheEntry>;
  /** The entries of this scan, for a re-scan, which writes them at the end if anything changed. */
  private readonly next = new Map<string, CacheEntry>();
  private changed = false;
  /** The build files behind the cached targets (build-record.ts), carried over and added to by this scan. */
  private readonly buildInputs: Map<string, string>;
  /** On a first scan, the file being written as the scan goes. */
  private readonly streaming: FrameWriter | null;
  /** Why the cache could not be loaded or saved, for the scan summary; the scan itself goes on without it. */
  readonly problems: string[] = [];

  private constructor(
    private readonly file: string | null,
    private readonly key: string,
    previous: Map<string, CacheEntry>,
    private readonly scanStartedMs: number,
    buildInputs = new Map<string, string>(),
  ) {
    this.previous = previous;
    this.buildInputs = buildInputs;
    this.streaming = file && previous.size === 0 ? new FrameWriter(file, key, this.problems) : null;
  }

  /** A cache that remembers nothing and writes nothing (`cacheDir: null`). */
  static disabled(): ScanCache {
    return new ScanCache(null, '', new Map(), Date.now());
  }

  static open(cacheDir: string, identity: { fileName: string; key: string }): ScanCache {
    const { key } = identity;
    const file = join(cacheDir, identity.fileName);
    const startedMs = Date.now();
    let entries = new Map<string, CacheEntry>();
    let buildInputs: Map<string, string> | null = null;
    const problems: string[] = [];
    if (existsSync(file)) {
      try {
        const read = readEntries(readFileSync(file), key);
        entries = read.entries;
        if (read.damaged) problems.push(`cache ${file}: ${read.damaged}; those files are read again`);
        buildInputs = readBuildRecord(file, key);
        const changed = buildInputs ? changedBuildFile(buildInputs) : null;
        if (entries.size > 0 && (!buildInputs || changed)) {
          problems.push(
            changed
              ? `cache ${file}: ${changed} changed since the last scan, so every file's targets are worked out again`
              : `cache ${file}: no record of the build files behind its targets; every file is read again`,
          );
          entries = new Map();
          buildInputs = null;
        }
      } catch (error) {
        problems.push(
          `cache ${file} unreadable, starting afresh: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    const cache = new ScanCache(file, key, entries, startedMs, buildInputs ?? new Map());
    cache.problems.push(...problems);
    return cache;
  }

  /** What the reader of `path` needs to decide whether the file changed. */
  knownFor(path: string): CachedFacts | undefined {
    const entry = this.previous.get(path);
    return entry && { signature: entry.signature, signatureTrusted: entry.signatureTrusted, hash: entry.hash };
  }

  /** The encoded facts remembered for `path` (for outcomes `unchanged` and `same-content`). */
  factsFor(path: string): Uint8Array | null {
    return this.previous.get(path)?.facts ?? null;
  }

  /** Carries an entry over unchanged. */
  keep(path: string): void {
    const entry = this.previous.get(path);
    if (entry) this.put(path, entry);
  }

  /** Carries the content facts over with a new signature (the file was touched, not changed). */
  keepContent(path: string, signature: FileSignature): void {
    const entry = this.previous.get(path);
    if (!entry) return;
    this.record(path, signature, entry.hash, entry.facts);
  }

  /** Build files read for some file's targets during this scan. */
  noteBuildInputs(inputs: readonly BuildInput[]): void {
    for (const [path, stamp] of inputs) this.buildInputs.set(path, stamp);
    this.changed = true;
  }

  record(path: string, signature: FileSignature, hash: string | null, facts: Uint8Array | null): void {
    const signatureTrusted = signature.mtimeMs < this.scanStartedMs - RACY_WINDOW_MS;
    this.put(path, { signature, signatureTrusted, hash, facts });
    this.changed = true;
  }

  /**
   * Writes the entries seen by this scan (files that disappeared are dropped). Written to a temporary file
   * and renamed, so a concurrent reader sees either the old or the new cache, never half of one.
   */
  save(): void {
    if (!this.file) return;
    if (this.streaming) {
      if (this.streaming.finish()) this.saved();
      return;
    }
    if (!this.changed && this.next.size === this.previous.size) return;
    const writer = new FrameWriter(this.file, this.key, this.problems);
    for (const [path, entry] of this.next) writer.add(path, entry);
    if (writer.finish()) this.saved();
  }

  /** After the cache file is in place: the record of its build files beside it, and old files pruned. */
  private saved(): void {
    try {
      writeBuildRecord(this.file!, this.key, this.buildInputs);
    } catch (error) {
      this.problems.push(
        `cache record of build files not written: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    pruneStaleFiles(join(this.file!, '..'));
  }

  /** Drops what a first scan has written so far (the scan was cancelled). */
  discard(): void {
    this.streaming?.abandon();
  }

  private put(path: string, entry: CacheEntry): void {
    if (this.streaming) this.streaming.add(path, entry);
    else this.next.set(path, entry);
  }
}

const FRAME_HEAD = 8;

/**
 * The entries of a cache file: none when it belongs to another format or key, or when its header frame is
 * damaged; the entries of every intact frame otherwise, with `damaged` saying what was lost. A frame whose
 * length cannot be trusted ends the reading, since the frames after it cannot be found.
 */
function readEntries(bytes: Buffer, key: string): { entries: Map<string, CacheEntry>; damaged: string | null } {
  const entries = new Map<string, CacheEntry>();
  let at = 0;
  let header: CacheHeader | null = null;
  let lostFrames = 0;
  while (at < bytes.length) {
    const body = frameAt(bytes, at);
    if (body === 'truncated') {
      if (header === null) throw new Error('not a scan cache: its first frame is cut short');
      const lost = lostFrames > 0 ? `, and ${describeLost(lostFrames)}` : '';
      return { entries, damaged: `the frame at byte ${at} is cut short${lost}` };
    }
    at = body.end;
    const frame = body.bytes === null ? null : decodeFrame(body.bytes);
    if (header === null) {
      header = frame as CacheHeader | null;
      if (header === null) return { entries: new Map(), damaged: 'its header failed its checksum' };
      if (header.format !== FORMAT || header.key !== key) return { entries: new Map(), damaged: null };
      continue;
    }
    if (!Array.isArray(frame)) {
      lostFrames++;
      continue;
    }
    // A path written twice (given twice on the command line) keeps its last entry.
    for (const [path, entry] of frame as EntryFrame) entries.set(path, entry);
  }
  return { entries, damaged: lostFrames > 0 ? describeLost(lostFrames) : null };
}

function describeLost(frames: number): string {
  return `${frames} frame${frames === 1 ? '' : 's'} failed the checksum`;
}

/** The frame at `at`: its bytes when the checksum holds (null when not), and where the next one starts. */
function frameAt(bytes: Buffer, at: number): { bytes: Buffer | null; end: number } | 'truncated' {
  if (at + FRAME_HEAD > bytes.length) return 'truncated';
  const length = bytes.readUInt32LE(at);
  const checksum = bytes.readUInt32LE(at + 4);
  const end = at + FRAME_HEAD + length;
  if (end > bytes.length) return 'truncated';
  const body = bytes.subarray(at + FRAME_HEAD, end);
  return { bytes: crc32(body) === checksum ? body : null, end };
}

function decodeFrame(bytes: Buffer): unknown {
  try {
    return deserialize(bytes);
  } catch {
    return null;
  }
}

/**
 * Writes a cache file frame by frame into a temporary file, renamed over the cache by `finish`. The first
 * problem stops the writing and is kept in `problems`; the old cache then stays as it was.
 */
class FrameWriter {
  private readonly temporary: string;
  private fd: number | null = null;
  private pending: EntryFrame = [];
  private failed = false;

  constructor(
    private readonly file: string,
    private readonly key: string,
    private readonly problems: string[],
  ) {
    // Unique per writer: an index cancelled and restarted in the same process writes the same cache file.
    this.temporary = `${file}.${process.pid}-${++writersStarted}.tmp`;
  }

  add(path: string, entry: CacheEntry): void {
    if (this.failed) return;
    this.pending.push([path, entry]);
    if (this.pending.length >= ENTRIES_PER_FRAME) this.flush();
  }

  /** True when the cache file now holds everything added. */
  finish(): boolean {
    this.flush();
    if (this.failed) return false;
    try {
      closeSync(this.open());
      this.fd = null;
      renameSync(this.temporary, this.file);
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  abandon(): void {
    this.failed = true;
    this.cleanUp();
  }

  private flush(): void {
    if (this.failed || this.pending.length === 0) return;
    try {
      writeFrame(this.open(), serialize(this.pending));
      this.pending = [];
    } catch (error) {
      this.fail(error);
    }
  }

  /** The temporary file, created with its header frame on first use. */
  private open(): number {
    if (this.fd === null) {
      mkdirSync(join(this.file, '..'), { recursive: true });
      this.fd = openSync(this.temporary, 'w');
      const header: CacheHeader = { format: FORMAT, key: this.key };
      writeFrame(this.fd, serialize(header));
    }
    return this.fd;
  }

  private fail(error: unknown): void {
    this.failed = true;
    this.pending = [];
    this.problems.push(`cache not saved to ${this.file}: ${error instanceof Error ? error.message : String(error)}`);
    this.cleanUp();
  }

  private cleanUp(): void {
    try {
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      unlinkSync(this.temporary);
    } catch {
      // Nothing was written, or it is already gone.
    }
  }
}

let writersStarted = 0;

function writeFrame(fd: number, bytes: Uint8Array): void {
  const head = Buffer.alloc(FRAME_HEAD);
  head.writeUInt32LE(bytes.length, 0);
  head.writeUInt32LE(crc32(bytes), 4);
  writeAll(fd, head);
  writeAll(fd, bytes);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset);
}

/** A temporary file this old was left by a scan that was killed, since a scan writes its cache in seconds. */
const ABANDONED_AFTER_MS = 24 * 3600_000;

function pruneStaleFiles(cacheDir: string): void {
  const now = Date.now();
  for (const name of readdirSync(cacheDir)) {
    const cache = /^scan-[0-9a-f]{40}\.bin(\.build)?$/.test(name);
    if (!cache && !/^scan-[0-9a-f]{40}\.bin(\.build)?\.[\d-]+\.tmp$/.test(name)) continue;
    const path = join(cacheDir, name);
    try {
      if (statSync(path).mtimeMs < now - (cache ? STALE_AFTER_MS : ABANDONED_AFTER_MS)) unlinkSync(path);
    } catch {
      // Another scan may be replacing or removing it at the same moment.
    }
  }
}
