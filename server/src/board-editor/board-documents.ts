// The device-tree documents open in the editor (.dts, .dtsi, .dtso), each resolved as a board the way
// `dmalens dt` resolves it, with the editor's unsaved text in front of the files on disk. A .dtsi is resolved
// as part of a board that includes it (alone it has neither /dts-v1/ nor the board's status overrides). One
// opener serves every document, so the headers that boards share are read and tokenized once; an edit
// forgets only the edited file, and a board is resolved again only when one of the files it read changed.
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { BoardOpener, kernelIncludePrefixes, type Board } from '../devicetree';
import { MAX_SOURCE_BYTES } from '../devicetree/reader';
import { canonicalPath, DtsIncludeIndex } from './dts-include-index';
import { overlayBase } from './overlay-base';

/** A device-tree source by its name, as the kernel's Makefiles name them. */
export function isDeviceTreePath(path: string): boolean {
  return /\.(dts|dtsi|dtso)$/i.test(path);
}

/** A document's board: the board itself, or for a .dtsi the board it was resolved in. */
export interface DocumentBoard {
  board: Board;
  /** The document's own file as the board's origins name it, whatever link it was reached through. */
  inFile: (path: string) => boolean;
  /**
   * The board the document was resolved in when it is not the top file: the board that includes a .dtsi, or
   * the base an overlay is applied to; null when the document is the board.
   */
  via: { file: string; how: 'included' | 'overlay' } | null;
}

interface Resolved {
  version: number;
  board: Promise<DocumentBoard>;
  /** The files the board read (as it named them, links and all), once it is resolved. */
  files: readonly string[] | null;
}

export class BoardDocuments {
  private readonly documents = new Map<string, TextDocument>();
  /** Open documents by canonical file path, for the opener's reads. */
  private readonly byPath = new Map<string, TextDocument>();
  private readonly resolved = new Map<string, Resolved>();
  private readonly canonical = new Map<string, string>();
  private readonly indexes = new Map<string, DtsIncludeIndex>();
  private readonly opener = new BoardOpener((path) => this.byPath.get(this.canonicalOf(path))?.getText());

  has(uri: string): boolean {
    return this.documents.has(uri);
  }

  uris(): string[] {
    return [...this.documents.keys()];
  }

  document(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  open(uri: string, version: number, text: string): void {
    this.store(uri, TextDocument.create(uri, 'dts', version, text));
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void {
    const document = this.documents.get(uri);
    if (document) this.store(uri, TextDocument.update(document, changes, version));
  }

  close(uri: string): void {
    this.documents.delete(uri);
    this.resolved.delete(uri);
    const path = pathOf(uri);
    if (path) {
      this.byPath.delete(this.canonicalOf(path));
      this.changed(path);
    }
  }

  /** A file changed on disk (a header a board includes): boards that read it are resolved again. */
  fileChanged(path: string): void {
    this.changed(path);
    // A new or removed #include changes which boards include a .dtsi.
    if (isDeviceTreePath(path)) this.indexes.clear();
  }

  /** Why the document is not resolved (binary or huge), or undefined when it is. */
  skipNote(uri: string): string | undefined {
    const text = this.documents.get(uri)?.getText();
    if (text === undefined) return undefined;
    if (text.length > MAX_SOURCE_BYTES)
      return `not resolved: ${text.length} characters, more than a device tree source holds (${MAX_SOURCE_BYTES})`;
    if (text.slice(0, 8000).includes('\u0000')) return 'not resolved: the file looks binary (a .dtb?); open its source';
    return undefined;
  }

  /** The board the document resolves to, for its current version; null for documents that are not files. */
  board(uri: string): Promise<DocumentBoard> | null {
    const document = this.documents.get(uri);
    const path = pathOf(uri);
    if (!document || !path || this.skipNote(uri)) return null;
    const known = this.resolved.get(uri);
    if (known && known.version === document.version) return known.board;
    const entry: Resolved = { version: document.version, board: this.resolve(path, document.getText()), files: null };
    this.resolved.set(uri, entry);
    entry.board.then(
      (resolved) => (entry.files = resolved.board.files),
      () => {
        if (this.resolved.get(uri) === entry) this.resolved.delete(uri);
      },
    );
    return entry.board;
  }

  /** A board resolved with the editor's buffers in front of the disk, sharing this opener's caches. */
  openBoard(file: string): Promise<Board> {
    return this.opener.open({ file });
  }

  /** The index of device-tree sources around a file: its kernel tree's, or its folder's. */
  includeIndex(file: string): DtsIncludeIndex {
    const prefixes = kernelIncludePrefixes(file);
    const root = prefixes ? dirname(dirname(dirname(prefixes))) : dirname(file);
    let index = this.indexes.get(root);
    if (!index) {
      index = new DtsIncludeIndex(root, prefixes !== null);
      this.indexes.set(root, index);
    }
    return index;
  }

  /**
   * The board a file opens as: itself; for a .dtsi the nearest board that includes it; for an overlay the
   * base its Makefile applies it to, with the overlays before it.
   */
  private async resolve(path: string, text: string): Promise<DocumentBoard> {
    const own = this.canonicalOf(path);
    const inFile = (file: string) => this.canonicalOf(file) === own;
    if (path.endsWith('.dtsi')) {
      const board = this.includeIndex(path).boardsIncluding(path)[0];
      if (board)
        return { board: await this.opener.open({ file: board }), inFile, via: { file: board, how: 'included' } };
    }
    const composite = text.includes('/plugin/') ? overlayBase(path) : null;
    if (composite) {
      const board = await this.opener.open({ file: composite.base, overlays: composite.overlays });
      return { board, inFile, via: { file: composite.base, how: 'overlay' } };
    }
    return { board: await this.opener.open({ file: path }), inFile, via: null };
  }

  private store(uri: string, document: TextDocument): void {
    this.documents.set(uri, document);
    const path = pathOf(uri);
    if (!path) return;
    this.byPath.set(this.canonicalOf(path), document);
    this.changed(path);
  }

  /** Forgets what was read of the file and every resolution that read it. */
  private changed(path: string): void {
    this.opener.forget(path);
    const own = this.canonicalOf(path);
    for (const [uri, entry] of this.resolved) {
      // A resolution still under way may have read the old text: it is dropped as well.
      const read = entry.files?.filter((file) => this.canonicalOf(file) === own);
      if (read === undefined || read.length > 0) this.resolved.delete(uri);
      // The board may have reached the file through a link (the kernel's include-prefixes).
      for (const file of read ?? []) this.opener.forget(file);
    }
  }

  private canonicalOf(path: string): string {
    let known = this.canonical.get(path);
    if (known === undefined) {
      known = canonicalPath(path);
      this.canonical.set(path, known);
    }
    return known;
  }
}

/** Which board a hover speaks of: `as part of bcm2711-rpi-4-b.dts`, `applied to base.dts`, `from board.dts`. */
export function boardWords(resolved: DocumentBoard): string {
  if (!resolved.via) return `from ${basename(resolved.board.file)}`;
  const base = basename(resolved.via.file);
  return resolved.via.how === 'included' ? `as part of ${base}` : `applied to ${base}, as its Makefile builds it`;
}

function pathOf(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}
