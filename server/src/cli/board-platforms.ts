// `--dts FILE --node PATH` on the command line: board nodes as platforms, resolved from the device tree as
// the kernel build and of_dma_configure would, with the board's problems on stderr.
import { existsSync, statSync } from 'node:fs';
import type { PlatformProfile } from '@dmalens/core';
import { BoardOpener, boardNodeProfile, isBoardArch, problemLines } from '../devicetree';
import type { ParsedArgs } from './args';
import { printError } from './output';
import { UsageError } from './usage-error';

export async function boardPlatforms(parsed: ParsedArgs, command: string): Promise<PlatformProfile[]> {
  const dts = parsed.values.get('dts');
  const nodes = parsed.values.get('node') ?? [];
  if (!dts) {
    if (nodes.length) throw new UsageError(`${command}: --node needs --dts FILE`);
    return [];
  }
  if (dts.length > 1) throw new UsageError(`${command}: --dts may be given once (use --node several times)`);
  const file = dts[0]!;
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`${command}: --dts ${file}: no such file`);
  if (nodes.length === 0) throw new UsageError(`${command}: --dts needs --node PATH (see dmalens dt ${file})`);
  const arch = parsed.values.get('arch')?.[0];
  if (arch !== undefined && !isBoardArch(arch))
    throw new UsageError(`${command}: --arch ${arch}: expected arm, arm64, powerpc, mips or riscv`);
  const board = await new BoardOpener().open({
    file,
    includeDirs: parsed.values.get('include'),
    overlays: parsed.values.get('overlay'),
    arch,
  });
  for (const line of problemLines(board)) printError(line);
  return nodes.map((path) => {
    const node = board.node(path);
    if (!node) throw new UsageError(`${command}: no node ${path} in ${file} (dmalens dt ${file} lists them)`);
    const { profile, standIns } = boardNodeProfile(board, node);
    for (const standIn of standIns) printError(`${profile.id}: stand-in: ${standIn}`);
    return profile;
  });
}
