// The build files behind a scan cache's targets. Which platforms a file can run on comes from Makefiles and
// Kconfig files, not from the file itself, so a cached result stays true only while those files do. Beside
// each cache file lies a record of every build file its scans read, with its size and time (or `absent`); a
// scan that finds one of them changed analyses every file again instead of serving targets that no longer hold.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { buildFileStamp } from '../kernel-tree';
import type { BuildInput } from './file-scan';

interface BuildRecord {
  key: string;
  inputs: BuildInput[];
}

export function buildRecordFile(cacheFile: string): string {
  return `${cacheFile}.build`;
}

/** The inputs recorded for the cache with `key`; null when there is no such record or it cannot be read. */
export function readBuildRecord(cacheFile: string, key: string): Map<string, string> | null {
  try {
    const record = JSON.parse(readFileSync(buildRecordFile(cacheFile), 'utf8')) as BuildRecord;
    if (record.key !== key || !Array.isArray(record.inputs)) return null;
    return new Map(record.inputs.filter((input) => typeof input[0] === 'string' && typeof input[1] === 'string'));
  } catch {
    return null;
  }
}

/** The first recorded build file whose stamp differs now, or null when all still hold. */
export function changedBuildFile(inputs: ReadonlyMap<string, string>): string | null {
  for (const [path, stamp] of inputs) if (buildFileStamp(path) !== stamp) return path;
  return null;
}

/** Written beside the cache file, through a temporary file and a rename like the cache itself. */
export function writeBuildRecord(cacheFile: string, key: string, inputs: ReadonlyMap<string, string>): void {
  const file = buildRecordFile(cacheFile);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ key, inputs: [...inputs] } satisfies BuildRecord));
  renameSync(temporary, file);
}
