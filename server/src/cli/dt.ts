// `dmalens dt FILE.dts [--include DIR]... [--overlay FILE]... [--node PATH] [--json]`: resolves a board as the
// kernel build does and prints, for every enabled device node, the DMA configuration Linux 6.1 gives it at
// of_dma_configure time. Problems go to stderr with file:line; exit 1 when dtc would not build the board.
import { existsSync, statSync } from 'node:fs';
import {
  BoardOpener,
  boardJson,
  compatibleText,
  describeBoard,
  describeConfig,
  isBoardArch,
  problemLines,
  type Board,
} from '../devicetree';
import { parseArgs } from './args';
import { DT_HELP } from './help';
import { print, printError, printJson } from './output';
import { UsageError } from './usage-error';

export async function dtCommand(argv: readonly string[]): Promise<void> {
  const parsed = parseArgs(argv, { values: ['include', 'overlay', 'node', 'arch'], flags: ['json', 'help'] }, 'dt');
  if (parsed.flags.has('help')) return print(DT_HELP);
  const [file, ...extra] = parsed.positionals;
  if (!file) throw new UsageError('dt: give a .dts file (see dmalens dt --help)');
  if (extra.length) throw new UsageError(`dt: one board at a time (got '${extra.join(' ')}' after ${file})`);
  const overlays = parsed.values.get('overlay') ?? [];
  for (const path of [file, ...overlays]) mustBeFile(path);
  for (const dir of parsed.values.get('include') ?? [])
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`dt: --include ${dir}: not a folder`);
  const arch = parsed.values.get('arch')?.[0];
  if (arch !== undefined && !isBoardArch(arch))
    throw new UsageError(`dt: --arch ${arch}: expected arm, arm64, powerpc, mips or riscv`);
  const board = await new BoardOpener().open({
    file,
    includeDirs: parsed.values.get('include'),
    overlays,
    arch,
  });
  const nodes = selectNodes(board, parsed.values.get('node')?.[0]);
  for (const line of problemLines(board)) printError(line);
  if (parsed.flags.has('json')) printJson(boardJson(file, board, nodes));
  else print(textReport(board, file, nodes));
  if (board.failed) process.exitCode = 1;
}

function mustBeFile(path: string): void {
  if (!existsSync(path)) throw new UsageError(`dt: ${path}: no such file`);
  if (!statSync(path).isFile()) throw new UsageError(`dt: ${path}: not a file`);
}

function selectNodes(board: Board, path: string | undefined): ReturnType<Board['devices']> {
  if (path === undefined) return board.devices();
  const node = board.node(path);
  if (!node) {
    const near = board.devices().filter((device) => device.path.includes(path.split('/').pop() ?? path));
    const hint = near.length
      ? ` (did you mean ${near
          .slice(0, 3)
          .map((device) => device.path)
          .join(', ')}?)`
      : '';
    throw new UsageError(`dt: no node ${path} in ${board.file}${hint}`);
  }
  return [node];
}

function textReport(board: Board, file: string, nodes: ReturnType<Board['devices']>): string {
  const lines = describeBoard(board, file);
  const mapped = nodes.filter((node) => board.config(node).windows !== null).length;
  lines.push(`${nodes.length} device node${nodes.length === 1 ? '' : 's'}, ${mapped} with a DMA range map`, '');
  for (const node of nodes) {
    lines.push(`${node.path}  [${compatibleText(node)}]`);
    for (const line of describeConfig(board.config(node))) lines.push(`  ${line}`);
    lines.push('');
  }
  return lines.join('\n');
}
