// The tour's board: examples/demo-board.dts resolved as the kernel build and of_dma_configure_id would, each
// capture engine's windows with example buffers mapped through them, then the example driver that binds to
// those nodes (examples/soc_demo_dma.c, by its of_device_id table) with its dma_map_sg simulated on the
// board beside a built-in profile: the same per-file context the editor's hovers use.
import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { formatAddress, renderTextComparison, wrap, type PlatformResult } from '@dmalens/core';
import { initParser } from '../parse/parser';
import { analyzeFileText } from '../analysis/file-analysis';
import { BoardDocuments, findDriverBoards, nodeExamples, ofCompatibles, outcomeText } from '../board-editor';
import { describeConfig } from '../devicetree';
import { createPlatformModel, driverContext, siteRows } from '../sites';

const BOARD = 'demo-board.dts';
const DRIVER = 'soc_demo_dma.c';
/** The comparison row beside the board: the built-in arm64 board with a dma-ranges window. */
const REFERENCE = 'rpi4-soc';

export async function boardTourText(examples: string): Promise<string> {
  const boards = new BoardDocuments();
  const boardFile = join(examples, BOARD);
  const board = await boards.openBoard(boardFile);
  const driverFile = join(examples, DRIVER);
  const text = readFileSync(driverFile, 'utf8');
  const compatibles = ofCompatibles(text);
  const rows = await findDriverBoards(boards, driverFile, compatibles, 3);
  const sections = [
    wrap(
      `A board from its device tree: ${shown(boardFile)} (${board.arch ?? 'architecture unknown'}, ${board.archWhy}), its devices configured as Linux 6.1's of_dma_configure_id configures them; a 4 KiB dma_map_single simulated in each window and outside them:`,
      100,
    ).join('\n'),
  ];
  for (const row of rows) {
    const node = board.node(row.node);
    if (!node) continue;
    const lines = [`${node.path}  [${compatibles.map((entry) => entry.compatible).join(', ')}]`];
    for (const line of describeConfig(board.config(node))) lines.push(...wrapIndented(`  ${line}`));
    for (const example of nodeExamples(board, node).examples)
      lines.push(...wrapIndented(`  ${example.where}: phys ${formatAddress(example.phys)} -> ${outcomeText(example)}`));
    sections.push(lines.join('\n'));
  }
  await initParser();
  const { sites } = analyzeFileText(text, driverFile);
  const site = sites.find((candidate) => candidate.api === 'dma_map_sg');
  if (site) {
    const { model } = createPlatformModel([REFERENCE], {});
    const context = driverContext(
      model,
      { sites, text },
      { choice: 'setting', targets: null, boards: rows.map((row) => ({ profile: row.profile, why: row.node })) },
    );
    const results = siteRows(site, context)?.rows ?? [];
    // The board rows are named by their node (capture@10040000), short enough for the table's first column.
    const nodeNames = new Map(rows.map((row) => [row.profile.id, row.node.split('/').pop()!]));
    const compared: PlatformResult[] = results.flatMap((entry) =>
      entry.result
        ? [
            {
              platform: { id: nodeNames.get(entry.platform) ?? entry.platform, title: entry.title },
              result: entry.result,
            },
          ]
        : [],
    );
    sections.push(
      wrap(
        `The driver that binds to them, ${shown(driverFile)} (of_device_id "${compatibles[0]?.compatible ?? '?'}"): its ${site.api} on line ${site.range.start.line + 1}, on ${REFERENCE} and on each capture engine of the board:`,
        100,
      ).join('\n'),
      renderTextComparison(compared),
      wrap(
        `Try: dmalens dt ${shown(boardFile)}, or open it in the editor: hovers on dma-ranges and nodes, findings, and the driver's hovers gain the board's rows.`,
        100,
      ).join('\n'),
    );
  }
  return sections.join('\n\n');
}

/** A line wrapped at 100 columns, its continuation lines indented four more than its own indentation. */
function wrapIndented(line: string): string[] {
  const indent = /^ */.exec(line)![0];
  const [first = '', ...rest] = wrap(line, 100 - indent.length - 4);
  return [`${indent}${first}`, ...rest.map((part) => `${indent}    ${part}`)];
}

function shown(path: string): string {
  return relative(process.cwd(), path) || basename(path);
}
