// Region parsing (the batch path) must find exactly what a whole-file parse finds, with file positions.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { CallSite } from '../../server/src/analysis/callsite';
import { extractCallSites } from '../../server/src/analysis/extract';
import { analyzeFileText } from '../../server/src/analysis/file-analysis';
import { regionAround } from '../../server/src/analysis/regions';
import { initParser } from '../../server/src/parse/parser';
import { cFilesIn } from './extract-support';

before(async () => {
  await initParser();
});

/** Sites without `recovered`, which only says whether an ERROR node was near, and that depends on what was parsed. */
function comparable(sites: CallSite[]): Omit<CallSite, 'recovered'>[] {
  return sites.map(({ recovered: _recovered, ...rest }) => rest);
}

for (const [dir, selfContained] of [
  ['test/fixtures', false],
  ['examples', true],
] as const) {
  for (const file of cFilesIn(dir)) {
    test(`regions give the same sites as a full parse: ${dir}/${file.name}`, () => {
      const full = extractCallSites(file.text);
      const regional = analyzeFileText(file.text, file.path, { wholeFileShare: Infinity });
      // The macro fixtures may need the fallback; the example drivers are plain kernel style.
      if (selfContained) {
        assert.equal(regional.fullParse, false, 'every region of the example drivers is self-contained');
        assert.ok(regional.parsedBytes < file.text.length, 'regions parse less than the whole file');
      }
      assert.deepEqual(comparable(regional.sites), comparable(full));
    });
  }
}

test('the default batch path also matches the full parse', () => {
  for (const file of cFilesIn('examples')) {
    assert.deepEqual(
      comparable(analyzeFileText(file.text, file.path).sites),
      comparable(extractCallSites(file.text)),
      file.name,
    );
  }
});

test('a region is the whole top-level definition around the offset', () => {
  const text = [
    'static int a;',
    '',
    '/* leading comment; */',
    'static int f(void)',
    '{',
    '#ifdef CONFIG_X',
    '\tx = dma_map_single(d, b, 4, DMA_TO_DEVICE);',
    '#endif',
    '}',
    'static int g(void);',
  ].join('\n');
  const region = regionAround(text, text.indexOf('dma_map_single'));
  assert.equal(text.slice(region.start, region.end), text.slice(text.indexOf('\n') + 1, text.indexOf('static int g')));
});

test('a hit inside a #define is the region of that logical line', () => {
  const text = 'int x;\n#define MAP(d, b) \\\n\tdma_map_single(d, b, 4, DMA_TO_DEVICE)\nint y;\n';
  const region = regionAround(text, text.indexOf('dma_map_single'));
  assert.equal(
    text.slice(region.start, region.end),
    '#define MAP(d, b) \\\n\tdma_map_single(d, b, 4, DMA_TO_DEVICE)\n',
  );
});

test('a region that is not self-contained falls back and still finds the call', () => {
  // The brace of f closes on an indented line, so the region around the second call cannot stand alone.
  const text = 'static void f(void)\n{\n\tif (x) {\n}\n\ty = dma_map_single(d, b, 4, DMA_TO_DEVICE);\n\t}\n';
  const result = analyzeFileText(text, 'f.c', { wholeFileShare: Infinity });
  assert.deepEqual(
    result.sites.map((site) => [site.api, site.nameRange.start.line]),
    [['dma_map_single', 4]],
  );
});

test('a function under #ifdef CONFIG_... is parsed as its own region, without the #endif below it', () => {
  // The region takes the #ifdef line above the function (directives are never boundaries) but stops at
  // the function's closing brace, so its parse has a MISSING #endif: that alone does not force a fallback.
  const filler = Array.from(
    { length: 40 },
    (_, index) => `static int unrelated_${index}(void)\n{\n\treturn ${index};\n}\n`,
  ).join('\n');
  const text = [
    filler,
    '#ifdef CONFIG_PM_SLEEP',
    'static int bdd_resume(struct device *dev)',
    '{',
    '\tstruct bdd_priv *priv = dev_get_drvdata(dev);',
    '',
    '\tpriv->dma = dma_map_single(dev, priv->buf, 64, DMA_TO_DEVICE);',
    '\tif (dma_mapping_error(dev, priv->dma))',
    '\t\treturn -ENOMEM;',
    '\treturn 0;',
    '}',
    '#endif',
    filler,
  ].join('\n');
  const regional = analyzeFileText(text, 'pm.c');
  assert.equal(regional.fullParse, false);
  assert.ok(regional.parsedBytes < text.length / 4, `parsed ${regional.parsedBytes} of ${text.length}`);
  assert.deepEqual(comparable(regional.sites), comparable(extractCallSites(text)));
  assert.equal(regional.sites.find((site) => site.api === 'dma_map_single')?.checked, true);
});

test('statements inside an unclosed #if at the top of a region still mean it began inside a function', () => {
  // Column-0 statements inside f's body end regions, so the region around the call is the #ifdef line,
  // the call and `z = 2;`: statements in an unclosed #if block, which must not be taken as file scope.
  const text =
    'static void f(void)\n{\n\tint a;\nx = 1;\n#ifdef CONFIG_X\n\ty = dma_map_single(d, b, 4, DMA_TO_DEVICE);\nz = 2;\n\tw = 3;\n#endif\n}\n';
  const result = analyzeFileText(text, 'f.c', { wholeFileShare: Infinity });
  assert.deepEqual(comparable(result.sites), comparable(extractCallSites(text)));
  assert.equal(result.sites[0]?.enclosingFunction, 'f');
});

test('a file that starts with a line break: the region reaches the start of the file instead of looping', () => {
  // The walk up asked for the line of offset 0 and was told it started at 1, for ever (a fuzzed file hung
  // every scan and every editor request on it).
  const text = '\n\tdma_addr_t h = dma_map_single(d, b, 4, DMA_TO_DEVICE);\n}\n';
  const region = regionAround(text, text.indexOf('dma_map_single'));
  assert.equal(region.start, 0);
  assert.equal(analyzeFileText(text, 'leading-newline.c', { regionsOnly: true }).sites.length, 1);
});

test('a line-ending comment after `;` still ends a top-level item', () => {
  const text = 'static int a; /* the first */\nstatic void f(void)\n{\n\tdma_map_single(d, b, 4, DMA_TO_DEVICE);\n}\n';
  assert.equal(regionAround(text, text.indexOf('dma_map_single')).start, text.indexOf('static void'));
});
