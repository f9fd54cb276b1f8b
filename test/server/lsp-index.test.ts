// The background workspace index over a real stdio connection: it does not hold up initialize, reports
// $/progress from begin to end, honours exclude globs and the file size limit, and follows file changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lsp-client';

const driver = (name: string) => `// SPDX-License-Identifier: GPL-2.0
#include <linux/dma-mapping.h>

static int ${name}_map(struct device *dev, void *buf)
{
	dma_addr_t addr = dma_map_single(dev, buf, 64, DMA_TO_DEVICE);

	if (dma_mapping_error(dev, addr))
		return -ENOMEM;
	return 0;
}
`;

interface Symbol {
  name: string;
  containerName?: string;
  location: { uri: string };
}

describe('workspace index', () => {
  let client: LspClient;
  let root: string;
  let initializeMs: number;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'dmalens-index-'));
    mkdirSync(join(root, 'drivers'));
    mkdirSync(join(root, 'generated'));
    writeFileSync(join(root, 'drivers/alpha.c'), driver('alpha'));
    writeFileSync(join(root, 'generated/excluded.c'), driver('excluded'));
    writeFileSync(join(root, 'drivers/huge.c'), `${driver('huge')}${'/* padding */\n'.repeat(10000)}`);
    const started = Date.now();
    client = await LspClient.start({
      rootUri: pathToFileURL(root).toString(),
      settings: { 'index.exclude': ['generated/**'], 'index.maxFileBytes': 65536 },
    });
    initializeMs = Date.now() - started;
  });
  after(() => client.stop());

  const symbols = (query: string) => client.request<Symbol[]>('workspace/symbol', { query });
  const indexDone = () =>
    client.waitFor(
      () =>
        client.statusNotifications.some((status) => (status as { index: { state: string } }).index.state === 'done'),
      20000,
      'index done',
    );

  test('initialize answers before indexing finishes, and progress runs from begin to end', async () => {
    assert.ok(initializeMs < 5000, `initialize took ${initializeMs} ms`);
    await indexDone();
    const kindsNow = () => client.progress.map((entry) => (entry as { value: { kind: string } }).value.kind);
    await client.waitFor(() => kindsNow().includes('end'), 5000, 'progress end');
    const kinds = kindsNow();
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds[kinds.length - 1], 'end');
  });

  test('excluded folders and files over the size limit are not indexed', async () => {
    await indexDone();
    const found = await symbols('dma_map_single');
    const functions = found.map((symbol) => symbol.containerName);
    assert.ok(functions.includes('alpha_map'), JSON.stringify(found));
    assert.ok(!functions.includes('excluded_map'), 'generated/ is excluded');
    assert.ok(!functions.includes('huge_map'), 'a file above index.maxFileBytes is skipped');
    const status = await client.request<{ index: { skippedFiles: number } }>('dmalens/status', {});
    assert.equal(status.index.skippedFiles, 1);
  });

  test('a new file reported by didChangeWatchedFiles is indexed; a deleted one is forgotten', async () => {
    await indexDone();
    const added = join(root, 'drivers/beta.c');
    writeFileSync(added, driver('beta'));
    await client.notify('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(added).toString(), type: 1 }],
    });
    const deadline = Date.now() + 10000;
    let functions: (string | undefined)[] = [];
    while (Date.now() < deadline) {
      functions = (await symbols('dma_map_single')).map((symbol) => symbol.containerName);
      if (functions.includes('beta_map')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(functions.includes('beta_map'), JSON.stringify(functions));
    await client.notify('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(join(root, 'drivers/alpha.c')).toString(), type: 3 }],
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    functions = (await symbols('dma_map_single')).map((symbol) => symbol.containerName);
    assert.ok(!functions.includes('alpha_map'));
    const analysis = await client.request<{ totals: { files: number; sites: number } }>('dmalens/analyzeWorkspace', {});
    assert.equal(analysis.totals.files, 1);
    assert.equal(analysis.totals.sites, 2, 'dma_map_single and dma_mapping_error in beta.c');
  });

  test('a new platform selection keeps the indexed sites while the findings are recomputed', async () => {
    await indexDone();
    const before = client.statusNotifications.length;
    await client.changeSettings({ ...(client.settings as object), platforms: ['pseries', 'x86_64'] });
    type Status = { selected: string[]; index: { state: string; sites: number } };
    const after = () => client.statusNotifications.slice(before) as Status[];
    await client.waitFor(
      () => after().some((status) => status.selected.join() === 'pseries,x86_64' && status.index.state === 'done'),
      20000,
      'the index after the platform change',
    );
    // While the findings were recomputed the sites were never dropped: no status of the run counted none.
    const running = after().filter((status) => status.index.state === 'indexing');
    assert.ok(running.length > 0, 'the findings were recomputed');
    assert.ok(
      running.every((status) => status.index.sites > 0),
      JSON.stringify(running.map((status) => status.index)),
    );
    assert.ok((await symbols('dma_map_single')).some((symbol) => symbol.containerName === 'beta_map'));
  });
});

describe('workspace index limits', () => {
  /** A tree of `count` small drivers, each with two call sites. */
  function makeTree(count: number): string {
    const root = mkdtempSync(join(tmpdir(), 'dmalens-index-caps-'));
    for (let dir = 0; dir < count / 100; dir++) {
      mkdirSync(join(root, `d${dir}`));
      for (let file = 0; file < 100; file++)
        writeFileSync(join(root, `d${dir}`, `drv${file}.c`), driver(`drv${dir}_${file}`));
    }
    return root;
  }

  async function indexWith(settings: Record<string, unknown>, count: number) {
    const root = makeTree(count);
    const client = await LspClient.start({ rootUri: pathToFileURL(root).toString(), settings });
    try {
      await client.waitFor(
        () =>
          client.statusNotifications.some((status) => (status as { index: { state: string } }).index.state === 'done'),
        60000,
        'index done',
      );
      const analysis = await client.request<{ totals: { files: number } }>('dmalens/analyzeWorkspace', {});
      return { files: analysis.totals.files, logs: client.logs };
    } finally {
      await client.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }

  // The limits are checked as progress is reported (every 100 ms), so the index stops soon after them.
  test('index.maxFiles stops the index early and says so in the log', async () => {
    const { files, logs } = await indexWith({ 'index.maxFiles': 200 }, 6000);
    assert.ok(files >= 1 && files < 6000, `indexed ${files} of 6000 files`);
    assert.ok(
      logs.some((line) => line.includes('stopped at dmalens.index.maxFiles (200)')),
      logs.join('\n'),
    );
  });

  test('index.maxTotalBytes stops the index early and says so in the log', async () => {
    const { files, logs } = await indexWith({ 'index.maxTotalBytes': 100_000 }, 6000);
    assert.ok(files >= 1 && files < 6000, `indexed ${files} of 6000 files`);
    assert.ok(
      logs.some((line) => line.includes('stopped at dmalens.index.maxTotalBytes (100000)')),
      logs.join('\n'),
    );
  });

  test('without limits every file is indexed', async () => {
    const { files, logs } = await indexWith({}, 600);
    assert.equal(files, 600);
    assert.ok(!logs.some((line) => line.includes('stopped at')), logs.join('\n'));
  });
});
