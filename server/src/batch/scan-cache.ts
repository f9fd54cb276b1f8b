// The scan cache: per file, the signature (size, mtime, inode), the content hash of candidate files and
// the facts found in them. A re-scan of an unchanged tree then costs an fstat per file; a file whose signature
// changed is re-read and re-analysed only when its content hash differs too.
//
// One cache file per set of scan roots and analysis options, stored with v8.serialize (bigints survive,
// and it is several times faster than JSON for this shape). The key includes a fingerprint of the tool
// build, so any change to the extractor or the checks starts a fresh cache instead of serving stale facts.
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync, existsSync, unlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { CachedFacts, FileSignature } from './file-scan';

const FORMAT = 'dmalens-scan-cache-2';

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

interface CacheFile {
  format: string;
  key: string;
  entries: Map<string, CacheEntry>;
}

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
    key: createHash('sha1').update(JSON.stringify([scope, parts.toolFingerprint])).digest('hex'),
  };
}

/** A fingerprint of the code that produced the cached facts: the content of the bundle that analyses files. */
export function fileFingerprint(path: string): string {
  return createHash('sha1').update(readFileSync(path)).digest('hex');
}

export class ScanCache {
  private readonly previous: Map<string, CacheEntry>;
  private readonly next = new Map<string, CacheEntry>();
  private changed = false;
  /** Why the cache could not be loaded or saved, for the scan summary; the scan itself goes on without it. */
  readonly problems: string[] = [];

  private constructor(
    private readonly file: string | null,
    private readonly key: string,
    previous: Map<string, CacheEntry>,
    private readonly scanStartedMs: number,
  ) {
    this.previous = previous;
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
    const problems: string[] = [];
    if (existsSync(file)) {
      try {
        const loaded = deserialize(readFileSync(file)) as CacheFile;
        if (loaded.format === FORMAT && loaded.key === key && loaded.entries instanceof Map) entries = loaded.entries;
      } catch (error) {
        problems.push(`cache ${file} unreadable, starting afresh: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const cache = new ScanCache(file, key, entries, startedMs);
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
    if (entry) this.next.set(path, entry);
  }

  /** Carries the content facts over with a new signature (the file was touched, not changed). */
  keepContent(path: string, signature: FileSignature): void {
    const entry = this.previous.get(path);
    if (!entry) return;
    this.record(path, signature, entry.hash, entry.facts);
  }

  record(path: string, signature: FileSignature, hash: string | null, facts: Uint8Array | null): void {
    const signatureTrusted = signature.mtimeMs < this.scanStartedMs - RACY_WINDOW_MS;
    this.next.set(path, { signature, signatureTrusted, hash, facts });
    this.changed = true;
  }

  /**
   * Writes the entries seen by this scan (files that disappeared are dropped). Written to a temporary file
   * and renamed, so a concurrent reader sees either the old or the new cache, never half of one.
   */
  save(): void {
    if (!this.file) return;
    if (!this.changed && this.next.size === this.previous.size) return;
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      const content: CacheFile = { format: FORMAT, key: this.key, entries: this.next };
      writeFileSync(temporary, serialize(content));
      renameSync(temporary, this.file);
      pruneStaleFiles(join(this.file, '..'));
    } catch (error) {
      this.problems.push(`cache not saved to ${this.file}: ${error instanceof Error ? error.message : String(error)}`);
      try {
        unlinkSync(temporary);
      } catch {
        // Nothing was written, or it is already gone.
      }
    }
  }
}

function pruneStaleFiles(cacheDir: string): void {
  const cutoff = Date.now() - STALE_AFTER_MS;
  for (const name of readdirSync(cacheDir)) {
    if (!/^scan-[0-9a-f]{40}\.bin$/.test(name)) continue;
    const path = join(cacheDir, name);
    try {
      if (statSync(path).mtimeMs < cutoff) unlinkSync(path);
    } catch {
      // Another scan may be replacing or removing it at the same moment.
    }
  }
}
