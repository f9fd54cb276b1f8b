// Information rules that earn their place: map-in-loop speaks only where an iteration pays something that
// mapping once would save (a hypercall, a bounce copy, an IOTLB flush), not for the cache maintenance a
// non-coherent SoC does on every map; narrow-dma-mask is silent about a fallback after a wider attempt.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFileText } from '../../server/src/analysis/file-analysis';
import { LineIndex } from '../../server/src/analysis/line-index';
import { runChecks } from '../../server/src/checks/run-checks';
import { initParser } from '../../server/src/parse/parser';
import { createPlatformModel, driverContext } from '../../server/src/sites';

const LOOP = `static int demo_fill_rx(struct device *dev, void **buf, dma_addr_t *dma)
{
	int i;

	for (i = 0; i < 64; i++) {
		dma[i] = dma_map_single(dev, buf[i], 2048, DMA_FROM_DEVICE);
		if (dma_mapping_error(dev, dma[i]))
			return -ENOMEM;
	}
	return 0;
}
`;

const MASKS = `static int demo_probe(struct pci_dev *pdev)
{
	if (dma_set_mask(&pdev->dev, DMA_BIT_MASK(48)) && dma_set_mask(&pdev->dev, DMA_BIT_MASK(32)))
		return -EIO;
	return 0;
}

static int demo_probe_narrow(struct pci_dev *pdev)
{
	return dma_set_mask(&pdev->dev, DMA_BIT_MASK(32));
}
`;

before(() => initParser());

function findings(text: string, platforms: string[], rule: string) {
  const { sites } = analyzeFileText(text, 'demo.c');
  const { model } = createPlatformModel(platforms, {});
  const driver = driverContext(model, { sites, text });
  return runChecks({ sites, text, lines: new LineIndex(text), driver, path: 'demo.c' }, { severities: {} }).filter(
    (finding) => finding.ruleId === rule,
  );
}

test('map-in-loop: a bounce per iteration is reported, cache maintenance alone is not', () => {
  // An SEV guest bounces every map through swiotlb (spec §1.6): 2048 bytes copied per iteration.
  const onSev = findings(LOOP, ['x86_64-sev-guest'], 'map-in-loop');
  assert.equal(onSev.length, 1);
  assert.match(onSev[0]!.message, /bounce 2048 B/);
  // The Raspberry Pi 4's non-coherent soc bus cleans and invalidates the buffer's lines on every map,
  // loop or not; x86 without an IOMMU maps for free.
  assert.deepEqual(findings(LOOP, ['rpi4-soc', 'x86_64'], 'map-in-loop'), []);
  // Where one platform pays, only that one is named.
  const mixed = findings(LOOP, ['rpi4-soc', 'x86_64-sev-guest'], 'map-in-loop');
  assert.equal(mixed.length, 1);
  assert.doesNotMatch(mixed[0]!.message, /RPi4/);
});

test('narrow-dma-mask: a fallback after a wider attempt is no finding; a narrow mask alone is', () => {
  const reported = findings(MASKS, ['x86_64', 'pseries', 'powernv'], 'narrow-dma-mask');
  const about32 = reported.filter((finding) => finding.message.startsWith('DMA_BIT_MASK(32)'));
  assert.deepEqual(
    about32.map((finding) => finding.range.start.line),
    [9],
    'the 32-bit fallback after the 48-bit attempt is not reported; the 32-bit mask of demo_probe_narrow is',
  );
});
