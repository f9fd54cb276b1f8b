// The language server's features over a real stdio connection: capabilities, hover rows with
// addresses the test computes from the spec's rules, quick fixes, inlay hints, symbols, custom
// requests, and settings changes (valid and invalid).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  applyEdits,
  expectedRuleLines,
  LspClient,
  poll,
  positionOf,
  repoRoot,
  type Diagnostic,
  type Range,
} from './lsp-client';

const fixtureDir = join(repoRoot, 'test/fixtures/rules');
const EXAMPLE_PHYS = 0x12345000n;

/** The UI form of an address: 0x and groups of four hex digits (core/src/render/format.ts). */
function grouped(value: bigint): string {
  const hex = value.toString(16);
  const groups: string[] = [];
  for (let end = hex.length; end > 0; end -= 4) groups.unshift(hex.slice(Math.max(0, end - 4), end));
  return `0x${groups.join('_')}`;
}

interface PlatformInfo {
  id: string;
  title: string;
  short: string;
}

/** The table row whose first cell is the platform title (markdown escapes removed, `≠` mark allowed). */
/** The table row whose platform cell names `name` (platforms that agree share a row, named by short labels). */
function tableRow(markdown: string, name: string): string | undefined {
  return markdown
    .split('\n')
    .map((line) => line.replace(/\\(.)/g, '$1'))
    .find(
      (line) =>
        line.startsWith('|') &&
        line
          .replace(/^\|\s*(≠\s*)?/, '')
          .split(' |')[0]!
          .split(', ')
          .includes(name),
    );
}

