// Hover in a device-tree file: on a device node (or any of its properties) the DMA configuration Linux 6.1
// gives it at probe, with example buffers mapped through the pipeline; on a bus's dma-ranges, the windows
// its devices get and which devices those are.
import { escapeMarkdown, formatAddress } from '@dmalens/core';
import { compatibleText, describeConfig, type Board, type DmaConfig, type DtNode, type Origin } from '../devicetree';
import { nodeExamples, outcomeText } from './board-examples';
import { boardWords, type DocumentBoard } from './board-documents';
import { dmaNodeAt } from './node-at';

/** At most this many devices are named under a bus's dma-ranges. */
const MAX_LISTED_DEVICES = 8;

export interface BoardHover {
  markdown: string;
  origin: Origin;
  /** The node the hover speaks of (for a bus, the detached device standing for its devices). */
  node: DtNode;
}

export function boardHover(resolved: DocumentBoard, offset: number): BoardHover | null {
  const { board } = resolved;
  const found = dmaNodeAt(board.root, resolved.inFile, offset);
  if (!found) return null;
  const markdown = found.bus ? busMarkdown(board, found.bus, found.node) : deviceMarkdown(board, found.node);
  return {
    markdown: `${markdown}\n\n${escapeMarkdown(`Resolved ${boardWords(resolved)}.`)}`,
    origin: found.origin,
    node: found.node,
  };
}

function deviceMarkdown(board: Board, node: DtNode): string {
  const config = board.config(node);
  const parts = [`**${escapeMarkdown(node.path)}** — ${escapeMarkdown(compatibleText(node))}`];
  parts.push(configList(config));
  const { examples, standIns } = nodeExamples(board, node);
  const rows = examples.map(
    (example) =>
      `| ${escapeMarkdown(example.where)} | ${formatAddress(example.phys)} | ${escapeMarkdown(outcomeText(example))} |`,
  );
  parts.push(
    [
      'dma_map_single of 4 KiB, DMA_TO_DEVICE, simulated for this node:',
      '',
      '| buffer | phys | the device sees |',
      '| --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
  if (standIns.length) parts.push(`Stand-ins: ${escapeMarkdown(standIns.join('; '))}`);
  parts.push(escapeMarkdown('Computed as drivers/of/device.c:of_dma_configure_id does at probe.'));
  return parts.join('\n\n');
}

/** `child`: the detached device standing for the bus's devices (node-at.ts). */
function busMarkdown(board: Board, bus: DtNode, child: DtNode): string {
  const parts = [`**dma-ranges of ${escapeMarkdown(bus.path)}**, as a device on this bus gets them:`];
  parts.push(configList(board.config(child)));
  const devices = board.devices().filter((device) => board.config(device).rangesNode === bus);
  if (devices.length > 0) {
    const names = devices.slice(0, MAX_LISTED_DEVICES).map((device) => escapeMarkdown(device.path));
    const more = devices.length > MAX_LISTED_DEVICES ? ` and ${devices.length - MAX_LISTED_DEVICES} more` : '';
    parts.push(`Devices in the tree configured from it: ${names.join(', ')}${more}.`);
  } else parts.push('No enabled device in the tree takes its DMA range map from these dma-ranges.');
  const { examples } = nodeExamples(board, child);
  parts.push(
    examples
      .map(
        (example) =>
          `${escapeMarkdown(example.where)}: phys ${formatAddress(example.phys)} → ${escapeMarkdown(outcomeText(example))}`,
      )
      .join('  \n'),
  );
  return parts.join('\n\n');
}

/** describeConfig's lines as a markdown list, the windows nested under the map they belong to. */
function configList(config: DmaConfig): string {
  return describeConfig(config)
    .map((line) => line.replace(' -> ', ' → '))
    .map((line) => (line.startsWith('  ') ? `  - ${escapeMarkdown(line.trim())}` : `- ${escapeMarkdown(line)}`))
    .join('\n');
}
