// A board node as a platform in the editor: its id and its profile, built by the device-tree layer from the
// node's DMA configuration (devicetree/profile.ts) and named so that boards of one name stay apart.
import type { PlatformProfile } from '@dmalens/core';
import { boardNodeProfile, type Board, type DtNode } from '../devicetree';

/**
 * The platform id of a board node in the editor: the board's path from arch/ on and the node's path, so that
 * the arm and arm64 builds of one board (bcm2711-rpi-4-b.dts in both) stay two platforms.
 */
export function boardRowId(board: Board, node: DtNode): string {
  return `${treePath(board.file)}:${node.path}`;
}

/** A board file from its tree's arch/ folder on (`arch/arm64/boot/dts/broadcom/x.dts`), else as it is. */
export function treePath(file: string): string {
  const arch = file.lastIndexOf('/arch/');
  return arch >= 0 ? file.slice(arch + 1) : file;
}

/** The node's board profile under its editor id (boardRowId). */
export function editorBoardProfile(board: Board, node: DtNode): { profile: PlatformProfile; standIns: string[] } {
  const { profile, standIns } = boardNodeProfile(board, node);
  return { profile: { ...profile, id: boardRowId(board, node) }, standIns };
}
