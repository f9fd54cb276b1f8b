// One board, resolved as the kernel build resolves it: cpp with the kernel's DTS include paths, dtc's parse
// and tree building, overlays applied in order, then what the kernel reads at boot (RAM, reserved memory) and
// at probe (each device's DMA configuration). Everything the editor, the CLI and the simulator know about a
// board comes from here.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { archFromCpus, archFromPath, defaultCoherence } from './arch';
import { TreeBuilder } from './build';
import { configureDma, type BoardArch, type BoardFacts, type DmaConfig } from './dma-config';
import { initDevicetreeParser, parseDevicetree } from './grammar';
import type { PpToken } from '../preprocessor/tokens';
import { tokenize } from '../preprocessor/tokens';
import type { MacroEngine } from './macros';
import { memoryBanks, reservedRegions, type MemoryBank } from './memory';
import { preprocess, type SourceReader } from './preprocess';
import { ProblemList, type DtProblem } from './problems';
import { readDocument, type DtsDocument } from './syntax';
import { isEnabled, type DtNode } from './tree';

export interface BoardRequest {
  /** Absolute path of the .dts (or .dtsi/.dtso opened on its own). */
  file: string;
  /** Extra include folders, searched after the kernel's (`--include DIR`). */
  includeDirs?: readonly string[];
  /** Overlays (.dtso, or .dts with /plugin/) applied in order on top of the board. */
  overlays?: readonly string[];
  /** The architecture when the caller knows better than the file's location. */
  arch?: BoardArch;
}

export interface BoardEnvironment {
  reader: SourceReader;
  /** A fresh macro table for each preprocessor run (a board and each of its overlays). */
  macros(): MacroEngine;
  tokenCache?: Map<string, { text: string; tokens: PpToken[] }>;
}

export interface Board {
  file: string;
  arch: BoardArch | null;
  archWhy: string;
  root: DtNode;
  /** Problems found on the way, with where; errors mean dtc (or cpp) would not build the board. */
  problems: DtProblem[];
  failed: boolean;
  /** Every file read, for invalidation on edits. */
  files: string[];
  facts: BoardFacts;
  /** RAM from the memory nodes; empty when they leave it to the bootloader. */
  memory: MemoryBank[];
  node(path: string): DtNode | null;
  /** The DMA configuration of a node, computed once. */
  config(node: DtNode): DmaConfig;
  /** The nodes `dmalens dt` lists: enabled, with a compatible, not the root, /chosen, /aliases, memory, /cpus or reserved-memory. */
  devices(): DtNode[];
  /** Reads the sources the board came from (for line numbers). */
  reader: SourceReader;
}

