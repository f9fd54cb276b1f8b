// Reads the `--ops` JSON array (from a file or standard input) and validates each request, naming the
// place of any error: the JSON position as line:column, or the request index and field.
import { readFileSync } from 'node:fs';
import { parseRequest, type Request } from '@dmalens/core';
import { jsonErrorOffset, lineColumn } from './json-error-offset';
import { UsageError } from './usage-error';

/**
 * Requests in one --ops sequence: every result is kept and printed, so the bound keeps a hostile or
 * mistaken file from growing the process without end (a million requests reached 3 GB).
 */
export const MAX_OPS_REQUESTS = 4096;

export function readOpsSource(source: string): { text: string; name: string } {
  if (source === '-') {
    try {
      return { text: readFileSync(0, 'utf8'), name: 'standard input' };
    } catch (error) {
      throw new UsageError(`--ops -: cannot read standard input (${(error as Error).message})`);
    }
  }
  try {
    return { text: readFileSync(source, 'utf8'), name: source };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `--ops ${source}: cannot read the file (${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)})`,
    );
  }
}

/** Parses the JSON text into the raw request objects (kept for text output) and the validated requests. */
export function parseOps(text: string, name: string): { raw: Record<string, unknown>[]; requests: Request[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text);
    if (offset === null) throw new UsageError(`--ops ${name}: malformed JSON: ${(error as Error).message}`);
    const found = offset < text.length ? `'${text[offset]}'` : 'the end of the input';
    throw new UsageError(`--ops ${name}: malformed JSON at ${lineColumn(text, offset)}: unexpected ${found}`);
  }
  if (!Array.isArray(json))
    throw new UsageError(
      `--ops ${name}: expected a JSON array of requests, got ${json === null ? 'null' : typeof json}`,
    );
  if (json.length === 0) throw new UsageError(`--ops ${name}: the array holds no requests`);
  if (json.length > MAX_OPS_REQUESTS)
    throw new UsageError(
      `--ops ${name}: ${json.length} requests; one session takes at most ${MAX_OPS_REQUESTS} (split the sequence)`,
    );
  const requests = json.map((item, index) => {
    try {
      return parseRequest(item);
    } catch (error) {
      throw new UsageError(`--ops ${name}: request [${index}]: ${(error as Error).message}`);
    }
  });
  return { raw: json as Record<string, unknown>[], requests };
}
