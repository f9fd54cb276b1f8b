// Markdown (hovers) and plain text (CLI) renderers: structure, escaping, differing-platform marks, width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  renderMarkdown,
  differsFromFirst,
  renderTextPipeline,
  renderTextComparison,
  formatAddress,
  costSummary,
  markdownCode,
  escapeMarkdown,
} from '../../core/src/render/index';
import {
  BYPASS,
  PHYS,
  bounceResult,
  bypassResult,
  directResult,
  failedResult,
  row,
  tceResult,
} from './render-fixtures';

test('formatAddress groups four hex digits from the right with _ (the spec writes 0x1_2345_6789)', () => {
  assert.equal(formatAddress(0x1_2345_6789n), '0x1_2345_6789');
  assert.equal(formatAddress(0x0800_0000_0000_0000n), '0x800_0000_0000_0000');
  assert.equal(formatAddress(0n), '0x0');
  assert.equal(formatAddress((1n << 64n) - 1n), '0xffff_ffff_ffff_ffff');
  assert.equal(formatAddress(null), '—');
});

test('markdown: one table row per platform, differing platforms marked, addresses as code', () => {
  const rows = [
    row('x86_64', 'x86-64 no IOMMU', directResult()),
    row('x86_64-b', 'x86-64 again', directResult()),
    row('powernv', 'PowerNV', bypassResult()),
  ];
  const md = renderMarkdown(rows, {
    title: 'dma_map_single',
    example: `phys ${formatAddress(PHYS)}, 1514 B, DMA_TO_DEVICE`,
  });
  const tableRows = md.split('\n').filter((line) => line.startsWith('|'));
  assert.equal(tableRows.length, rows.length + 2);
  assert.deepEqual(differsFromFirst(rows), [false, false, true]);
  assert.ok(tableRows[2]!.startsWith('| x86-64 no IOMMU'));
  assert.ok(tableRows[3]!.startsWith('| x86-64 again'));
  assert.ok(tableRows[4]!.startsWith('| ≠ PowerNV'));
  assert.ok(tableRows[4]!.includes(`\`${formatAddress(PHYS + BYPASS)}\``));
  assert.ok(md.includes('worked example'));
  assert.ok(md.includes('kernel/dma/mapping.c:dma_map_page_attrs'));
});

test('markdown: costs and errors appear in the row; hostile text cannot break the table or inject HTML', () => {
  const hostile = 'evil | <img src=x onerror=alert(1)> `code` [link](javascript:x)\nsecond line';
  const rows = [row('a', hostile, tceResult()), row('b', 'B', failedResult(hostile))];
  const md = renderMarkdown(rows, { title: hostile, example: hostile });
  const tableRows = md.split('\n').filter((line) => line.startsWith('|'));
  assert.equal(tableRows.length, 4, 'the newline in the title did not add a row');
  for (const line of tableRows.slice(2)) {
    const cells = line.split(/(?<!\\)\|/).slice(1, -1);
    assert.equal(cells.length, 5, `five cells in ${line}`);
  }
  // Inside code spans markup is shown literally; everywhere else it must be escaped.
  const outsideCode = md.replace(/\\`/g, '').replace(/``[\s\S]*?``|`[^`]*`/g, '');
  assert.ok(!outsideCode.includes('<img'), 'HTML is escaped');
  assert.ok(!/(?<!\\)\]\(javascript/.test(outsideCode), 'no live link');
  assert.ok(tableRows[2]!.includes('H\\_PUT\\_TCE ×1 \\(map\\)'));
  assert.ok(tableRows[3]!.includes('error'));
  assert.equal(escapeMarkdown('a|b'), 'a\\|b');
  assert.equal(markdownCode('a`b'), '``a`b``');
});

test('text pipeline: each stage shows fn, in -> out and its reference; then outcome, rule and costs', () => {
  const result = bypassResult();
  const text = renderTextPipeline(result);
  for (const stage of result.stages) {
    assert.match(text, new RegExp(`${stage.fn}\\s+${formatAddress(stage.in)} -> ${formatAddress(stage.out)}`));
    assert.ok(text.includes(`[${stage.ref} ${stage.spec}]`));
  }
  assert.ok(text.includes(`=> map_single: ${formatAddress(PHYS + BYPASS)}`));
  assert.ok(text.includes('rule: dma = phys + 0x0800_0000_0000_0000'));
  assert.ok(text.includes('costs: none'));
  const bounce = renderTextPipeline(bounceResult());
  assert.ok(bounce.includes(costSummary(bounceResult().costs)));
  assert.ok(renderTextPipeline(failedResult('DMA addr overflow')).includes('error: DMA addr overflow'));
});

test('text comparison fits 100 columns and stars the platforms that differ from the first', () => {
  const long = failedResult(
    'swiotlb buffer is full (sz: 307200 bytes), total 32768 (slots), used 0 (slots) and more words to wrap around',
  );
  const rows = [
    row('x86_64', 'X', directResult()),
    row('x86_64-sev-guest', 'S', bounceResult()),
    row('pseries', 'P', tceResult()),
    row('rpi4-soc', 'R', long),
    row('x86_64-vtd', 'V', directResult()),
  ];
  const text = renderTextComparison(rows);
  for (const line of text.split('\n')) assert.ok(line.length <= 100, `line too long (${line.length}): ${line}`);
  const lines = text.split('\n');
  const starred = (id: string) => lines.find((line) => line.slice(2).startsWith(id))!.startsWith('*');
  assert.equal(starred('x86_64 '), false);
  assert.equal(starred('x86_64-sev-guest'), true);
  assert.equal(starred('pseries'), true);
  assert.equal(starred('x86_64-vtd'), false);
  assert.ok(text.includes('swiotlb buffer is full'));
});

test('cost badges add repeated hypercalls and keep one shared deferred flush', () => {
  const costs = {
    hypercalls: [
      { name: 'H_PUT_TCE', count: 1, when: 'map' as const },
      { name: 'H_PUT_TCE', count: 2, when: 'map' as const },
      { name: 'H_STUFF_TCE', count: 1, when: 'unmap' as const },
    ],
    bounceBytes: { map: 0, unmap: 0, sync: 0 },
    iotlbFlushes: [
      { kind: 'DSI', count: 1, when: 'deferred' as const },
      { kind: 'DSI', count: 1, when: 'deferred' as const },
      { kind: 'PSI', count: 1, when: 'unmap' as const },
      { kind: 'PSI', count: 1, when: 'unmap' as const },
    ],
    cacheLines: { clean: 0, invalidate: 0 },
    other: [],
  };
  assert.equal(
    costSummary(costs),
    'H_PUT_TCE ×3 (map) · H_STUFF_TCE ×1 (unmap) · DSI flush ×1 (deferred) · PSI flush ×2 (unmap)',
  );
});

test('text pipeline lists op details with sizes in decimal and addresses in grouped hex', () => {
  const result = directResult();
  result.details = { vringSize: 6726n, desc: 0x1_0000_0000n, accepted: ['VERSION_1', 'ACCESS_PLATFORM'] };
  const lines = renderTextPipeline(result).split('\n');
  const first = lines.findIndex((line) => line.includes('details:'));
  assert.ok(first >= 0);
  assert.ok(lines[first]!.includes(`vringSize: ${6726}`));
  assert.ok(lines.some((line) => line.trim() === `desc: ${formatAddress(0x1_0000_0000n)}`));
  assert.ok(lines.some((line) => line.trim() === 'accepted: VERSION_1, ACCESS_PLATFORM'));
  assert.equal(lines.filter((line) => line.includes('details:')).length, 1);
});
