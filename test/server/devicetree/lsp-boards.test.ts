// Device trees in the language server, over a real stdio connection: a .dts, .dtsi or .dtso document gets the
// findings and hovers of the board it resolves to, edits re-resolve it, and a C driver whose of_device_id
// table names a node gets that board's row beside the built-in platforms. Expected addresses are worked out
// here from the fixtures' dma-ranges (dma = phys - cpu start + dma start inside a window), not read back
// from the server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, poll, positionOf, type Diagnostic, type Position } from '../lsp-client';
import { ACME, DEVKIT, FAULTS, FIXTURE_KERNEL } from './support';

const DRIVER = join(FIXTURE_KERNEL, 'drivers/dma/acme-a1-dma.c');
const SOC_DTSI = join(ACME, 'acme-a1.dtsi');

/** Markdown with its escapes removed, as a reader sees it. */
function plain(markdown: string): string {
  return markdown.replace(/\\(.)/g, '$1');
}

/** `0xd234_5000`: the grouped hex the hovers print. */
function grouped(value: bigint): string {
  const digits = value.toString(16);
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 4) groups.unshift(digits.slice(Math.max(0, end - 4), end));
  return `0x${groups.join('_')}`;
}

function lineOf(text: string, needle: string, from = 0): number {
  const offset = text.indexOf(needle, from);
  assert.ok(offset >= 0, needle);
  return text.slice(0, offset).split('\n').length - 1;
}

/** A self-contained arm64 board: one bus with two windows, RAM beyond them, and a tiny restricted pool. */
const POOL_BOARD = `/dts-v1/;

/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "acme,pool-board";

	cpus {
		#address-cells = <1>;
		#size-cells = <0>;
		cpu@0 {
			device_type = "cpu";
			compatible = "arm,cortex-a53";
			reg = <0>;
		};
	};

	memory@0 {
		device_type = "memory";
		reg = <0x0 0x0 0x0 0x80000000>;
	};

	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;

		tiny_pool: restricted-dma@30000000 {
			compatible = "restricted-dma-pool";
			reg = <0x0 0x30000000 0x0 0x10000>;
		};
	};

	bus@10000000 {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		dma-ranges = <0x80000000 0x0 0x0 0x20000000>,
			     <0x10000000 0x0 0x20000000 0x20000000>;

		radio@1000 {
			compatible = "acme,radio";
			reg = <0x1000 0x100>;
			memory-region = <&tiny_pool>;
		};
	};
};
`;

