// The address pipeline as a self-contained SVG: up to four platforms side by side, each a column of stage
// boxes named after the kernel function with input and output addresses, the hex digits whose bits changed
// highlighted, and the costs as badges. No scripts, no external resources; colours come from CSS variables
// (VS Code theme variables with fallbacks), so the webview follows light, dark and high-contrast themes.
import type { OpResult, Stage } from '../types';
import { escapeXml } from './escape';
import { changedBits, costBadges, formatAddress, mergeCosts } from './format';
import type { PlatformResult } from './labels';
import { wrap } from './text';

export interface SvgOptions {
  /** Nonce for the embedded <style> element, so a webview CSP with style-src 'nonce-…' accepts it. */
  nonce?: string;
  /** false leaves the <style> out; the host then loads PIPELINE_SVG_CSS itself. Default true. */
  embedStyle?: boolean;
  /** Prefix for element ids when several SVGs share one document. Default `dl`. */
  idPrefix?: string;
  /** A line above the columns describing the request, e.g. `map_single phys 0x1234_5000 size 1514 to_device`. */
  caption?: string;
}

export const MAX_SVG_COLUMNS = 4;

/**
 * Every colour and font is a --dmalens-* variable whose fallback is the VS Code theme variable, then a light
 * default, so a host page can map them (CSS_VARIABLES lists them) and a saved file still looks right.
 */
export const CSS_VARIABLES = [
  '--dmalens-font',
  '--dmalens-mono-font',
  '--dmalens-fg',
  '--dmalens-dim',
  '--dmalens-box-bg',
  '--dmalens-box-border',
  '--dmalens-head-bg',
  '--dmalens-focus',
  '--dmalens-changed',
  '--dmalens-outcome-bg',
  '--dmalens-error-bg',
  '--dmalens-error-border',
  '--dmalens-badge-fg',
  '--dmalens-badge-hypercall',
  '--dmalens-badge-bounce',
  '--dmalens-badge-iotlb',
  '--dmalens-badge-cache',
  '--dmalens-badge-none',
] as const;

export const PIPELINE_SVG_CSS = `
.dl-root { font-family: var(--dmalens-font, var(--vscode-font-family, system-ui, sans-serif)); font-size: 12px; }
.dl-text { fill: var(--dmalens-fg, var(--vscode-editor-foreground, #1f2328)); }
.dl-dim { fill: var(--dmalens-dim, var(--vscode-descriptionForeground, #59636e)); font-size: 10.5px; }
.dl-mono { font-family: var(--dmalens-mono-font, var(--vscode-editor-font-family, ui-monospace, Menlo, Consolas, monospace)); }
.dl-fn { font-weight: bold; }
.dl-box { fill: var(--dmalens-box-bg, var(--vscode-editorWidget-background, #f6f8fa)); stroke: var(--dmalens-box-border, var(--vscode-editorWidget-border, #8c959f)); stroke-width: 1; }
.dl-head { fill: var(--dmalens-head-bg, var(--vscode-sideBar-background, #eaeef2)); stroke: var(--dmalens-box-border, var(--vscode-editorWidget-border, #8c959f)); }
.dl-stage:hover .dl-box, .dl-stage:focus .dl-box { stroke: var(--dmalens-focus, var(--vscode-focusBorder, #0969da)); stroke-width: 2; }
.dl-changed { fill: var(--dmalens-changed, var(--vscode-editorWarning-foreground, #bc4c00)); font-weight: bold; text-decoration: underline; }
.dl-arrow { stroke: var(--dmalens-box-border, var(--vscode-editorWidget-border, #8c959f)); stroke-width: 1.5; }
.dl-outcome { fill: var(--dmalens-outcome-bg, var(--vscode-textBlockQuote-background, #ddf4ff)); stroke: var(--dmalens-focus, var(--vscode-focusBorder, #0969da)); }
.dl-error { fill: var(--dmalens-error-bg, var(--vscode-inputValidation-errorBackground, #ffebe9)); stroke: var(--dmalens-error-border, var(--vscode-errorForeground, #cf222e)); }
.dl-badge text { fill: var(--dmalens-badge-fg, var(--vscode-editor-foreground, #1f2328)); font-size: 10.5px; }
.dl-badge rect { fill-opacity: 0.22; stroke-width: 1; }
.dl-badge-hypercall rect { fill: var(--dmalens-badge-hypercall, var(--vscode-charts-purple, #8250df)); stroke: var(--dmalens-badge-hypercall, var(--vscode-charts-purple, #8250df)); }
.dl-badge-bounce rect { fill: var(--dmalens-badge-bounce, var(--vscode-charts-orange, #bc4c00)); stroke: var(--dmalens-badge-bounce, var(--vscode-charts-orange, #bc4c00)); }
.dl-badge-iotlb rect { fill: var(--dmalens-badge-iotlb, var(--vscode-charts-blue, #0969da)); stroke: var(--dmalens-badge-iotlb, var(--vscode-charts-blue, #0969da)); }
.dl-badge-cache rect { fill: var(--dmalens-badge-cache, var(--vscode-charts-green, #1a7f37)); stroke: var(--dmalens-badge-cache, var(--vscode-charts-green, #1a7f37)); }
.dl-badge-none rect { fill: var(--dmalens-badge-none, var(--vscode-badge-background, #59636e)); stroke: var(--dmalens-badge-none, var(--vscode-badge-background, #59636e)); }
`;

