// Resolving boards from disk, for the CLI and the language server: one reader and one token cache per
// opener, so the headers a set of boards shares are read and tokenized once.
import { resolve } from 'node:path';
import { resolveBoard, type Board, type BoardRequest } from './board';
import { createMacroEngine } from './macros';
import { FileReader } from './reader';
import type { PpToken } from '../preprocessor';

export class BoardOpener {
  readonly reader: FileReader;
  private readonly tokenCache = new Map<string, { text: string; tokens: PpToken[] }>();

  constructor(openText: (path: string) => string | undefined = () => undefined) {
    this.reader = new FileReader(openText);
  }

  open(request: BoardRequest): Promise<Board> {
    return resolveBoard(
      {
        ...request,
        file: resolve(request.file),
        includeDirs: request.includeDirs?.map((dir) => resolve(dir)),
        overlays: request.overlays?.map((file) => resolve(file)),
      },
      { reader: this.reader, macros: createMacroEngine, tokenCache: this.tokenCache },
    );
  }

  /** Forgets what was read of a file (it changed on disk). */
  forget(path: string): void {
    this.reader.forget(path);
    this.tokenCache.delete(path);
  }
}
