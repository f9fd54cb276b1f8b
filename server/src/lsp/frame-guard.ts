// Watches the framing of the messages a client sends over stdio. The JSON-RPC library reports a header
// without a usable Content-Length and then waits, with the rest of the stream misaligned, answering nothing
// for ever; a Content-Length of 10 GB makes it buffer until memory runs out. Once the framing is lost no later
// byte can be trusted, so the server says why on stderr and exits, and the client can start a fresh server.
// A well-framed body that is not JSON keeps the framing: the library drops it and reads on.

/** The largest message body accepted: a whole document of any size the server analyses, with room to spare. */
export const MAX_BODY_BYTES = 256 * 2 ** 20;
/** A header block longer than this is not an LSP header. */
const MAX_HEADER_BYTES = 16 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

export class FrameGuard {
  private header: Buffer = Buffer.alloc(0);
  private bodyLeft = 0;

  /** Follows the stream through `chunk`; returns what broke the framing, or null while it holds. */
  inspect(chunk: Buffer): string | null {
    let at = 0;
    while (at < chunk.length) {
      if (this.bodyLeft > 0) {
        const taken = Math.min(this.bodyLeft, chunk.length - at);
        this.bodyLeft -= taken;
        at += taken;
        continue;
      }
      const next = this.header.length === 0 ? this.headerInChunk(chunk, at) : this.headerAcrossChunks(chunk, at);
      if (typeof next === 'string') return next;
      if (next === null) return null;
      at = next;
    }
    return null;
  }

  /** A header that starts in this chunk: the offset after it, null when it goes on in the next chunk, or a problem. */
  private headerInChunk(chunk: Buffer, at: number): number | string | null {
    const end = chunk.indexOf(HEADER_END, at);
    if (end < 0) return this.keepPartialHeader(Buffer.from(chunk.subarray(at)));
    return this.startBody(chunk.toString('ascii', at, end)) ?? end + HEADER_END.length;
  }

  /** The rest of a header begun in an earlier chunk (the only case that copies bytes). */
  private headerAcrossChunks(chunk: Buffer, at: number): number | string | null {
    const before = this.header.length;
    const joined = Buffer.concat([this.header, chunk.subarray(at)]);
    const end = joined.indexOf(HEADER_END);
    if (end < 0) return this.keepPartialHeader(joined);
    this.header = Buffer.alloc(0);
    return this.startBody(joined.toString('ascii', 0, end)) ?? at + end + HEADER_END.length - before;
  }

  private keepPartialHeader(partial: Buffer): string | null {
    this.header = partial;
    return partial.length > MAX_HEADER_BYTES ? `a header longer than ${MAX_HEADER_BYTES} bytes` : null;
  }

  /** Reads the header block's Content-Length; the problem with it, or null. */
  private startBody(block: string): string | null {
    const fields = block.split('\r\n').map((line) => /^([^:]+):\s*(.*)$/.exec(line));
    if (fields.some((field) => field === null)) return `a header line without "name: value": ${quote(block)}`;
    const length = fields.find((field) => field![1]!.trim().toLowerCase() === 'content-length')?.[2]?.trim();
    if (length === undefined) return `a header without Content-Length: ${quote(block)}`;
    if (!/^\d+$/.test(length)) return `a Content-Length that is not a byte count: ${quote(length)}`;
    const bytes = Number(length);
    if (bytes > MAX_BODY_BYTES) return `a Content-Length of ${length} bytes, over the ${MAX_BODY_BYTES}-byte limit`;
    this.bodyLeft = bytes;
    return null;
  }
}

function quote(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}

/** Exits with the reason on stderr as soon as the client's stream loses its framing. */
export function watchFraming(input: NodeJS.ReadableStream): void {
  const guard = new FrameGuard();
  input.on('data', (chunk: Buffer) => {
    const problem = guard.inspect(chunk);
    if (!problem) return;
    process.stderr.write(
      `dmalens-language-server: the client's message stream lost its framing (${problem}); exiting so that the client can start a fresh server\n`,
    );
    process.exit(1);
  });
}