const COLUMN_WIDTH = 340;
const GAP = 16;
const MARGIN = 12;
const INNER = COLUMN_WIDTH - 16;
const LINE = 14;
const NOTE_LINE = 13;
const MAX_NOTE_LINES = 3;
/**
 * Upper estimates of the advance of one character, for wrapping text inside the 340px boxes. The font is
 * the viewer's (VS Code theme or a headless fallback such as DejaVu Sans), so they are sized for wide
 * fonts: a note that wraps a little early looks fine, one that runs past its box does not.
 */
const SMALL_CHAR = 6.6; // 10.5px sans-serif notes and badges
const SMALL_MONO_CHAR = 6.8; // 10.5px monospace rules
const TITLE_CHAR = 7.6; // 12px bold platform titles

/** The nibble positions (0 = least significant) whose bits differ, as a set. */
export function changedNibbles(mask: bigint): Set<number> {
  const nibbles = new Set<number>();
  for (let nibble = 0; nibble < 16; nibble++) if ((mask >> BigInt(nibble * 4)) & 0xfn) nibbles.add(nibble);
  return nibbles;
}

/** The grouped hex address with every digit whose nibble changed wrapped in a highlighted tspan. */
function highlightedAddress(value: bigint | null, mask: bigint): string {
  const text = formatAddress(value);
  if (value === null || mask === 0n) return escapeXml(text);
  const nibbles = changedNibbles(mask);
  let nibble = 0;
  const out: string[] = [];
  for (let i = text.length - 1; i >= 2; i--) {
    const ch = text[i] as string;
    if (ch === '_') {
      out.unshift(ch);
      continue;
    }
    out.unshift(nibbles.has(nibble) ? `<tspan class="dl-changed">${ch}</tspan>` : ch);
    nibble++;
  }
  return `0x${out.join('')}`;
}

/** `bits 12–28, 59`: the changed bit positions as ranges, for the stage's accessible label. */
export function describeBits(mask: bigint): string {
  const ranges: string[] = [];
  let bit = 0;
  while (bit < 64) {
    if (!((mask >> BigInt(bit)) & 1n)) {
      bit++;
      continue;
    }
    const start = bit;
    while (bit < 64 && (mask >> BigInt(bit)) & 1n) bit++;
    ranges.push(bit - 1 === start ? `${start}` : `${start}–${bit - 1}`);
  }
  return ranges.length ? `bits ${ranges.join(', ')}` : 'no bits';
}

/** Top-level directories of the kernel tree; a ref starting elsewhere (QEMU, spec) gets no source link. */
const KERNEL_DIRS = ['arch/', 'block/', 'drivers/', 'fs/', 'include/', 'kernel/', 'lib/', 'mm/', 'net/', 'virt/'];

