// The pipeline SVG: well-formed, self-contained, escaped, theme-able, and highlighting exactly the hex
// digits whose bits differ between a stage's input and output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  renderPipelineSvg,
  changedNibbles,
  describeBits,
  CSS_VARIABLES,
  kernelSourceUrl,
} from '../../core/src/render/index';
import { formatAddress } from '../../core/src/render/format';
import { parseXml, walk, textOf, hasClass, type XmlElement } from './xml-check';
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

const HOSTILE = `</text><script>alert(1)</script>&amp;<a href="javascript:x">'"]]>\u0001`;

function stages(svg: XmlElement): XmlElement[] {
  return [...walk(svg)].filter((element) => hasClass(element, 'dl-stage'));
}

test('the SVG of four platforms is well-formed XML with one column per platform', () => {
  const rows = [
    row('x86_64', 'x86-64', directResult()),
    row('powernv', 'PowerNV', bypassResult()),
    row('pseries', 'pSeries', tceResult()),
    row('sev', 'SEV guest', bounceResult()),
  ];
  const svg = renderPipelineSvg(rows, { caption: 'map_single' });
  const root = parseXml(svg);
  assert.equal(root.name, 'svg');
  assert.equal(root.attrs['xmlns'], 'http://www.w3.org/2000/svg');
  const fnTexts = [...walk(root)]
    .filter((element) => element.name === 'text' && hasClass(element, 'dl-fn'))
    .map(textOf);
  for (const fn of ['dma_map_page_attrs', 'phys_to_dma', 'iommu_map_page', 'swiotlb_tbl_map_single'])
    assert.ok(fnTexts.includes(fn), `${fn} shown as plain text`);
  const results = [...walk(root)].filter((element) => hasClass(element, 'dl-result')).map(textOf);
  assert.deepEqual(results, [
    formatAddress(PHYS),
    formatAddress(PHYS + BYPASS),
    formatAddress(0x1678n),
    formatAddress(0xbbf0_0000n),
  ]);
  assert.equal(
    stages(root).length,
    rows.reduce((sum, entry) => sum + entry.result.stages.length, 0),
  );
});