describe('language server features', () => {
  let client: LspClient;
  let platforms: PlatformInfo[];
  const uncheckedPath = join(fixtureDir, 'unchecked-mapping.c');
  const uncheckedText = readFileSync(uncheckedPath, 'utf8');
  const uncheckedUri = pathToFileURL(uncheckedPath).toString();

  before(async () => {
    client = await LspClient.start({ rootUri: pathToFileURL(fixtureDir).toString() });
    platforms = (await client.request<{ platforms: PlatformInfo[] }>('dmalens/platforms', {})).platforms;
    await client.open(uncheckedUri, uncheckedText);
    await client.diagnosticsFor(uncheckedUri);
  });
  after(() => client.stop());

  const title = (id: string) => {
    const platform = platforms.find((candidate) => candidate.id === id);
    assert.ok(platform, `profile ${id} exists`);
    return platform;
  };

  test('initialize declares the features and the custom protocol', () => {
    const capabilities = client.initializeResult!.capabilities as Record<string, unknown>;
    for (const key of [
      'hoverProvider',
      'codeActionProvider',
      'inlayHintProvider',
      'documentSymbolProvider',
      'workspaceSymbolProvider',
      'textDocumentSync',
    ])
      assert.ok(capabilities[key], key);
    const experimental = capabilities['experimental'] as { dmalens: { methods: string[] } };
    assert.ok(experimental.dmalens.methods.includes('dmalens/simulate'));
  });

  test('hover shows one row per default platform with spec-computed addresses', async () => {
    const hover = await client.hover(uncheckedUri, positionOf(uncheckedText, 'dma_map_single', 2));
    assert.ok(hover, 'hover answered');
    const markdown = hover.contents.value;
    for (const id of ['x86_64', 'x86_64-vtd', 'x86_64-sev-guest', 'pseries', 'powernv', 'rpi4-soc'])
      assert.ok(tableRow(markdown, title(id).short), `row for ${id}:\n${markdown}`);
    // x86-64 without an IOMMU: dma = phys (§1.2, vector V01).
    assert.ok(tableRow(markdown, title('x86_64').short)!.includes(grouped(EXAMPLE_PHYS)));
    // powernv with a 64-bit mask: TVE#1 bypass, dma = phys + 1<<59 (§4.4, vector V33).
    assert.ok(tableRow(markdown, title('powernv').short)!.includes(grouped(EXAMPLE_PHYS + (1n << 59n))), markdown);
    // Raspberry Pi 4 soc: dma-ranges window bus 0xC000_0000 <-> CPU 0, so dma = phys + 0xC000_0000 (§5.1, V43).
    assert.ok(tableRow(markdown, title('rpi4-soc').short)!.includes(grouped(EXAMPLE_PHYS + 0xc0000000n)), markdown);
    // The real size and direction of the call are used (DEMO_TX_LEN 1514, DMA_TO_DEVICE).
    assert.match(markdown, /1514 B/);
    assert.match(markdown.replace(/\\(.)/g, '$1'), /DMA_TO_DEVICE/);
    assert.match(markdown, /command:dmalens\.showPipeline\?/);
    // Spec references link to the spec copy shipped in docs/spec, at the section's GitHub-style anchor.
    const specLinks = [...markdown.matchAll(/\[§([\d.]+)\]\((file:[^)\s]+)\)/g)];
    assert.ok(specLinks.length > 0, `spec sections are links:\n${markdown}`);
    for (const [, section, href] of specLinks) {
      const url = new URL(href!);
      assert.equal(fileURLToPath(url), join(repoRoot, 'docs/spec/kernel-dma-semantics.md'));
      assert.ok(url.hash.startsWith(`#${section!.replace(/\./g, '')}-`), `anchor of §${section}: ${url.hash}`);
    }
  });

  test('hover on a virtio add shows per platform whether the DMA API is used with and without ACCESS_PLATFORM', async () => {
    const text =
      'static int demo_xmit(struct virtqueue *vq, struct scatterlist *sg, void *data)\n{\n\treturn virtqueue_add_outbuf(vq, sg, 1, data, GFP_ATOMIC);\n}\n';
    const uri = 'file:///virtio-demo.c';
    await client.open(uri, text);
    await client.diagnosticsFor(uri);
    const hover = await client.hover(uri, positionOf(text, 'virtqueue_add_outbuf', 3));
    const markdown = hover!.contents.value;
    const section = markdown.slice(markdown.indexOf('with ACCESS_PLATFORM'));
    // pseries with ACCESS_PLATFORM and a DDW direct window: phys + 2^59 (§4.3, vector V65); without it the
    // descriptor holds the guest-physical address (§6.2, vectors V61/V64).
    const pseries = tableRow(section, title('pseries').short)!;
    assert.ok(pseries.includes(grouped(EXAMPLE_PHYS + (1n << 59n))), pseries);
    assert.ok(pseries.includes(`no DMA API (guest-physical) desc.addr \`${grouped(EXAMPLE_PHYS)}\``), pseries);
    // An SEV guest refuses a device without ACCESS_PLATFORM at probe (§6.5, vector V68).
    assert.match(
      tableRow(section, title('x86_64-sev-guest').short)!,
      /probe fails: `device must provide VIRTIO_F_ACCESS_PLATFORM`/,
    );
  });

  test('hover on dma_set_mask_and_coherent compares the mask with 64 bits per platform', async () => {
    const path = join(fixtureDir, 'narrow-mask.c');
    const text = readFileSync(path, 'utf8');
    const uri = pathToFileURL(path).toString();
    await client.open(uri, text);
    await client.diagnosticsFor(uri);
    const markdown = (await client.hover(uri, positionOf(text, 'dma_set_mask_and_coherent', 2)))!.contents.value;
    const high = 0x1_2345_6000n;
    // x86-64 without IOMMU, 64-bit mask: dma = phys (§1.2, V01).
    assert.ok(tableRow(markdown, title('x86_64').short)!.includes(grouped(high)), markdown);
    // powernv: a 64-bit mask gets the TVE#1 bypass, phys + 1<<59 (§4.4, V33); a 32-bit mask goes through
    // the 32-bit TCE window with 64 KiB TCEs, first entry 1: (1 << 16) | (phys & 0xFFFF) (§4.4, V34).
    const powernv = tableRow(markdown, title('powernv').short)!;
    assert.ok(powernv.includes(grouped(high + (1n << 59n))), powernv);
    assert.ok(powernv.includes(grouped((1n << 16n) | (high & 0xffffn))), powernv);
  });

  test("a file's constant dma_set_mask applies to its hovers and hints", async () => {
    const path = join(fixtureDir, 'mask32-driver.c');
    const text = readFileSync(path, 'utf8');
    const uri = pathToFileURL(path).toString();
    await client.open(uri, text);
    await client.diagnosticsFor(uri);
    const markdown = (await client.hover(uri, positionOf(text, 'dma_map_single', 2)))!.contents.value;
    assert.match(markdown.replace(/\\(.)/g, '$1'), /mask DMA_BIT_MASK\(32\) \(line 16\)/);
    // pseries with a 32-bit mask: no DDW, the default 32-bit TCE window; the first small map on CPU 0
    // takes entry 1 (entry 0 is reserved) and costs one H_PUT_TCE (§4.2, §4.3, vector V24).
    const pseries = tableRow(markdown, title('pseries').short)!;
    assert.ok(pseries.includes('`0x1000`'), pseries);
    assert.match(pseries, /H_PUT_TCE ×1/);
    const hints = await client.request<{ position: { line: number }; label: string }[]>('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } },
    });
    const hint = hints.find((candidate) => candidate.position.line === positionOf(text, 'dma_map_single').line);
    assert.ok(hint?.label.includes(`${title('pseries').short}: H_PUT_TCE ×1`), hint?.label);
  });

  test('dma_map_resource is simulated at an MMIO address, where dma-direct gives the device the address itself', async () => {
    const text =
      'static int demo_p2p(struct device *dev, phys_addr_t bar)\n{\n\tdma_addr_t addr = dma_map_resource(dev, bar, 4096, DMA_BIDIRECTIONAL, 0);\n\n\tif (dma_mapping_error(dev, addr))\n\t\treturn -EIO;\n\treturn 0;\n}\n';
    const uri = 'file:///resource-demo.c';
    await client.open(uri, text);
    await client.diagnosticsFor(uri);
    const position = positionOf(text, 'dma_map_resource', 2);
    const site = await client.request<{ requests: { op: string; phys: string }[] }>('dmalens/callSiteAt', {
      uri,
      position,
    });
    const request = site.requests.find((candidate) => candidate.op === 'map_resource')!;
    const row = tableRow((await client.hover(uri, position))!.contents.value, title('x86_64').short)!;
    // dma_direct_map_resource does no phys_to_dma translation: dma_addr = paddr (§1.1).
    assert.ok(row.includes(grouped(BigInt(request.phys))), row);
    assert.ok(!/error/.test(row.split('|')[2]!), row);
  });

  test('published diagnostics carry code, link and severity; a quick fix inserts the check', async () => {
    const diagnostics = client.diagnostics.get(uncheckedUri)!;
    const unchecked = diagnostics.filter((diagnostic) => diagnostic.code === 'unchecked-mapping');
    const expectedLines = expectedRuleLines(uncheckedText, 'unchecked-mapping');
    assert.deepEqual(
      unchecked.map((diagnostic) => diagnostic.range.start.line),
      expectedLines,
    );
    assert.equal(unchecked[0]!.severity, 2);
    const actions = await client.request<
      { title: string; edit: { changes: Record<string, { range: Range; newText: string }[]> } }[]
    >('textDocument/codeAction', {
      textDocument: { uri: uncheckedUri },
      range: unchecked[0]!.range,
      context: { diagnostics: [unchecked[0]] },
    });
    const fix = actions.find((action) => action.title.includes('dma_mapping_error'));
    assert.ok(fix, JSON.stringify(actions));
    const fixed = applyEdits(uncheckedText, fix.edit.changes[uncheckedUri]!);
    assert.match(fixed, /if \(dma_mapping_error\(priv->dev, addr\)\)\n\t\treturn -ENOMEM;/);
    const fixedUri = `${uncheckedUri}.fixed.c`;
    await client.open(fixedUri, fixed);
    const after = await client.diagnosticsFor(fixedUri);
    assert.equal(
      after.filter((diagnostic) => diagnostic.code === 'unchecked-mapping').length,
      expectedLines.length - 1,
      'the fixed map is no longer reported',
    );
    // The suppression action silences the same finding instead.
    const ignore = actions.find((action) => action.title === 'Ignore unchecked-mapping on this line');
    assert.ok(ignore, JSON.stringify(actions.map((action) => action.title)));
    const silencedUri = `${uncheckedUri}.silenced.c`;
    const silenced = applyEdits(uncheckedText, ignore.edit.changes[uncheckedUri]!);
    assert.match(silenced, /\n\t\/\/ dmalens-ignore-next-line unchecked-mapping\n\taddr = dma_map_single/);
    await client.open(silencedUri, silenced);
    const quiet = await client.diagnosticsFor(silencedUri);
    assert.equal(
      quiet.filter((diagnostic) => diagnostic.code === 'unchecked-mapping').length,
      expectedLines.length - 1,
    );
  });

  test('quick fixes replace a removed API with its successor and rename the virtio feature macro', async () => {
    for (const [name, needle, expected] of [
      [
        'removed-api.c',
        'pci_map_single',
        'addr = dma_map_single(&adapter->pdev->dev, adapter->buf, 2048, DMA_FROM_DEVICE);',
      ],
      [
        'removed-api.c',
        'dma_zalloc_coherent',
        'adapter->ring = dma_alloc_coherent(&adapter->pdev->dev, 4096, &adapter->ring_dma, GFP_KERNEL);',
      ],
      ['virtio-feature.c', 'VIRTIO_F_IOMMU_PLATFORM', 'return virtio_has_feature(vdev, VIRTIO_F_ACCESS_PLATFORM);'],
    ] as const) {
      const path = join(fixtureDir, name);
      const text = readFileSync(path, 'utf8');
      const uri = pathToFileURL(path).toString();
      await client.open(uri, text);
      await client.diagnosticsFor(uri);
      const at = positionOf(text, needle);
      const actions = await client.request<
        { title: string; edit: { changes: Record<string, { range: Range; newText: string }[]> } }[]
      >('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: at, end: at },
        context: { diagnostics: [] },
      });
      const fixes = actions.filter((action) => !action.title.startsWith('Ignore '));
      assert.equal(fixes.length, 1, JSON.stringify(actions));
      const fixed = applyEdits(text, fixes[0]!.edit.changes[uri]!);
      assert.ok(fixed.includes(expected), fixed.split('\n')[at.line]);
    }
  });

  test('inlay hints say what differs from the reference platform, with the simulated bounce size', async () => {
    const path = join(fixtureDir, 'map-in-loop.c');
    const text = readFileSync(path, 'utf8');
    const uri = pathToFileURL(path).toString();
    await client.open(uri, text);
    const hints = await client.request<{ position: { line: number }; label: string }[]>('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } },
    });
    const mapLine = positionOf(text, 'dma_map_single').line;
    const hint = hints.find((candidate) => candidate.position.line === mapLine);
    assert.ok(hint, JSON.stringify(hints));
    // The reference (x86_64, dma-direct, no cost) is not repeated; pseries (dma-direct through its 64-bit
    // window here, no cost either) agrees with it; SEV guests bounce every map and copy the whole buffer at
    // map time, whatever the direction (§2.3, V19).
    assert.match(hint.label, /^ ≠ /);
    assert.ok(hint.label.includes(`${title('x86_64-sev-guest').short}: bounce 2048 B`), hint.label);
    assert.ok(!hint.label.includes(`${title('x86_64').short}:`), hint.label);
    assert.ok(!hint.label.includes(`${title('pseries').short}:`), hint.label);
    // The hover leads with the same differences, in its heading's sentence.
    const hover = (await client.hover(uri, positionOf(text, 'dma_map_single', 2)))!.contents.value.replace(
      /\\(.)/g,
      '$1',
    );
    const lead = hover.split('\n\n')[0]!;
    assert.match(lead, new RegExp(` — differs from ${title('x86_64').short}: `));
    assert.ok(lead.includes(`${title('x86_64-sev-guest').short} → bounce 2048 B`), lead);
  });

  test('DMA sites are workspace symbols by default, and Outline symbols (as events, not functions) when asked', async () => {
    const outline = () =>
      client.request<{ name: string; range: Range; kind: number }[]>('textDocument/documentSymbol', {
        textDocument: { uri: uncheckedUri },
      });
    // By default the Outline stays the C language server's: no DMA entries posing as functions.
    assert.deepEqual(await outline(), []);
    await client.changeSettings({ ...(client.settings as object), symbols: 'outline' });
    const symbols = await poll(outline, (listed) => listed.length > 0, 5000, 'Outline symbols');
    assert.ok(symbols.every((symbol) => symbol.kind !== 12 /* SymbolKind.Function */));
    const callLines = uncheckedText
      .split('\n')
      .map((line, index) => ({ line, index }))
      .filter(
        ({ line }) =>
          /\b(dma_map_single|dma_map_page|dma_mapping_error|dma_unmap_single|skb_frag_dma_map|dma_map_bvec)\(/.test(
            line,
          ) && !line.trim().startsWith('/*'),
      )
      .map(({ index }) => index);
    assert.deepEqual(
      symbols.map((symbol) => symbol.range.start.line),
      callLines,
    );
    assert.ok(symbols.some((symbol) => symbol.name.startsWith('dma_map_single(')));
    await client.waitFor(
      () =>
        client.statusNotifications.some((status) => (status as { index: { state: string } }).index.state === 'done'),
      20000,
      'index done',
    );
    const found = await client.request<{ location: { uri: string } }[]>('workspace/symbol', { query: 'dma_zalloc' });
    assert.ok(
      found.some((symbol) => symbol.location.uri.endsWith('removed-api.c')),
      JSON.stringify(found),
    );
  });

  test('custom requests: callSiteAt, simulate, negotiateVirtio, status', async () => {
    const site = await client.request<{
      site: { api: string; size: { value: string } };
      requests: { op: string; size: string; dir: string }[];
    }>('dmalens/callSiteAt', { uri: uncheckedUri, position: positionOf(uncheckedText, 'dma_map_single', 3) });
    assert.equal(site.site.api, 'dma_map_single');
    assert.equal(BigInt(site.requests[0]!.size), 1514n);
    assert.equal(site.requests[0]!.dir, 'to_device');
    // Vector V01: x86-64 without IOMMU, mask 64: dma-direct, dma == phys.
    const simulated = await client.request<{
      simulations: { platform: string; results: { path: string; dma: string }[]; svg?: string }[];
    }>('dmalens/simulate', {
      platforms: ['x86_64'],
      requests: [{ op: 'map_single', phys: '0x123456789', size: '0x200', dir: 'to_device' }],
    });
    assert.equal(BigInt(simulated.simulations[0]!.results[0]!.dma), 0x123456789n);
    assert.match(simulated.simulations[0]!.svg ?? '', /<svg/);
    // Spec §6.5: an SEV guest refuses a device without ACCESS_PLATFORM (vector V68).
    const virtio = await client.request<{ probeError: string | null; usesDmaApi: boolean }>('dmalens/negotiateVirtio', {
      platform: 'x86_64-sev-guest',
      offered: ['VERSION_1'],
    });
    assert.match(virtio.probeError ?? '', /device must provide VIRTIO_F_ACCESS_PLATFORM/);
    const withPlatform = await client.request<{ probeError: string | null; usesDmaApi: boolean }>(
      'dmalens/negotiateVirtio',
      { platform: 'x86_64-sev-guest', offered: ['VERSION_1', 'ACCESS_PLATFORM'] },
    );
    assert.equal(withPlatform.probeError, null);
    assert.equal(withPlatform.usesDmaApi, true);
    const status = await client.request<{ selected: string[] }>('dmalens/status', {});
    assert.deepEqual(status.selected, ['x86_64', 'x86_64-vtd', 'x86_64-sev-guest', 'pseries', 'powernv', 'rpi4-soc']);
  });

  test("an override that moves a profile's RAM moves the example buffer into it, and the hover says where", async () => {
    // arm64 with its RAM at 2 GiB (as many boards have): the usual example 0x1234_5000 is not RAM there, so
    // the example lies at the same offset into its RAM, 0x9234_5000, where dma-direct gives it to the device.
    await client.changeSettings({ platforms: ['x86_64', 'arm64'], overrides: { arm64: { ram_base: '0x80000000' } } });
    const at = positionOf(uncheckedText, 'dma_map_single', 2);
    const hover = await poll(
      () => client.hover(uncheckedUri, at),
      (answer) => Boolean(answer && tableRow(answer.contents.value, title('arm64').short)),
      8000,
      'the arm64 row',
    );
    const markdown = hover!.contents.value;
    assert.ok(tableRow(markdown, title('arm64').short)!.includes('`0x9234_5000`'), markdown);
    assert.ok(tableRow(markdown, title('x86_64').short)!.includes('`0x1234_5000`'), markdown);
    assert.match(markdown.replace(/\\(.)/g, '$1'), /where that starts elsewhere: .*phys 0x9234_5000/);
    await client.changeSettings({});
  });

  test('a settings change changes hover rows and severities', async () => {
    await client.changeSettings({
      platforms: ['x86_64', 'powernv'],
      rules: { 'unchecked-mapping': 'error', 'removed-api': 'off' },
    });
    const diagnostics = await client.waitFor(
      () => {
        const list = client.diagnostics.get(uncheckedUri);
        return list?.some(
          (diagnostic: Diagnostic) => diagnostic.code === 'unchecked-mapping' && diagnostic.severity === 1,
        )
          ? list
          : undefined;
      },
      8000,
      'error severity',
    );
    assert.ok(diagnostics.length > 0);
    const hover = await client.hover(uncheckedUri, positionOf(uncheckedText, 'dma_map_single', 2));
    const rows = hover!.contents.value
      .split('\n')
      .filter((line) => line.startsWith('|') && !line.startsWith('| ---') && !line.startsWith('| platform'));
    assert.equal(rows.length, 2, hover!.contents.value);
    assert.ok(tableRow(hover!.contents.value, title('powernv').short));
    await client.changeSettings({ rules: { 'unchecked-mapping': 'off' } });
    await client.waitFor(
      () =>
        client.diagnostics.get(uncheckedUri)?.some((diagnostic) => diagnostic.code === 'unchecked-mapping')
          ? undefined
          : true,
      8000,
      'rule off',
    );
  });

  test('invalid settings are reported in a message and the server keeps working with the rest', async () => {
    const before = client.messages.length;
    await client.changeSettings({
      platforms: ['x86_64', 'no-such-platform'],
      overrides: { pseries: { dma_mask: 'banana', ram: '8G' } },
      annotations: 42,
    });
    const message = await client.waitFor(
      () => client.messages.slice(before).find((entry) => entry.message.includes('no-such-platform')),
      8000,
      'settings message',
    );
    // Only the mistyped key is left out; the rest of pseries' override applies.
    assert.match(message.message, /dmalens\.overrides\.pseries\.dma_mask: .*that key is left out/);
    assert.doesNotMatch(message.message, /\bram\b.*left out/);
    assert.match(message.message, /annotations/);
    const hover = await client.hover(uncheckedUri, positionOf(uncheckedText, 'dma_map_single', 2));
    assert.ok(tableRow(hover!.contents.value, title('x86_64').short));
  });

  test('annotations can be code lenses instead of inlay hints', async () => {
    await client.changeSettings({ platforms: ['x86_64', 'x86_64-sev-guest'], annotations: 'codeLens' });
    const deadline = Date.now() + 5000;
    let found: { range: Range; command: { title: string; command: string } }[] = [];
    while (Date.now() < deadline && found.length === 0) {
      found = await client.request('textDocument/codeLens', { textDocument: { uri: uncheckedUri } });
      if (!found.length) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(found.length > 0);
    const first = found.find((lens) => lens.range.start.line === positionOf(uncheckedText, 'dma_map_single').line)!;
    assert.equal(first.command.command, 'dmalens.showPipeline');
    // SEV bounces the 1514-byte buffer at map time (§2.3, vector V19's size).
    assert.ok(first.command.title.includes(`${title('x86_64-sev-guest').short}: bounce 1514 B`), first.command.title);
    const hints = await client.request<unknown[]>('textDocument/inlayHint', {
      textDocument: { uri: uncheckedUri },
      range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } },
    });
    assert.equal(hints.length, 0);
  });
});
