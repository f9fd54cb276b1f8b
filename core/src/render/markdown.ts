// Markdown for hovers: a compact per-platform table (path, device address, rule, costs), the worked
// example it was computed from, a mark on platforms that differ from the first, and the kernel references.
import { costSummary, mergeCosts, outcomeText } from './format';
import { escapeMarkdown, markdownCode } from './escape';
import type { PlatformResult } from './labels';

export interface MarkdownOptions {
  /** Heading text, e.g. the API name `dma_map_single` (escaped). */
  title?: string;
  /** The worked example's inputs in words, e.g. `phys 0x1234_5000, 1514 B, DMA_TO_DEVICE` (shown as code). */
  example?: string;
  /** How many distinct kernel references to list (default 4; 0 hides them). */
  maxRefs?: number;
  /** Turns a spec section like `§2.2` into a link target; without it sections are plain text. */
  specLink?: (section: string) => string;
}

/** Marks rows whose path, address or error differ from the first row. */
export function differsFromFirst(rows: readonly PlatformResult[]): boolean[] {
  const first = rows[0]?.result;
  return rows.map(
    (row, index) =>
      index > 0 &&
      first !== undefined &&
      (row.result.path !== first.path || row.result.dma !== first.dma || row.result.error !== first.error),
  );
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function renderMarkdown(rows: readonly PlatformResult[], options: MarkdownOptions = {}): string {
  const parts: string[] = [];
  const heading = options.title ? `**${escapeMarkdown(options.title)}**` : '';
  const example = options.example ? `worked example: ${markdownCode(options.example)}` : '';
  if (heading || example) parts.push([heading, example].filter(Boolean).join(' — '));

  const marks = differsFromFirst(rows);
  const table = [
    row(['platform', 'path', 'device address', 'rule', 'costs']),
    row(['---', '---', '---', '---', '---']),
  ];
  rows.forEach((entry, index) => {
    const { result } = entry;
    const name = `${marks[index] ? '≠ ' : ''}${escapeMarkdown(entry.platform.title)}`;
    const address =
      result.error !== null ? escapeMarkdown(outcomeText(result)) : markdownCode(outcomeText(result), true);
    const rule = result.rule ? markdownCode(result.rule, true) : '';
    const costs = escapeMarkdown(costSummary(mergeCosts([result, ...(entry.related ?? [])])));
    table.push(row([name, escapeMarkdown(result.path), address, rule, costs]));
  });
  parts.push(table.join('\n'));
  if (marks.some(Boolean)) parts.push('≠ differs from the first platform.');

  const refs = kernelRefs(rows, options.maxRefs ?? 4, options.specLink);
  if (refs) parts.push(refs);
  return parts.join('\n\n');
}

/** Distinct stage references of the first row, with their spec sections. */
function kernelRefs(rows: readonly PlatformResult[], max: number, specLink?: (section: string) => string): string {
  if (max <= 0) return '';
  const seen = new Map<string, string | undefined>();
  for (const { result } of rows.slice(0, 1)) {
    for (const stage of result.stages) if (!seen.has(stage.ref)) seen.set(stage.ref, stage.spec);
  }
  const items = [...seen].slice(0, max).map(([ref, spec]) => {
    const section = spec
      ? specLink
        ? ` [${escapeMarkdown(spec)}](${specLink(spec)})`
        : ` ${escapeMarkdown(spec)}`
      : '';
    return `${markdownCode(ref)}${section}`;
  });
  return items.length ? `Kernel: ${items.join(' · ')}` : '';
}
