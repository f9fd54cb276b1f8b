// A long editing session against the built server over stdio: documents opened, edited, hovered, asked for
// inlay hints and closed, each with sizes it has not seen before, while a dozen stay open at once; then a
// dozen large documents open together. The server's memos (simulated runs, evaluated sizes) and the syntax
// trees of open documents have bounds the server enforces, and it collects garbage as it goes, so its
// resident memory stays under the 300 MB goal instead of growing with the session (it reached 370 MB).
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LspClient } from '../server/lsp-client';

const RSS_GOAL_MB = 300;
/** Rounds of the session; DMALENS_MEMORY_ROUNDS makes a longer run by hand. */
const ROUNDS = Number(process.env['DMALENS_MEMORY_ROUNDS'] ?? 120);
const OPEN_AT_ONCE = 12;
const FUNCTIONS = 300;
/** Each generated function, with the blank line after it, is this many lines long. */
const LINES_PER_FUNCTION = 11;

/** A driver of `functions` functions, each mapping buffers of sizes no earlier round used. */
function driver(round: number, functions: number): string {
  const body = (index: number) => {
    const size = 64 + round * 4096 + index * 8;
    return (
      `static int demo_map_${index}(struct device *dev, void *buf)\n{\n` +
      `\tdma_addr_t handle = dma_map_single(dev, buf, ${size}, DMA_TO_DEVICE);\n\n` +
      `\tif (dma_mapping_error(dev, handle))\n\t\treturn -ENOMEM;\n` +
      `\tdma_sync_single_for_cpu(dev, handle, ${size}, DMA_TO_DEVICE);\n` +
      `\tdma_unmap_single(dev, handle, ${size}, DMA_TO_DEVICE);\n\treturn 0;\n}\n\n`
    );
  };
  return `#include <linux/dma-mapping.h>\n\n${Array.from({ length: functions }, (_, index) => body(index)).join('')}`;
}

/** A 0.9 MB file as large drivers are: a few hundred DMA calls among thousands of lines of other code. */
function largeDriver(round: number): string {
  const plain = Array.from(
    { length: 12_000 },
    (_, index) => `static int demo_plain_${index}(int value)\n{\n\treturn value * ${index} + 1;\n}\n\n`,
  ).join('');
  return driver(round, 100) + plain;
}

function residentMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}

let client: LspClient;

// Each scenario has a server of its own, so one's garbage does not decide the other's peak.
beforeEach(async () => {
  client = await LspClient.start();
});

afterEach(() => client.stop());

test(`resident memory stays under ${RSS_GOAL_MB} MB through ${ROUNDS} rounds of open, edit, hover and close`, async () => {
  const open: string[] = [];
  let peak = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const uri = `file:///tmp/dmalens-memory/round-${round}.c`;
    const text = driver(round, FUNCTIONS);
    await client.open(uri, text);
    open.push(uri);
    await client.diagnosticsFor(uri, 60_000);
    const line = text.split('\n').findIndex((candidate) => candidate.includes('dma_map_single'));
    await client.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line, character: 1 }, end: { line, character: 1 } }, text: ' ' }],
    });
    for (let function_ = 0; function_ < FUNCTIONS; function_ += 25)
      await client.hover(uri, { line: line + function_ * LINES_PER_FUNCTION, character: 30 });
    await client.request('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 16_000, character: 0 } },
    });
    if (open.length > OPEN_AT_ONCE)
      await client.notify('textDocument/didClose', { textDocument: { uri: open.shift() } });
    peak = Math.max(peak, residentMb(client.process.pid!));
  }
  assert.ok(client.alive, 'the server is still running');
  process.stdout.write(`# peak resident memory ${peak.toFixed(0)} MB over ${ROUNDS} rounds\n`);
  assert.ok(peak < RSS_GOAL_MB, `peak resident memory ${peak.toFixed(0)} MB (goal ${RSS_GOAL_MB} MB)`);
});

test(`a dozen open documents of 0.9 MB each stay under ${RSS_GOAL_MB} MB, and the first still answers after its tree was given back`, async () => {
  const uris = Array.from({ length: 12 }, (_, index) => `file:///tmp/dmalens-memory/large-${index}.c`);
  let peak = 0;
  for (const [index, uri] of uris.entries()) {
    await client.open(uri, largeDriver(1000 + index));
    await client.diagnosticsFor(uri, 120_000);
    peak = Math.max(peak, residentMb(client.process.pid!));
  }
  process.stdout.write(`# peak resident memory ${peak.toFixed(0)} MB with 12 large documents open\n`);
  assert.ok(peak < RSS_GOAL_MB, `peak resident memory ${peak.toFixed(0)} MB (goal ${RSS_GOAL_MB} MB)`);

  // The first document's tree went back under the budget; an edit that breaks one check must still be seen.
  const first = uris[0]!;
  const text = largeDriver(1000);
  const checkLine = text.split('\n').findIndex((line) => line.includes('if (dma_mapping_error(dev, handle))'));
  client.diagnostics.delete(first);
  await client.notify('textDocument/didChange', {
    textDocument: { uri: first, version: 2 },
    contentChanges: [
      { range: { start: { line: checkLine, character: 0 }, end: { line: checkLine + 2, character: 0 } }, text: '' },
    ],
  });
  const diagnostics = await client.diagnosticsFor(first, 120_000);
  assert.ok(
    diagnostics.some(
      (diagnostic) => diagnostic.code === 'unchecked-mapping' && diagnostic.range.start.line === checkLine - 2,
    ),
    'the map whose check was deleted is reported',
  );
  const hover = await client.hover(first, { line: checkLine - 2, character: 30 });
  assert.match(hover?.contents.value ?? '', /dma_map_single/);
});