test('the SVG is self-contained: no script, foreignObject, style attributes, event handlers or resource links', () => {
  const svg = renderPipelineSvg([row('a', HOSTILE, failedResult(HOSTILE)), row('b', 'B', bounceResult())]);
  const root = parseXml(svg);
  for (const element of walk(root)) {
    assert.ok(!['script', 'foreignObject', 'image', 'use', 'iframe'].includes(element.name), `no <${element.name}>`);
    for (const [key, value] of Object.entries(element.attrs)) {
      assert.ok(!/^on/i.test(key), `no event attribute ${key}`);
      assert.notEqual(key, 'style');
      if (key === 'href') assert.match(value, /^https:\/\//);
    }
  }
  assert.ok(!/url\(/.test(svg), 'no url() in the CSS');
});

test('hostile strings from sources stay text: the parsed text equals the input', () => {
  const failed = failedResult(HOSTILE);
  failed.stages[0]!.note = HOSTILE;
  failed.stages[0]!.fn = `fn${HOSTILE}`;
  const root = parseXml(renderPipelineSvg([row(HOSTILE, HOSTILE, failed)], { caption: HOSTILE, idPrefix: '"><x' }));
  const clean = HOSTILE.replace('\u0001', '\uFFFD');
  const texts = [...walk(root)].map((element) => (element.name === 'title' ? textOf(element) : '')).filter(Boolean);
  assert.ok(texts.includes(clean), 'the caption round-trips through the title');
  const stage = stages(root)[0]!;
  assert.equal(stage.attrs['data-fn'], `fn${clean}`);
  assert.ok(textOf(stage).includes(`fn${clean}`));
  assert.ok(
    ![...walk(root)].some(
      (element) =>
        element.name === 'script' || (element.name === 'a' && element.attrs['href']?.startsWith('javascript')),
    ),
  );
});

test('changed hex digits are highlighted exactly where input and output differ', () => {
  const input = PHYS;
  const output = PHYS + BYPASS;
  const xor = input ^ output;
  const root = parseXml(renderPipelineSvg([row('powernv', 'PowerNV', bypassResult())]));
  const stage = stages(root).find((element) => element.attrs['data-fn'] === 'phys_to_dma')!;
  assert.equal(stage.attrs['data-changed'], `0x${xor.toString(16)}`);
  const out = [...walk(stage)].find((element) => hasClass(element, 'dl-out'))!;
  const digits: { ch: string; changed: boolean }[] = [];
  for (const child of out.children) {
    if (typeof child === 'string') for (const ch of child) digits.push({ ch, changed: false });
    else for (const ch of textOf(child)) digits.push({ ch, changed: hasClass(child, 'dl-changed') });
  }
  assert.equal(digits.map((d) => d.ch).join(''), formatAddress(output));
  const nibbles = digits
    .slice(2)
    .filter((d) => d.ch !== '_')
    .reverse();
  nibbles.forEach((digit, nibble) =>
    assert.equal(digit.changed, ((xor >> BigInt(nibble * 4)) & 0xfn) !== 0n, `nibble ${nibble}`),
  );
  assert.equal(nibbles.filter((d) => d.changed).length, changedNibbles(xor).size);
  assert.equal(describeBits(xor), 'bits 59');
  // A stage that changes nothing highlights nothing.
  const same = stages(root).find((element) => element.attrs['data-fn'] === 'dma_map_page_attrs')!;
  assert.equal(same.attrs['data-changed'], '0x0');
  assert.ok(![...walk(same)].some((element) => hasClass(element, 'dl-changed')));
});

test('describeBits gives ranges of consecutive changed bits', () => {
  const mask = (0xfn << 12n) | (1n << 40n) | (1n << 41n) | 1n;
  assert.equal(describeBits(mask), 'bits 0, 12–15, 40–41');
});

test('stages link to their kernel source and carry the spec section; non-kernel refs are not links', () => {
  const root = parseXml(renderPipelineSvg([row('x', 'X', directResult())]));
  for (const stage of stages(root)) {
    assert.equal(stage.name, 'a');
    assert.ok(stage.attrs['href']!.endsWith(stage.attrs['data-ref']!.split(':')[0]!));
    assert.match(stage.attrs['data-spec']!, /^§\d/);
    assert.ok(stage.children.some((child) => typeof child !== 'string' && child.name === 'title'));
  }
  assert.equal(kernelSourceUrl('qemu hw/virtio/virtio-bus.c:virtio_bus_device_plugged'), null);
  assert.equal(
    kernelSourceUrl('kernel/dma/swiotlb.c:swiotlb_map'),
    'https://elixir.bootlin.com/linux/v6.1/source/kernel/dma/swiotlb.c',
  );
});

test('costs become badges of their kind', () => {
  const root = parseXml(renderPipelineSvg([row('sev', 'SEV', bounceResult()), row('pseries', 'pSeries', tceResult())]));
  const badges = [...walk(root)].filter((element) => hasClass(element, 'dl-badge'));
  const kinds = badges.map((badge) =>
    (badge.attrs['class'] ?? '').split(' ').find((cls) => cls.startsWith('dl-badge-')),
  );
  assert.deepEqual(kinds.sort(), ['dl-badge-bounce', 'dl-badge-cache', 'dl-badge-hypercall', 'dl-badge-iotlb']);
  assert.ok(badges.some((badge) => textOf(badge).includes('1514 B')));
  assert.ok(badges.some((badge) => textOf(badge).includes('H_PUT_TCE ×1')));
});

test('style: every colour is a --dmalens variable with a VS Code fallback; nonce and embedStyle are honoured', () => {
  const svg = renderPipelineSvg([row('x', 'X', directResult())], { nonce: 'abc123' });
  const style = [...walk(parseXml(svg))].find((element) => element.name === 'style')!;
  assert.equal(style.attrs['nonce'], 'abc123');
  const css = textOf(style);
  for (const variable of CSS_VARIABLES)
    assert.ok(css.includes(`var(${variable}, var(--vscode-`), `${variable} falls back to a VS Code variable`);
  assert.ok(!renderPipelineSvg([row('x', 'X', directResult())], { embedStyle: false }).includes('<style'));
});

test('more than four platforms is refused, none renders an empty picture', () => {
  const five = Array.from({ length: 5 }, (_, i) => row(`p${i}`, 'P', directResult()));
  assert.throws(() => renderPipelineSvg(five), RangeError);
  assert.equal(parseXml(renderPipelineSvg([])).name, 'svg');
});

test('text stays inside its 340px box even in a wide fallback font (about 0.62em per character)', () => {
  // Box width 340 minus 8px padding on each side; 10.5px notes at 6.5px per character, 12px bold titles at 7.5px.
  const inner = 340 - 16;
  const result = directResult();
  result.stages[0]!.note =
    'No dma_range_map: the bus address equals the physical address, so the window offset is zero and nothing else changes here either.';
  const svg = parseXml(
    renderPipelineSvg([
      row(
        'stm32mp151-mlahb-with-a-long-id',
        'A platform title that is long enough to need wrapping twice over',
        result,
      ),
    ]),
  );
  for (const element of walk(svg)) {
    if (element.name !== 'text') continue;
    const text = textOf(element);
    const perChar = hasClass(element, 'dl-fn') ? 7.5 : hasClass(element, 'dl-dim') ? 6.5 : null;
    if (perChar === null || text.includes(' ') === false) continue;
    assert.ok(text.length * perChar <= inner, `"${text}" (${text.length} characters) fits ${inner}px`);
  }
});