/** The 6.1 source file of a `path:function` reference on a public source browser, or null. */
export function kernelSourceUrl(ref: string): string | null {
  const path = ref.split(/[:\s,(]/)[0] ?? '';
  if (!KERNEL_DIRS.some((dir) => path.startsWith(dir)) || !/^[A-Za-z0-9_./-]+$/.test(path)) return null;
  return `https://elixir.bootlin.com/linux/v6.1/source/${path}`;
}

interface Block {
  height: number;
  markup: (x: number, y: number) => string;
}

function textLine(x: number, y: number, cls: string, content: string): string {
  return `<text x="${x}" y="${y}" class="${cls}">${content}</text>`;
}

function noteLines(note: string): string[] {
  const lines = wrap(note, Math.floor(INNER / SMALL_CHAR));
  if (lines.length <= MAX_NOTE_LINES) return lines;
  const kept = lines.slice(0, MAX_NOTE_LINES);
  kept[MAX_NOTE_LINES - 1] = `${kept[MAX_NOTE_LINES - 1]}…`;
  return kept;
}

function stageBlock(stage: Stage): Block {
  const mask = changedBits(stage.in, stage.out);
  const hasAddresses = stage.in !== null || stage.out !== null;
  const notes = noteLines(stage.note);
  const height = 8 + LINE + (hasAddresses ? LINE + 2 : 0) + notes.length * NOTE_LINE + 6;
  const label = `${stage.fn}: ${formatAddress(stage.in)} to ${formatAddress(stage.out)}, ${describeBits(mask)} changed. ${stage.note} ${stage.ref}${stage.spec ? ` ${stage.spec}` : ''}`;
  const link = kernelSourceUrl(stage.ref);
  const attributes = `class="dl-stage" data-fn="${escapeXml(stage.fn)}" data-ref="${escapeXml(stage.ref)}" data-spec="${escapeXml(stage.spec ?? '')}" data-changed="0x${mask.toString(16)}" aria-label="${escapeXml(label)}"`;
  return {
    height,
    markup: (x, y) => {
      const parts = [
        link ? `<a href="${escapeXml(link)}" ${attributes}>` : `<g ${attributes}>`,
        `<title>${escapeXml(`${stage.fn} — ${stage.note} [${stage.ref}${stage.spec ? ` ${stage.spec}` : ''}]`)}</title>`,
        `<rect class="dl-box" x="${x}" y="${y}" width="${COLUMN_WIDTH}" height="${height}" rx="5"/>`,
        textLine(x + 8, y + 6 + LINE - 2, 'dl-text dl-mono dl-fn', escapeXml(stage.fn)),
      ];
      let cursor = y + 6 + LINE;
      if (hasAddresses) {
        cursor += LINE;
        parts.push(
          textLine(
            x + 8,
            cursor,
            'dl-text dl-mono',
            `${escapeXml(formatAddress(stage.in))} → <tspan class="dl-out">${highlightedAddress(stage.out, mask)}</tspan>`,
          ),
        );
        cursor += 2;
      }
      for (const line of notes) {
        cursor += NOTE_LINE;
        parts.push(textLine(x + 8, cursor, 'dl-dim', escapeXml(line)));
      }
      parts.push(link ? '</a>' : '</g>');
      return parts.join('');
    },
  };
}

function headerBlock(entry: PlatformResult): Block {
  const title = wrap(entry.platform.title, Math.floor(INNER / TITLE_CHAR)).slice(0, 2);
  const meta = wrap(
    `${entry.platform.id} · ${entry.result.op} · path ${entry.result.path}`,
    Math.floor(INNER / SMALL_MONO_CHAR),
  );
  const height = 10 + title.length * LINE + meta.length * NOTE_LINE + 6;
  return {
    height,
    markup: (x, y) => {
      const parts = [`<rect class="dl-head" x="${x}" y="${y}" width="${COLUMN_WIDTH}" height="${height}" rx="5"/>`];
      title.forEach((line, i) =>
        parts.push(textLine(x + 8, y + 6 + (i + 1) * LINE - 2, 'dl-text dl-fn', escapeXml(line))),
      );
      meta.forEach((line, i) =>
        parts.push(
          textLine(x + 8, y + 6 + title.length * LINE + (i + 1) * NOTE_LINE - 1, 'dl-dim dl-mono', escapeXml(line)),
        ),
      );
      return parts.join('');
    },
  };
}

function outcomeBlock(result: OpResult): Block {
  const failed = result.error !== null;
  const lines = failed ? wrap(`error: ${result.error}`, Math.floor(INNER / SMALL_CHAR)).slice(0, 4) : [];
  const ruleLines = result.rule ? wrap(result.rule, Math.floor(INNER / SMALL_MONO_CHAR)).slice(0, 3) : [];
  const height = 8 + LINE + (failed ? lines.length * NOTE_LINE : LINE) + ruleLines.length * NOTE_LINE + 6;
  return {
    height,
    markup: (x, y) => {
      const parts = [
        `<rect class="${failed ? 'dl-error' : 'dl-outcome'}" x="${x}" y="${y}" width="${COLUMN_WIDTH}" height="${height}" rx="5"/>`,
      ];
      let cursor = y + 6 + LINE - 2;
      parts.push(textLine(x + 8, cursor, 'dl-text dl-fn', failed ? 'failed' : 'device address'));
      if (failed) {
        for (const line of lines) parts.push(textLine(x + 8, (cursor += NOTE_LINE), 'dl-text', escapeXml(line)));
      } else {
        parts.push(
          textLine(x + 8, (cursor += LINE), 'dl-text dl-mono dl-result', escapeXml(formatAddress(result.dma))),
        );
      }
      for (const line of ruleLines)
        parts.push(textLine(x + 8, (cursor += NOTE_LINE), 'dl-dim dl-mono', escapeXml(line)));
      return parts.join('');
    },
  };
}

function badgeBlock(entry: PlatformResult): Block {
  const badges = costBadges(mergeCosts([entry.result, ...(entry.related ?? [])]));
  const items = badges.length ? badges : [{ kind: 'none' as const, text: 'no extra cost' }];
  const placed: { kind: string; text: string; dx: number; row: number; width: number }[] = [];
  let dx = 0;
  let rowIndex = 0;
  for (const badge of items) {
    const text = badge.text.length > 52 ? `${badge.text.slice(0, 51)}…` : badge.text;
    const width = Math.ceil(text.length * SMALL_CHAR) + 12;
    if (dx > 0 && dx + width > COLUMN_WIDTH) {
      dx = 0;
      rowIndex++;
    }
    placed.push({ kind: badge.kind, text, dx, row: rowIndex, width });
    dx += width + 6;
  }
  const height = (rowIndex + 1) * 22;
  return {
    height,
    markup: (x, y) =>
      placed
        .map(
          (b) =>
            `<g class="dl-badge dl-badge-${b.kind}"><rect x="${x + b.dx}" y="${y + b.row * 22}" width="${b.width}" height="18" rx="9"/>${textLine(x + b.dx + 6, y + b.row * 22 + 13, '', escapeXml(b.text))}</g>`,
        )
        .join(''),
  };
}

function column(entry: PlatformResult): Block[] {
  return [headerBlock(entry), ...entry.result.stages.map(stageBlock), outcomeBlock(entry.result), badgeBlock(entry)];
}

function layoutColumn(blocks: Block[], x: number, top: number): { markup: string; bottom: number } {
  const parts: string[] = [];
  let y = top;
  blocks.forEach((block, index) => {
    parts.push(block.markup(x, y));
    y += block.height;
    if (index < blocks.length - 1) {
      const arrowed = index > 0 && index < blocks.length - 2;
      parts.push(
        arrowed
          ? `<line class="dl-arrow" x1="${x + COLUMN_WIDTH / 2}" y1="${y}" x2="${x + COLUMN_WIDTH / 2}" y2="${y + 10}"/>`
          : '',
      );
      y += 10;
    }
  });
  return { markup: parts.join(''), bottom: y };
}

/** Renders one request on up to four platforms side by side. */
export function renderPipelineSvg(entries: readonly PlatformResult[], options: SvgOptions = {}): string {
  if (entries.length > MAX_SVG_COLUMNS)
    throw new RangeError(`the pipeline picture shows at most ${MAX_SVG_COLUMNS} platforms, got ${entries.length}`);
  const prefix = (options.idPrefix ?? 'dl').replace(/[^A-Za-z0-9_-]/g, '') || 'dl';
  const columns = Math.max(1, entries.length);
  const width = MARGIN * 2 + columns * COLUMN_WIDTH + (columns - 1) * GAP;
  const top = MARGIN + (options.caption ? 20 : 0);
  const laid = entries.map((entry, index) => layoutColumn(column(entry), MARGIN + index * (COLUMN_WIDTH + GAP), top));
  const height = Math.max(top + 40, ...laid.map((c) => c.bottom)) + MARGIN;
  const summary = entries.length
    ? entries
        .map(
          (e) =>
            `${e.platform.title}: ${e.result.error !== null ? `error ${e.result.error}` : formatAddress(e.result.dma)} via ${e.result.path}`,
        )
        .join('; ')
    : 'no platforms selected';
  const style =
    options.embedStyle === false
      ? ''
      : `<style${options.nonce ? ` nonce="${escapeXml(options.nonce)}"` : ''}>${PIPELINE_SVG_CSS}</style>`;
  const body = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="dl-root" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${prefix}-title ${prefix}-desc">`,
    `<title id="${prefix}-title">${escapeXml(options.caption ?? 'DMA address pipeline')}</title>`,
    `<desc id="${prefix}-desc">${escapeXml(summary)}</desc>`,
    style,
    options.caption ? textLine(MARGIN, MARGIN + 12, 'dl-text dl-mono', escapeXml(options.caption)) : '',
    entries.length ? '' : textLine(MARGIN, top + 20, 'dl-dim', 'No platform selected.'),
    ...laid.map((c) => c.markup),
    '</svg>',
  ];
  return body.join('');
}
