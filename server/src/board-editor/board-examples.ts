// Example addresses through the pipeline for one board node: a buffer at the start of each DMA window and,
// when the board's RAM reaches beyond the windows, one outside them, each mapped by the simulation core with
// the node's board profile. The hover shows them and the RAM check quotes them: what the device sees is
// always the simulator's answer, never a formula written here.
import { formatAddress, type OpResult } from '@dmalens/core';
import type { Board, DmaWindow, DtNode } from '../devicetree';
import { editorBoardProfile } from './board-platform';
import { runSession } from '../sites';

/** A page: the buffer size of every example (dma_map_single's usual unit). */
const EXAMPLE_SIZE = 4096n;
/** Enough examples for a hover; boards rarely have more windows than this per bus. */
const MAX_WINDOW_EXAMPLES = 4;

export interface ExampleMap {
  phys: bigint;
  /** Where the address was taken from, in words. */
  where: string;
  result: OpResult | null;
  /** The core's complaint when the map could not be simulated at all. */
  error: string | null;
}

export interface NodeExamples {
  examples: ExampleMap[];
  /** What the board profile had to assume (the core's stand-in list). */
  standIns: string[];
}

export interface RamRange {
  base: bigint;
  size: bigint;
}

export function nodeExamples(board: Board, node: DtNode): NodeExamples {
  const { profile, standIns } = editorBoardProfile(board, node);
  const config = board.config(node);
  const picks: { phys: bigint; where: string }[] = [];
  const windows = config.windows ?? [];
  windows.slice(0, MAX_WINDOW_EXAMPLES).forEach((window, index) => {
    const start = firstRamIn(board.memory, window) ?? window.cpu;
    picks.push({ phys: start, where: `window ${index + 1} (cpu ${formatAddress(window.cpu)})` });
  });
  // Without memory nodes (the bootloader fills them in) the profile's stand-in RAM is used, and said so.
  const standInRam = board.memory.length === 0;
  const ram = standInRam ? profileRam(profile.params) : board.memory;
  const outside = windows.length > 0 ? ramOutside(ram, windows)[0] : undefined;
  if (outside) picks.push({ phys: outside.base, where: `${standInRam ? 'stand-in ' : ''}RAM outside every window` });
  if (picks.length === 0 && ram[0])
    picks.push({ phys: ram[0].base, where: `the start of ${standInRam ? 'the stand-in ' : ''}RAM` });
  const examples = picks.map(({ phys, where }) => {
    try {
      const run = runSession(profile, {}, [{ op: 'map_single', phys, size: EXAMPLE_SIZE, dir: 'to_device' }]);
      return { phys, where, result: run.results[0] ?? null, error: null };
    } catch (error) {
      return { phys, where, result: null, error: error instanceof Error ? error.message : String(error) };
    }
  });
  return { examples, standIns };
}

/** The map's outcome in a few words: the device address and path, or the kernel's error. */
export function outcomeText(example: ExampleMap): string {
  if (example.error) return `not simulated (${example.error})`;
  const result = example.result;
  if (!result) return 'no result';
  if (result.error || result.dma === null) return `fails: ${result.error ?? 'no address'}`;
  return `dma ${formatAddress(result.dma)} (${result.path})`;
}

/** The part of RAM that no window's CPU range covers, bank by bank, in address order. */
export function ramOutside(memory: readonly RamRange[], windows: readonly DmaWindow[]): RamRange[] {
  const covered = windows
    .filter((window) => window.size > 0n)
    .map((window) => ({ start: window.cpu, end: window.cpu + window.size }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const outside: RamRange[] = [];
  for (const bank of memory) {
    let at = bank.base;
    const end = bank.base + bank.size;
    for (const range of covered) {
      if (range.end <= at || range.start >= end) continue;
      if (range.start > at) outside.push({ base: at, size: range.start - at });
      if (range.end > at) at = range.end;
    }
    if (at < end) outside.push({ base: at, size: end - at });
  }
  return outside;
}

/** The RAM a board profile simulates: one block from ram_base, or none when the parameters do not say. */
function profileRam(params: Record<string, unknown>): RamRange[] {
  try {
    const base = BigInt(String(params.ram_base));
    const size = BigInt(String(params.ram));
    return size > 0n ? [{ base, size }] : [];
  } catch {
    return [];
  }
}

function firstRamIn(memory: readonly RamRange[], window: DmaWindow): bigint | null {
  let first: bigint | null = null;
  for (const bank of memory) {
    const start = bank.base > window.cpu ? bank.base : window.cpu;
    const end = bank.base + bank.size < window.cpu + window.size ? bank.base + bank.size : window.cpu + window.size;
    if (start < end && (first === null || start < first)) first = start;
  }
  return first;
}
