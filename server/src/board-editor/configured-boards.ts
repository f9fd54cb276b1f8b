// Board nodes named in the settings (`dmalens.boards`): shown as platforms beside the built-in profiles on
// every file, as `dmalens simulate --dts FILE --node PATH` shows them on the command line. They are resolved
// in the background when the settings change; what cannot be resolved is said in words, once.
import { isAbsolute, join } from 'node:path';
import { existsSync } from 'node:fs';
import { editorBoardProfile } from './board-platform';
import type { BoardDocuments } from './board-documents';
import type { BoardRow } from './driver-boards';

export interface ConfiguredBoard {
  dts: string;
  node: string;
}

export class ConfiguredBoards {
  private current: BoardRow[] = [];
  private generation = 0;

  constructor(
    private readonly boards: BoardDocuments,
    /** Called when rows arrive, with the problems met (each a sentence). */
    private readonly onReady: (problems: string[]) => void,
  ) {}

  rows(): readonly BoardRow[] {
    return this.current;
  }

  /** Resolves the entries again; relative paths are taken from the first workspace folder. */
  set(entries: readonly ConfiguredBoard[], folder: string | null): void {
    const generation = ++this.generation;
    this.current = [];
    if (entries.length === 0) return;
    void this.resolve(entries, folder).then(({ rows, problems }) => {
      if (generation !== this.generation) return;
      this.current = rows;
      this.onReady(problems);
    });
  }

  private async resolve(
    entries: readonly ConfiguredBoard[],
    folder: string | null,
  ): Promise<{ rows: BoardRow[]; problems: string[] }> {
    const rows: BoardRow[] = [];
    const problems: string[] = [];
    for (const entry of entries) {
      const file = isAbsolute(entry.dts) || !folder ? entry.dts : join(folder, entry.dts);
      if (!existsSync(file)) {
        problems.push(`dmalens.boards: ${entry.dts}: no such file; that board is left out.`);
        continue;
      }
      const board = await this.boards.openBoard(file);
      const node = board.node(entry.node);
      if (!node) {
        problems.push(`dmalens.boards: ${entry.dts} has no node ${entry.node}; that board is left out.`);
        continue;
      }
      if (board.failed)
        problems.push(
          `dmalens.boards: ${entry.dts} has errors (open it to see them); its node is simulated as resolved.`,
        );
      const { profile, standIns } = editorBoardProfile(board, node);
      rows.push({ profile, board: board.file, node: node.path, compatible: '', line: -1, alsoOn: [], standIns });
    }
    return { rows, problems };
  }
}
