// A function with many map/unmap pairs sharing one handle (a driver that reuses `dma_addr_t h` for every
// buffer it maps in turn): checking whether each unmap pairs with its map must grow linearly with the
// pairs, not with their cube (each unmap against each map, each time scanning the function's text).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initParser } from '../../server/src/parse/parser';
import { analyzeFileText } from '../../server/src/analysis/file-analysis';
import { runChecks } from '../../server/src/checks/run-checks';
import { createPlatformModel, driverContext } from '../../server/src/sites';
import { assertLinearScaling } from './scaling-support';

/** `pairs` maps of `h`, each checked and unmapped, in one function; every third unmap has the wrong direction. */
function sharedHandle(pairs: number): string {
  const body = Array.from(
    { length: pairs },
    (_, index) =>
      `\th = dma_map_single(dev, buf + ${index * 64}, 64, DMA_TO_DEVICE);\n` +
      `\tif (dma_mapping_error(dev, h))\n\t\treturn -ENOMEM;\n` +
      `\tdma_unmap_single(dev, h, 64, ${index % 3 === 2 ? 'DMA_FROM_DEVICE' : 'DMA_TO_DEVICE'});\n`,
  ).join('');
  return `static int many_maps(struct device *dev, char *buf)\n{\n\tdma_addr_t h;\n\n${body}\treturn 0;\n}\n`;
}

const model = createPlatformModel(['x86_64'], {}).model;

function check(text: string) {
  return checker(text)();
}

/** The checks of an analysed file, ready to run: the scaling test times the checks, not the parse. */
function checker(text: string): () => ReturnType<typeof runChecks> {
  const { sites } = analyzeFileText(text, 'many_maps.c');
  const driver = driverContext(model, { sites, text });
  return () => runChecks({ sites, text, driver }, { severities: {} });
}

before(() => initParser());

test('each unmap is judged against the map just before it, however many share the handle', () => {
  const findings = check(sharedHandle(30)).filter((finding) => finding.ruleId === 'unmap-mismatch');
  // Pairs 3, 6, …, 30 unmap DMA_FROM_DEVICE what they mapped DMA_TO_DEVICE: ten mismatches, no more.
  assert.equal(findings.length, 10);
});

test('checking map/unmap pairs that share one handle scales linearly', () => {
  assertLinearScaling('pairs sharing a handle', [400, 800, 1600], (pairs) => checker(sharedHandle(pairs)));
});
