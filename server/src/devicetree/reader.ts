// Source files from disk, each read once per reader, with open editor buffers in front. Huge or binary files
// are treated as unreadable rather than fed to the preprocessor.
import { readFileSync, statSync } from 'node:fs';
import type { SourceReader } from './preprocess';

/** Device-tree sources and binding headers are small; the largest 6.1 .dtsi is under 300 KiB. */
export const MAX_SOURCE_BYTES = 8 << 20;

export class FileReader implements SourceReader {
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly overlay: (path: string) => string | undefined = () => undefined) {}

  read(path: string): string | null {
    const open = this.overlay(path);
    if (open !== undefined) return open;
    let text = this.cache.get(path);
    if (text === undefined) {
      text = readSource(path);
      this.cache.set(path, text);
    }
    return text;
  }

  /** Forgets a file so the next read sees its new content. */
  forget(path: string): void {
    this.cache.delete(path);
  }
}

function readSource(path: string): string | null {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MAX_SOURCE_BYTES) return null;
    const buffer = readFileSync(path);
    // A NUL byte in the first kilobytes marks a binary file (a .dtb opened by mistake).
    if (buffer.subarray(0, 8192).includes(0)) return null;
    return buffer.toString('utf8');
  } catch {
    return null;
  }
}
