// The benchmark on a small generated tree, so that `npm run bench` cannot rot: it must run end to end and
// print its one table with sane fields. This is not a timed test; no figure is compared with a limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../repo-root';

// This file runs as out/test/bench/bench-small.test.mjs.
const repo = repoRoot();

const DRIVERS = 12;
const PLAIN_FILES = 40;
/** Each generated driver makes these three catalogue calls in code. */
const CALLS_PER_DRIVER = 3;
const RING_FUNCTIONS = 8;
/** Each ring function makes these three catalogue calls in code. */
const CALLS_PER_RING_FUNCTION = 3;

function driver(index: number): string {
  return `// SPDX-License-Identifier: GPL-2.0
/* demo_nic${index}: dma_map_single() in this comment is not a call. */
#include <linux/dma-mapping.h>

static const char demo_name${index}[] = "dma_unmap_single(dev, h) in a string";

static int demo_xmit${index}(struct device *dev, void *buf, size_t len)
{
\tdma_addr_t h = dma_map_single(dev, buf, len, DMA_TO_DEVICE);

\tif (dma_mapping_error(dev, h))
\t\treturn -ENOMEM;
\tdma_unmap_single(dev, h, len, DMA_TO_DEVICE);
\treturn 0;
}
`;
}

function ring(): string {
  const functions = Array.from(
    { length: RING_FUNCTIONS },
    (_, index) => `
static int demo_ring_add${index}(struct virtqueue *vq, struct device *dev, struct page *page, struct scatterlist **sgs)
{
\tdma_addr_t addr = dma_map_page(dev, page, 0, PAGE_SIZE, DMA_FROM_DEVICE);

\tif (dma_mapping_error(dev, addr))
\t\treturn -ENOMEM;
\treturn virtqueue_add_sgs(vq, sgs, 1, 1, page, GFP_ATOMIC);
}
`,
  );
  return `// SPDX-License-Identifier: GPL-2.0\n#include <linux/virtio.h>\n#include <linux/dma-mapping.h>\n${functions.join('')}`;
}

function makeTree(): string {
  const tree = mkdtempSync(join(tmpdir(), 'dmalens-bench-tree-'));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  };
  for (let index = 0; index < DRIVERS; index++) write(`drivers/net/demo_nic${index}.c`, driver(index));
  for (let index = 0; index < PLAIN_FILES; index++)
    write(`drivers/misc/plain${index}.c`, `static int plain${index}(int x)\n{\n\treturn x + ${index};\n}\n`);
  write('drivers/virtio/virtio_ring.c', ring());
  write('Makefile', '# not scanned\n');
  return tree;
}

test('the benchmark runs on a small tree and prints its table with sane figures', () => {
  const tree = makeTree();
  const cache = mkdtempSync(join(tmpdir(), 'dmalens-bench-cache-'));
  const json = join(cache, 'figures.json');
  const run = spawnSync(
    process.execPath,
    [
      join(repo, 'scripts/bench.mjs'),
      tree,
      '--runs',
      '2',
      '--requests',
      '20',
      '--no-index',
      '--no-coccinelle',
      '--json',
      json,
    ],
    {
      cwd: repo,
      env: { ...process.env, XDG_CACHE_HOME: cache },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  assert.equal(run.status, 0, `bench failed: ${run.stderr}`);
  const table = run.stdout;
  for (const label of [
    'ripgrep',
    '`dmalens scan`, whole tree, empty cache',
    'tree unchanged',
    'after changing drivers/virtio/virtio_ring.c',
    'first hover',
    'hover p99',
    'edit → diagnostics p99',
    'inside a comment or string',
    'Machine:',
  ]) {
    assert.ok(table.includes(label), `the table has a '${label}' row:\n${table}`);
  }
  const figures = JSON.parse(readFileSync(json, 'utf8'));
  const expectedSites = DRIVERS * CALLS_PER_DRIVER + RING_FUNCTIONS * CALLS_PER_RING_FUNCTION;
  assert.equal(
    figures.counts.sites,
    expectedSites,
    'every generated call is found, none of the decoys in comments and strings',
  );
  assert.equal(figures.outsideCode.offenders.length, 0);
  assert.equal(figures.size.files, DRIVERS + PLAIN_FILES + 1);
  for (const name of ['rg', 'first', 'unchanged', 'changed']) {
    const wall = figures.scan[name].wall;
    assert.equal(wall.count, 2, `${name}: two runs`);
    assert.ok(wall.min > 0 && wall.min <= wall.median && wall.median <= wall.max, `${name}: median within its spread`);
    // Without GNU time the peak is polled from /proc, which can miss a process that ends within 10 ms.
    // CI installs GNU time (scripts/install-test-deps.sh), so there the RSS figure must have been read.
    if (process.env.CI) assert.ok(existsSync('/usr/bin/time'), 'GNU time is missing: run scripts/install-test-deps.sh');
    if (existsSync('/usr/bin/time'))
      assert.ok(figures.scan[name].rss.median > 1024, `${name}: a peak RSS in kB was read`);
  }
  // Every generated driver line holding "dma_map_single" matches for ripgrep, comment lines included.
  assert.ok(figures.rgLines >= expectedSites, `ripgrep matched ${figures.rgLines} lines`);
  const lsp = figures.lsp;
  assert.equal(lsp.requests, 20);
  assert.ok(lsp.firstHoverHasContent, 'the first hover shows something');
  assert.equal(lsp.positions, RING_FUNCTIONS * CALLS_PER_RING_FUNCTION, 'hovers go to the sites the server lists');
  for (const name of ['firstHover', 'hoverP50', 'hoverP99', 'editP50', 'editP99'])
    assert.ok(Number.isFinite(lsp[name].median) && lsp[name].median > 0, `${name} measured`);
  assert.ok(lsp.hoverP50.median <= lsp.hoverP99.median);
  rmSync(tree, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});