/** The kernel's DTS include folder (scripts/dtc/include-prefixes) above a file, if it is in a kernel tree. */
export function kernelIncludePrefixes(file: string): string | null {
  let dir = dirname(resolve(file));
  for (;;) {
    const candidate = join(dir, 'scripts', 'dtc', 'include-prefixes');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export async function resolveBoard(request: BoardRequest, environment: BoardEnvironment): Promise<Board> {
  await initDevicetreeParser();
  const problems = new ProblemList();
  const builder = new TreeBuilder(problems);
  const files: string[] = [];
  const prefixes = kernelIncludePrefixes(request.file);
  const extra = request.includeDirs ?? [];
  let failed = false;
  const load = (file: string): DtsDocument | null => {
    const result = readSource(file, prefixes, extra, environment, problems);
    files.push(...result.files.filter((name) => !files.includes(name)));
    failed ||= result.failed;
    return result.document;
  };
  const main = load(request.file);
  if (main) builder.applyDocument(main);
  for (const overlay of request.overlays ?? []) {
    const document = load(overlay);
    if (document) builder.applyOverlay(document);
  }
  const root = builder.finish();
  return assemble(request, root, problems, failed || problems.hasErrors, files, environment.reader);
}

function readSource(
  file: string,
  prefixes: string | null,
  extra: readonly string[],
  environment: BoardEnvironment,
  problems: ProblemList,
): { document: DtsDocument | null; files: string[]; failed: boolean } {
  const macros = environment.macros();
  // -undef -D__DTS__: no predefined macros but this one.
  macros.define(tokenize('__DTS__ 1'));
  const kernel = prefixes ? [prefixes] : [];
  const pre = preprocess(file, {
    reader: environment.reader,
    includeDirs: [...kernel, ...extra],
    dtcIncludeDirs: [dirname(file), ...kernel, ...extra],
    macros,
    tokenCache: environment.tokenCache,
  });
  for (const problem of pre.problems) problems.add(problem);
  if (pre.failed && pre.text === '') return { document: null, files: pre.files, failed: true };
  const tree = parseDevicetree(pre.text);
  if (!tree) {
    problems.error('parsing took too long; the board is not resolved', { file, start: 0, end: 0 });
    return { document: null, files: pre.files, failed: true };
  }
  try {
    return { document: readDocument(tree, pre.text, pre.map, problems), files: pre.files, failed: pre.failed };
  } finally {
    tree.delete();
  }
}

function assemble(
  request: BoardRequest,
  root: DtNode,
  problems: ProblemList,
  failed: boolean,
  files: string[],
  reader: SourceReader,
): Board {
  const fromPath = archFromPath(request.file);
  const fromCpus = fromPath ? null : archFromCpus(root);
  const arch = request.arch ?? fromPath ?? fromCpus;
  const archWhy = request.arch
    ? 'given'
    : fromPath
      ? `the board is in arch/${fromPath}/boot/dts`
      : fromCpus
        ? 'guessed from the CPUs in /cpus'
        : 'unknown';
  const phandles = new Map<number, DtNode>();
  for (const node of root.walk()) if (node.phandle !== null) phandles.set(node.phandle, node);
  const reserved = reservedRegions(root);
  const coherence = defaultCoherence(arch, root);
  const facts: BoardFacts = {
    arch,
    defaultCoherent: coherence.coherent,
    defaultCoherentWhy: coherence.why,
    findPhandle: (phandle) => phandles.get(phandle) ?? null,
    reserved: reserved.regions,
    reservedIgnored: reserved.ignored,
  };
  const configs = new Map<DtNode, DmaConfig>();
  const byPath = new Map<string, DtNode>();
  for (const node of root.walk()) byPath.set(node.path, node);
  return {
    file: request.file,
    arch,
    archWhy,
    root,
    problems: problems.items,
    failed,
    files,
    facts,
    memory: memoryBanks(root),
    node: (path) => byPath.get(path === '' ? '/' : path.replace(/\/+$/, '') || '/') ?? null,
    config(node) {
      let config = configs.get(node);
      if (!config) {
        config = configureDma(node, facts);
        configs.set(node, config);
      }
      return config;
    },
    devices: () => root.walk().filter(isListedDevice),
    reader,
  };
}

/** The devices `dmalens dt` reports: enabled nodes with a compatible outside the boot-time-only places. */
export function isListedDevice(node: DtNode): boolean {
  if (!node.parent || !node.has('compatible') || !isEnabled(node)) return false;
  if (node.strings('device_type')?.[0] === 'memory') return false;
  const top = node.path.split('/')[1] ?? '';
  const topName = top.split('@')[0];
  if (topName === 'chosen' || topName === 'aliases' || topName === 'cpus') return false;
  if (node.parent.path === '/reserved-memory') return false;
  return true;
}

/** `file:line:column: severity: message`, one line per problem, as compilers print them. */
export function problemLines(board: Board): string[] {
  return board.problems.map((problem) => {
    if (!problem.origin) return `${board.file}: ${problem.severity}: ${problem.message}`;
    const text = board.reader.read(problem.origin.file) ?? '';
    const before = text.slice(0, problem.origin.start);
    const line = before.split('\n').length;
    const column = problem.origin.start - before.lastIndexOf('\n');
    return `${problem.origin.file}:${line}:${column}: ${problem.severity}: ${problem.message}`;
  });
}
