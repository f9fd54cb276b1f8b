// From a driver to the boards it runs on: the compatibles of its of_device_id tables lead, through the
// device-tree sources of its kernel tree, to the enabled nodes that bind to it, and each such node becomes a
// platform row beside the built-in profiles (devicetree/profile.ts). Finding them reads every source of the
// tree once and resolves a few boards, so it runs in the background: a file's first answer may be empty,
// and `onReady` says when its rows arrive. Boards that give the node the same DMA configuration share a row.
import { basename } from 'node:path';
import type { PlatformProfile } from '@dmalens/core';
import { ofCompatibles, type OfCompatible } from './of-device-ids';
import { boardDeviceFacts, type Board, type DtNode } from '../devicetree';
import { editorBoardProfile } from './board-platform';
import { wireJson } from '../sites/wire';
import type { BoardDocuments } from './board-documents';
import type { DtsIncludeIndex } from './dts-include-index';

export interface BoardRow {
  profile: PlatformProfile;
  /** The board file and node the row simulates. */
  board: string;
  node: string;
  /** The table entry that matched, with its zero-based line in the driver. */
  compatible: string;
  line: number;
  /** Other board nodes with the same DMA configuration: the board's file and the node's path. */
  alsoOn: { board: string; node: string }[];
  standIns: string[];
}

/** Boards resolved per driver at most: each costs tens of milliseconds, and one row per configuration is enough. */
const MAX_BOARDS_TRIED = 12;

interface Entry {
  key: string;
  rows: BoardRow[];
}

export class DriverBoards {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly boards: BoardDocuments,
    private readonly onReady: (uri: string) => void,
    private readonly log: (message: string) => void,
  ) {}

  /** The rows known now for the driver (empty while they are being found); `max` 0 turns the search off. */
  rows(uri: string, file: string, text: string, max: number): BoardRow[] {
    const compatibles = max > 0 ? ofCompatibles(text) : [];
    if (compatibles.length === 0) {
      this.entries.delete(uri);
      return [];
    }
    const key = JSON.stringify([compatibles.map((entry) => entry.compatible), max]);
    const known = this.entries.get(uri);
    if (known && known.key === key) return withLines(known.rows, compatibles);
    const entry: Entry = { key, rows: [] };
    this.entries.set(uri, entry);
    findDriverBoards(this.boards, file, compatibles, max).then(
      (rows) => {
        if (this.entries.get(uri) !== entry) return;
        entry.rows = rows;
        if (rows.length > 0) this.onReady(uri);
      },
      (error: unknown) => this.log(`boards of ${uri}: ${error instanceof Error ? error.message : String(error)}`),
    );
    return [];
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  /** Forgets every answer (a device tree changed). */
  clear(): void {
    this.entries.clear();
  }
}

/**
 * The board rows of a driver: the enabled nodes of the boards around `file` (its kernel tree's, or its
 * folder's) whose compatible is one of the driver's, one row per distinct DMA configuration, at most `max`.
 */
export async function findDriverBoards(
  boards: BoardDocuments,
  file: string,
  compatibles: readonly OfCompatible[],
  max: number,
): Promise<BoardRow[]> {
  const index = boards.includeIndex(file);
  const wanted = new Set(compatibles.map((entry) => entry.compatible));
  const rows: BoardRow[] = [];
  const bySignature = new Map<string, BoardRow>();
  for (const boardFile of candidateBoards(index, compatibles).slice(0, MAX_BOARDS_TRIED)) {
    // Let requests through between boards: each resolution holds the thread for tens of milliseconds.
    await new Promise((resolve) => setImmediate(resolve));
    const board = await boards.openBoard(boardFile);
    if (board.failed) continue;
    for (const node of board.devices()) {
      const compatible = node.strings('compatible')?.find((name) => wanted.has(name));
      if (!compatible) continue;
      const signature = configSignature(board, node);
      const same = bySignature.get(signature);
      if (same) same.alsoOn.push({ board: board.file, node: node.path });
      else if (rows.length < max) {
        const row = rowFor(board, node, compatible, compatibles);
        rows.push(row);
        bySignature.set(signature, row);
      }
    }
  }
  return rows;
}

/**
 * The boards to try, taking the table's compatibles in turn (a driver for a whole chip family gets a row
 * per family member before a second board of one member). Within one compatible, arm64 boards come first:
 * a board that runs both 32- and 64-bit kernels is mostly run with a 64-bit one.
 */
function candidateBoards(index: DtsIncludeIndex, compatibles: readonly OfCompatible[]): string[] {
  const sources = index.filesWithStrings(compatibles.map((entry) => entry.compatible));
  const perCompatible = compatibles.map(({ compatible }) => {
    const boards: string[] = [];
    for (const source of sources.get(compatible) ?? [])
      for (const board of [...(source.endsWith('.dts') ? [source] : []), ...index.boardsIncluding(source)])
        if (!boards.includes(board)) boards.push(board);
    return [...boards.filter(isArm64Board), ...boards.filter((board) => !isArm64Board(board))];
  });
  const order: string[] = [];
  for (let turn = 0; perCompatible.some((boards) => turn < boards.length); turn++)
    for (const boards of perCompatible) {
      const board = boards[turn];
      if (board && !order.includes(board)) order.push(board);
    }
  return order;
}

function isArm64Board(file: string): boolean {
  return file.includes('/arch/arm64/');
}

/** What decides the node's DMA: equal for boards whose node is configured alike, whatever their RAM or name. */
function configSignature(board: Board, node: DtNode): string {
  const { id, title, short, sources, ram, ...dma } = boardDeviceFacts(board, node);
  void [id, title, short, sources, ram];
  return wireJson(dma);
}

function rowFor(board: Board, node: DtNode, compatible: string, compatibles: readonly OfCompatible[]): BoardRow {
  const { profile, standIns } = editorBoardProfile(board, node);
  const name = basename(board.file).replace(/\.dts$/, '');
  return {
    profile: { ...profile, title: `${name} (${board.arch ?? 'arch unknown'}) ${node.name}` },
    board: board.file,
    node: node.path,
    compatible,
    line: compatibles.find((entry) => entry.compatible === compatible)?.line ?? 0,
    alsoOn: [],
    standIns,
  };
}

/** The rows with the lines their compatibles are on now (edits above the table move them). */
function withLines(rows: readonly BoardRow[], compatibles: readonly OfCompatible[]): BoardRow[] {
  return rows.map((row) => ({
    ...row,
    line: compatibles.find((entry) => entry.compatible === row.compatible)?.line ?? row.line,
  }));
}