describe('device-tree documents in the language server', () => {
  let client: LspClient;
  let scratch: string;

  before(async () => {
    client = await LspClient.start();
    scratch = mkdtempSync(join(tmpdir(), 'dmalens-lsp-dt-'));
  });

  after(async () => {
    await client.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function openDts(path: string, text: string): Promise<string> {
    const uri = pathToFileURL(path).href;
    client.diagnostics.delete(uri);
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dts', version: 1, text } });
    return uri;
  }

  test("a board's findings sit on the dma-ranges and nodes that cause them", async () => {
    const text = readFileSync(FAULTS, 'utf8');
    const uri = await openDts(FAULTS, text);
    const diagnostics = await client.diagnosticsFor(uri);
    const at = (code: string, line: number) =>
      diagnostics.filter((diagnostic) => diagnostic.code === code && diagnostic.range.start.line === line);
    // bus@5000000's two windows share the bus addresses 0x4000_0000..0x7fff_ffff.
    const overlapLine = lineOf(text, 'dma-ranges', text.indexOf('overlap: bus@5000000'));
    const overlap = at('dt-window-overlap', overlapLine);
    assert.equal(overlap.length, 1, JSON.stringify(diagnostics.map((d) => [d.code, d.range.start.line])));
    assert.match(overlap[0]!.message, /overlap in DMA addresses \(from 0x4000_0000\)/);
    // The kernel's -EINVAL for the bus whose windows do not translate is an error on the lost device's bus.
    const einval = diagnostics.find(
      (diagnostic) => diagnostic.message.includes('lost@100') && diagnostic.severity === 1,
    );
    assert.ok(einval, 'the -EINVAL of lost@100 is an error');
    assert.match(einval.message, /-EINVAL/);
    for (const diagnostic of diagnostics) assert.equal(diagnostic.source, 'dmalens');
  });

  test('RAM outside every window and a pool smaller than a swiotlb segment are reported with their consequence', async () => {
    const path = join(scratch, 'pool-board.dts');
    writeFileSync(path, POOL_BOARD);
    const uri = await openDts(path, POOL_BOARD);
    const diagnostics = await client.diagnosticsFor(uri);
    const dmaRangesLine = lineOf(POOL_BOARD, 'dma-ranges');
    const outside = diagnostics.find((diagnostic) => diagnostic.code === 'dt-ram-outside-windows');
    assert.ok(outside, JSON.stringify(diagnostics));
    assert.equal(outside.range.start.line, dmaRangesLine);
    // The windows cover CPU 0x0..0x3fff_ffff; the memory node reaches 0x7fff_ffff.
    assert.match(plain(outside.message), /RAM 0x4000_0000\.\.0x7fff_ffff is outside every dma-ranges window/);
    const pool = diagnostics.find((diagnostic) => diagnostic.code === 'dt-restricted-pool-size');
    assert.ok(pool, JSON.stringify(diagnostics));
    assert.equal(pool.range.start.line, lineOf(POOL_BOARD, 'memory-region'));
    assert.match(pool.message, /64 KiB, less than one swiotlb segment \(256 KiB\)/);
  });

  test('editing a board re-resolves it: a window moved onto the other one makes them overlap', async () => {
    const path = join(scratch, 'edited-board.dts');
    writeFileSync(path, POOL_BOARD);
    const uri = await openDts(path, POOL_BOARD);
    const before = await client.diagnosticsFor(uri);
    assert.ok(!before.some((diagnostic) => diagnostic.code === 'dt-window-overlap'));
    // The second window's CPU start 0x20000000 becomes 0x10000000: CPU 0x1000_0000..0x1fff_ffff is in both.
    const from = positionOf(POOL_BOARD, '0x0 0x20000000 0x20000000>', 4);
    client.diagnostics.delete(uri);
    await client.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [
        { range: { start: from, end: { line: from.line, character: from.character + 10 } }, text: '0x10000000' },
      ],
    });
    const after = await client.diagnosticsFor(uri);
    const overlap = after.find((diagnostic) => diagnostic.code === 'dt-window-overlap');
    assert.ok(overlap, JSON.stringify(after));
    assert.match(overlap.message, /overlap in CPU addresses \(from 0x1000_0000\)/);
  });

  test('hover on a dma-ranges shows the windows and example addresses the simulator maps through them', async () => {
    const path = join(scratch, 'hover-board.dts');
    writeFileSync(path, POOL_BOARD);
    const uri = await openDts(path, POOL_BOARD);
    await client.diagnosticsFor(uri);
    const hover = await client.hover(uri, positionOf(POOL_BOARD, 'dma-ranges'));
    assert.ok(hover);
    const text = plain(hover.contents.value);
    assert.match(text, /dma-ranges of \/bus@10000000/);
    assert.match(text, /cpu 0x0\.\.0x1fff_ffff → dma 0x8000_0000/);
    // Window 1's first RAM byte (0x0) is seen at 0x8000_0000, window 2's (0x2000_0000) at 0x1000_0000.
    assert.ok(text.includes(`dma ${grouped(0x0n - 0x0n + 0x80000000n)} (dma-direct)`), text);
    assert.ok(text.includes(`dma ${grouped(0x20000000n - 0x20000000n + 0x10000000n)} (dma-direct)`), text);
    assert.match(text, /RAM outside every window: phys 0x4000_0000 →/);
  });

  test('hover on a device node shows its configuration; elsewhere in a block there is no hover', async () => {
    const path = join(scratch, 'node-board.dts');
    writeFileSync(path, POOL_BOARD);
    const uri = await openDts(path, POOL_BOARD);
    await client.diagnosticsFor(uri);
    const hover = await client.hover(uri, positionOf(POOL_BOARD, 'radio@1000'));
    assert.ok(hover);
    const text = plain(hover.contents.value);
    assert.match(text, /\*\*\/bus@10000000\/radio@1000\*\* — acme,radio/);
    assert.match(text, /restricted DMA pool \/reserved-memory\/restricted-dma@30000000: 64 KiB/);
    assert.equal(await client.hover(uri, positionOf(POOL_BOARD, 'reg = <0x1000 0x100>')), null);
  });

  test('the pipeline of a node: Show Address Pipeline finds a map on the node and simulates it on its board', async () => {
    const path = join(scratch, 'pipeline-board.dts');
    writeFileSync(path, POOL_BOARD);
    const uri = await openDts(path, POOL_BOARD);
    await client.diagnosticsFor(uri);
    const position = positionOf(POOL_BOARD, 'dma-ranges');
    const hover = await client.hover(uri, position);
    assert.match(hover!.contents.value, /\[Open the address pipeline for this node\]\(command:dmalens\.showPipeline\?/);
    const found = await client.request<{
      site: { api: string; enclosingFunction: string } | null;
      requests: { op: string; phys: string }[] | null;
      platforms: string[];
    }>('dmalens/callSiteAt', { uri, position });
    assert.equal(found.site?.enclosingFunction, '/bus@10000000');
    assert.equal(found.requests?.length, 1);
    assert.equal(found.platforms.length, 1);
    const simulated = await client.request<{ simulations: { platform: string; results: { dma: string | null }[] }[] }>(
      'dmalens/simulate',
      { platforms: found.platforms, requests: found.requests },
    );
    // The example is window 1's first RAM byte, 0x0: the device sees it at 0x8000_0000.
    assert.equal(BigInt(found.requests![0]!.phys), 0n);
    assert.equal(BigInt(simulated.simulations[0]!.results[0]!.dma!), 0x80000000n);
    const nothing = await client.request<{ site: unknown }>('dmalens/callSiteAt', {
      uri,
      position: positionOf(POOL_BOARD, 'reg = <0x1000 0x100>'),
    });
    assert.equal(nothing.site, null);
  });

  test('a .dtsi is resolved inside a board that includes it, and says which', async () => {
    const text = readFileSync(SOC_DTSI, 'utf8');
    const uri = await openDts(SOC_DTSI, text);
    const diagnostics = await client.diagnosticsFor(uri);
    // Alone it has no /dts-v1/; inside the devkit it builds.
    assert.ok(!diagnostics.some((diagnostic) => diagnostic.code === 'dt-build'), JSON.stringify(diagnostics));
    const hover = await client.hover(uri, positionOf(text, 'dma-ranges = <0xc0000000'));
    assert.ok(hover);
    const shown = plain(hover.contents.value);
    assert.match(shown, /Resolved as part of acme-a1-(devkit|faults)\.dts/);
    // /soc: bus 0xc000_0000 is CPU 0x0, 1 GiB.
    assert.match(shown, /cpu 0x0\.\.0x3fff_ffff → dma 0xc000_0000/);
  });

  test('an unsaved edit of an included .dtsi changes the board that includes it', async () => {
    const boardText = readFileSync(DEVKIT, 'utf8');
    const dtsiText = readFileSync(SOC_DTSI, 'utf8');
    const boardUri = await openDts(DEVKIT, boardText);
    const dtsiUri = await openDts(SOC_DTSI, dtsiText);
    await client.diagnosticsFor(boardUri);
    const before = await client.hover(boardUri, positionOf(boardText, '&gem {', 1));
    assert.ok(before);
    assert.match(plain(before.contents.value), /non-coherent/);
    // The GEM becomes dma-coherent in the .dtsi, in the editor only.
    const at = positionOf(dtsiText, 'compatible = "acme,a1-gem"');
    await client.notify('textDocument/didChange', {
      textDocument: { uri: dtsiUri, version: 2 },
      contentChanges: [{ range: { start: at, end: at }, text: 'dma-coherent;\n\t\t\t' }],
    });
    await poll(
      () => client.hover(boardUri, positionOf(boardText, '&gem {', 1)),
      (answer) => Boolean(answer && /- coherent \(/.test(plain(answer.contents.value))),
      5000,
      'the GEM shown coherent after the .dtsi edit',
    );
    await client.notify('textDocument/didClose', { textDocument: { uri: dtsiUri } });
    await client.notify('textDocument/didClose', { textDocument: { uri: boardUri } });
  });

  test('an overlay is shown on the base its Makefile applies it to', async () => {
    const dir = mkdtempSync(join(scratch, 'overlay-'));
    writeFileSync(join(dir, 'base.dts'), POOL_BOARD.replace('radio@1000 {', 'radio: radio@1000 {'));
    const overlay = '/dts-v1/;\n/plugin/;\n\n&radio {\n\tdma-coherent;\n};\n';
    writeFileSync(join(dir, 'radio-coherent.dtso'), overlay);
    writeFileSync(
      join(dir, 'Makefile'),
      'dtb-y += base-radio.dtb\nbase-radio-dtbs := base.dtb \\\n\tradio-coherent.dtbo\n',
    );
    const uri = await openDts(join(dir, 'radio-coherent.dtso'), overlay);
    const diagnostics = await client.diagnosticsFor(uri);
    assert.ok(!diagnostics.some((diagnostic) => diagnostic.severity === 1), JSON.stringify(diagnostics));
    const hover = await client.hover(uri, positionOf(overlay, 'dma-coherent'));
    assert.ok(hover);
    const text = plain(hover.contents.value);
    // The base's radio, made coherent by the overlay.
    assert.match(text, /\*\*\/bus@10000000\/radio@1000\*\*/);
    assert.match(text, /- coherent \(/);
    assert.match(text, /applied to base\.dts, as its Makefile builds it/);
  });

  test('malformed and binary device trees get an error, and the server keeps answering', async () => {
    const broken = join(scratch, 'broken.dts');
    const text = '/dts-v1/;\n/ {\n\tnode { reg = <0x1 ;\n';
    writeFileSync(broken, text);
    const uri = await openDts(broken, text);
    const diagnostics: Diagnostic[] = await client.diagnosticsFor(uri);
    assert.ok(diagnostics.some((diagnostic) => diagnostic.code === 'dt-build' && diagnostic.severity === 1));
    const binary = join(scratch, 'binary.dtso');
    const bytes = '\u0000\u0001\u0002dtb\u0000'.repeat(1000);
    writeFileSync(binary, bytes);
    const binaryUri = await openDts(binary, bytes);
    await client.diagnosticsFor(binaryUri);
    assert.equal(await client.hover(binaryUri, { line: 0, character: 2 }), null);
    assert.ok(client.alive);
  });
});

describe('board rows on a driver', () => {
  /** Opens the fixture driver and hovers its map until the hover holds `marker` (rows arrive in the background). */
  async function driverHover(client: LspClient, marker: string): Promise<{ uri: string; at: Position; shown: string }> {
    const text = readFileSync(DRIVER, 'utf8');
    const uri = pathToFileURL(DRIVER).href;
    await client.open(uri, text);
    const at = positionOf(text, 'dma_map_single');
    const hover = await poll(
      () => client.hover(uri, at),
      (answer) => Boolean(answer && plain(answer.contents.value).includes(marker)),
      15000,
      `a hover holding "${marker}"`,
    );
    return { uri, at, shown: plain(hover!.contents.value) };
  }

  test("a driver's call site gets the row of each board node its of_device_id table matches", async () => {
    const client = await LspClient.start();
    try {
      const { uri, at, shown } = await driverHover(client, 'Board: ');
      // /soc/dma-controller@7e007000 sits behind /soc's window: CPU 0x0 is bus 0xc000_0000.
      const row = shown.split('\n').find((line) => line.includes('dma-controller@7e007000'));
      assert.ok(row, shown);
      assert.ok(row.includes(grouped(0x12345000n + 0xc0000000n)), row);
      assert.match(shown, /its node matches "acme,a1-dma" of the driver's of_device_id table \(line \d+\)/);
      // The commented-out entry of the table is no match.
      assert.ok(!shown.includes('acme,a0-dma'));
      // The pipeline view gets the board row too, and simulates it by its id.
      const found = await client.request<{ requests: unknown[]; platforms: string[] }>('dmalens/callSiteAt', {
        uri,
        position: at,
      });
      const boardId = found.platforms.find((id) => id.endsWith(':/soc/dma-controller@7e007000'));
      assert.ok(boardId, found.platforms.join(', '));
      const simulated = await client.request<{ simulations: { results: { op: string; dma: string | null }[] }[] }>(
        'dmalens/simulate',
        { platforms: [boardId], requests: found.requests },
      );
      const map = simulated.simulations[0]!.results.find((result) => result.op === 'map_single');
      assert.equal(BigInt(map!.dma!), 0x12345000n + 0xc0000000n);
    } finally {
      await client.stop();
    }
  });

  test('dmalens.boards adds a board node to every file; a wrong entry is named', async () => {
    const client = await LspClient.start({
      settings: {
        boards: [
          { dts: DEVKIT, node: '/scb/ethernet@7d580000' },
          { dts: DEVKIT, node: '/no/such/node' },
        ],
        boardMatches: 0,
      },
    });
    try {
      const { shown } = await driverHover(client, 'from dmalens.boards');
      assert.match(shown, /acme-a1-devkit\.dts \/scb\/ethernet@7d580000: from dmalens\.boards/);
      // boardMatches 0: no row from the of_device_id table.
      assert.ok(!shown.includes('of_device_id table'), shown);
      await client.waitFor(() => client.messages.some((message) => message.message.includes('/no/such/node')), 5000);
      // Compare Platforms offers the named board, and a simulation by its id runs on its profile: /scb's
      // windows (cpu 0x0 -> dma 0x0, 2 GiB, and 4 GiB up) leave a buffer at 0x1234_5000 where it is.
      const listed = await client.request<{ boards?: { id: string; title: string }[] }>('dmalens/platforms', null);
      const board = listed.boards?.find((entry) => entry.id.endsWith(':/scb/ethernet@7d580000'));
      assert.ok(board, JSON.stringify(listed.boards));
      const simulated = await client.request<{ simulations: { results: { dma: string | null }[]; error?: string }[] }>(
        'dmalens/simulate',
        { platforms: [board.id], requests: [{ op: 'map_single', phys: '0x12345000', size: '4096', dir: 'to_device' }] },
      );
      assert.equal(BigInt(simulated.simulations[0]!.results[0]!.dma!), 0x12345000n, JSON.stringify(simulated));
    } finally {
      await client.stop();
    }
  });
});
