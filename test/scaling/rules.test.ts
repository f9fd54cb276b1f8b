// Rules over pathological but plausible text: thousands of hits of a renamed macro on one long line
// (generated tables), and a very long statement before virt_to_phys. Each used to cost time quadratic in
// the input (a line prefix sliced and matched per hit; a statement prefix matched by an unanchored
// pattern); doubling the input must now at most about double the time, and the findings stay.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initParser } from '../../server/src/parse/parser';
import { analyzeFileText } from '../../server/src/analysis/file-analysis';
import { runChecks } from '../../server/src/checks/run-checks';
import { createPlatformModel, driverContext } from '../../server/src/sites';
import { assertLinearScaling } from './scaling-support';

const model = createPlatformModel(['x86_64', 'x86_64-vtd'], {}).model;

function check(text: string, rule: string) {
  const { sites } = analyzeFileText(text, 'generated.c');
  return runChecks({ sites, text, driver: driverContext(model, { sites, text }) }, { severities: {}, only: [rule] });
}

/** One long line OR-ing the old feature name `hits` times into a mask. */
function renamedOnOneLine(hits: number): string {
  return `static const u64 demo_features = ${Array(hits).fill('(1ULL << VIRTIO_F_IOMMU_PLATFORM)').join(' | ')};\n`;
}

/** A statement of about `bytes` characters ending in a descriptor assignment from virt_to_phys. */
function longStatementBeforeVirtToPhys(bytes: number): string {
  const terms = Array(Math.ceil(bytes / 16))
    .fill('priv->pad_x + ')
    .join('');
  return `static void demo_fill(struct demo_priv *priv, struct demo_desc *desc, void *buf)\n{\n\tpriv->sum = ${terms}0, desc->addr = cpu_to_le64(virt_to_phys(buf));\n}\n`;
}

before(() => initParser());

test('every hit of the old name on the long line is reported', () => {
  assert.equal(check(renamedOnOneLine(500), 'virtio-iommu-platform-renamed').length, 500);
});

test('virtio-iommu-platform-renamed scales linearly in the hits on one line', () => {
  assertLinearScaling('renamed-macro hits on one line', [2000, 4000, 8000], (hits) => {
    const text = renamedOnOneLine(hits);
    return () => check(text, 'virtio-iommu-platform-renamed');
  });
});

test('raw-phys-to-device scales linearly in the length of the statement before virt_to_phys', () => {
  assertLinearScaling('a long statement before virt_to_phys', [25_000, 50_000, 100_000], (bytes) => {
    const text = longStatementBeforeVirtToPhys(bytes);
    return () => check(text, 'raw-phys-to-device');
  });
});

/**
 * One function mapping `maps` buffers into locals of their own, each checked, each failure jumping to an
 * unwind label, then every handle stored and the function ending: the path of every map runs to the
 * function's end past every later goto and label.
 */
function manyUnwoundMaps(maps: number): string {
  const declarations = Array.from({ length: maps }, (_, index) => `\tdma_addr_t a${index};\n`).join('');
  const body = Array.from(
    { length: maps },
    (_, index) =>
      `\ta${index} = dma_map_single(dev, buf + ${index * 64}, 64, DMA_TO_DEVICE);\n` +
      `\tif (dma_mapping_error(dev, a${index}))\n\t\tgoto err_${index};\n`,
  ).join('');
  const stores = Array.from({ length: maps }, (_, index) => `\tring[${index}] = a${index};\n`).join('');
  const labels = Array.from(
    { length: maps },
    (_, index) => `err_${maps - 1 - index}:\n\tdma_unmap_single(dev, a${maps - 1 - index}, 64, DMA_TO_DEVICE);\n`,
  ).join('');
  return `static int many_maps(struct device *dev, char *buf, dma_addr_t *ring)\n{\n${declarations}${body}${stores}\treturn 0;\n${labels}\treturn -ENOMEM;\n}\n`;
}

test('map-leak-on-error and double-unmap scale linearly in the maps of one function with unwind labels', () => {
  for (const rule of ['map-leak-on-error', 'double-unmap'])
    assertLinearScaling(`${rule} over maps with unwind labels`, [100, 200, 400], (maps) => {
      // The file is analysed once; the rule's own work is timed.
      const text = manyUnwoundMaps(maps);
      const { sites } = analyzeFileText(text, 'generated.c');
      const driver = driverContext(model, { sites, text });
      return () => runChecks({ sites, text, driver }, { severities: {}, only: [rule] });
    });
});
