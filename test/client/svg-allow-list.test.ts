// The pipeline page's SVG allow-list, run in headless Chromium (the engine of VS Code's webviews): hostile
// pictures lose every script, event handler, foreign element, animation, external reference and inline
// style, and nothing in them runs when inserted and clicked; the core's own pictures keep their text,
// stage links and style sheet.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createSession, renderPipelineSvg } from '@dmalens/core';
import { chromiumBinary } from './harness/code-server';
import { repoRoot } from '../repo-root';

const root = repoRoot();
const SVG = 'xmlns="http://www.w3.org/2000/svg"';
const XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"';
/** What a successful attack would do: set a flag the test reads. */
const PWN = 'window.__pwned=1';

let browser: Browser;
let page: Page;

before(async () => {
  const bundle = await esbuild.build({
    entryPoints: [join(root, 'client/src/pipeline/page/svg-allow-list.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'allowList',
    platform: 'browser',
    target: 'es2022',
  });
  browser = await chromium.launch({ executablePath: chromiumBinary(), headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage();
  await page.setContent('<!DOCTYPE html><html><body><main id="shown"></main></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  // The page opens https links through the extension; here they must not navigate the test page away.
  // Any other link is left to the browser, so a javascript: URL that survived would run and be seen.
  // The callbacks run in the browser; the test's own types know no DOM, hence `any` for its globals.
  await page.evaluate(() =>
    (globalThis as any).document.addEventListener(
      'click',
      (event: any) => {
        const link = event.target.closest('a');
        const href = link?.getAttribute('href') ?? link?.getAttribute('xlink:href') ?? '';
        if (/^https:/i.test(href)) event.preventDefault();
      },
      true,
    ),
  );
});

after(async () => {
  await browser?.close();
});

interface Shown {
  markup: string | null;
  pwned: boolean;
}

/** Sanitises `markup` in the page, inserts what is left, clicks and hovers every element, and reports. */
async function show(markup: string): Promise<Shown> {
  return page.evaluate(async (input) => {
    const scope = globalThis as any;
    scope.__pwned = 0;
    const svg = scope.allowList.sanitizeSvg(input, scope.document, 'n0nce');
    scope.document.getElementById('shown').replaceChildren(...(svg ? [svg] : []));
    if (svg) {
      for (const element of svg.querySelectorAll('*')) {
        element.dispatchEvent(new scope.MouseEvent('mouseover', { bubbles: true }));
        element.dispatchEvent(new scope.MouseEvent('click', { bubbles: true, cancelable: true }));
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
    return { markup: svg ? svg.outerHTML : null, pwned: scope.__pwned === 1 };
  }, markup);
}

const HOSTILE: [string, string][] = [
  ['an onload handler on the root', `<svg ${SVG} onload="${PWN}"><rect width="1" height="1"/></svg>`],
  ['an upper-case handler name', `<svg ${SVG}><rect ONCLICK="${PWN}" width="1" height="1"/></svg>`],
  ['a script element', `<svg ${SVG}><script>${PWN}</script></svg>`],
  ['a script loaded by reference', `<svg ${SVG} ${XLINK}><script xlink:href="data:text/javascript,${PWN}"/></svg>`],
  [
    'HTML inside foreignObject',
    `<svg ${SVG}><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:parent.${PWN}"/></foreignObject></svg>`,
  ],
  [
    'an HTML element without foreignObject',
    `<svg ${SVG}><img xmlns="http://www.w3.org/1999/xhtml" src="x" onerror="${PWN}"/></svg>`,
  ],
  ['a javascript: link', `<svg ${SVG}><a href="javascript:${PWN}"><text>click</text></a></svg>`],
  ['a javascript: xlink', `<svg ${SVG} ${XLINK}><a xlink:href="javascript:${PWN}"><text>click</text></a></svg>`],
  [
    'an animation that rewrites a link',
    `<svg ${SVG}><a href="https://example.org/"><animate attributeName="href" to="javascript:${PWN}" begin="0s" fill="freeze"/><text>click</text></a></svg>`,
  ],
  [
    'a set that adds a handler',
    `<svg ${SVG}><set attributeName="onmouseover" to="${PWN}"/><rect width="1" height="1"/></svg>`,
  ],
  [
    'an XML Events handler',
    `<svg ${SVG} xmlns:ev="http://www.w3.org/2001/xml-events"><handler ev:event="load">${PWN}</handler></svg>`,
  ],
  ['an external image', `<svg ${SVG}><image href="https://attacker.example/track.png"/></svg>`],
  ['an external use', `<svg ${SVG}><use href="https://attacker.example/sprite.svg#a"/></svg>`],
  ['a style sheet importing another', `<svg ${SVG}><style>@import url(https://attacker.example/x.css);</style></svg>`],
  [
    'a style sheet fetching a picture',
    `<svg ${SVG}><style>rect { fill: url(https://attacker.example/p) }</style></svg>`,
  ],
  [
    'a style sheet hiding url() in escapes',
    `<svg ${SVG}><style>rect { fill: \\75 rl(https://attacker.example/p) }</style></svg>`,
  ],
  ['an inline style', `<svg ${SVG}><rect style="fill: url(https://attacker.example/p)" width="1" height="1"/></svg>`],
  [
    'an external paint or filter',
    `<svg ${SVG}><rect fill="url(https://attacker.example/x#p)" filter="url( 'https://attacker.example/f#f')"/></svg>`,
  ],
  [
    'an xml:base that turns links into scripts',
    `<svg ${SVG} xml:base="javascript:${PWN}//"><a href="x"><text>x</text></a></svg>`,
  ],
  [
    'markup hidden in text',
    `<svg ${SVG}><text>&lt;img src=x onerror=${PWN}&gt;</text><title>&lt;/title&gt;&lt;script&gt;${PWN}&lt;/script&gt;</title></svg>`,
  ],
];

test('hostile pictures lose everything that could run, load or restyle, and nothing runs', async () => {
  for (const [name, markup] of HOSTILE) {
    const shown = await show(markup);
    assert.equal(shown.pwned, false, `${name}: the attack ran`);
    // The tags alone: text content is escaped, and may say anything.
    const tags = (shown.markup ?? '').match(/<[^>]*>/g)?.join('') ?? '';
    assert.doesNotMatch(tags, /<(script|foreignObject|iframe|img|image|animate|set|handler)\b/i, name);
    assert.doesNotMatch(tags, /\son[a-z]+=/i, `${name}: an event handler is left`);
    assert.doesNotMatch(tags, /javascript:/i, `${name}: a javascript: URL is left`);
    assert.doesNotMatch(shown.markup ?? '', /url\s*\(\s*['"]?(?!#)/i, `${name}: an external url() is left`);
    assert.doesNotMatch(tags, /\s(xlink:)?href="(?!https:\/\/|#)/i, `${name}: a link that is not https is left`);
    assert.doesNotMatch(shown.markup ?? '', /\sstyle=|xml:base|@import/i, name);
  }
});

test('text that looks like markup stays text', async () => {
  const shown = await show(HOSTILE.at(-1)![1]);
  assert.ok(shown.markup?.includes('&lt;img src=x onerror='), shown.markup ?? 'null');
  const elements = await page.evaluate(
    () => (globalThis as any).document.getElementById('shown').querySelectorAll('*').length,
  );
  assert.equal(elements, 3, 'svg, text and title only');
});

test('what is not an SVG document is refused', async () => {
  for (const markup of [
    '',
    'not markup',
    '<html><body>x</body></html>',
    '<svg xmlns="http://www.w3.org/1999/xhtml"><rect/></svg>',
    `<svg ${SVG}><rect></svg>`,
  ])
    assert.equal((await show(markup)).markup, null, JSON.stringify(markup));
});

test("the core's picture keeps its text, stage links, local references and style sheet", async () => {
  const session = createSession('x86_64-sev-guest');
  const result = session.run({ op: 'map_sg', entries: [{ phys: 0x1234_5000n, size: 4096n }], dir: 'from_device' });
  const svg = renderPipelineSvg([{ platform: { id: 'x86_64-sev-guest', title: 'SEV guest', short: 'SEV' }, result }]);
  const shown = await show(svg);
  assert.equal(shown.pwned, false);
  const count = (markup: string, pattern: RegExp) => markup.match(pattern)?.length ?? 0;
  const kept = shown.markup!;
  for (const pattern of [/<text\b/g, /<a\b/g, /<rect\b/g, /https:\/\//g])
    assert.equal(count(kept, pattern), count(svg, pattern), `${pattern} survives`);
  for (const stage of result.stages) assert.ok(kept.includes(stage.fn), `the stage ${stage.fn} is named`);
  assert.match(kept, /<style nonce="n0nce">/, "the style sheet carries the page's nonce");
  assert.match(kept, /role="img"/);
  const local = await show(
    `<svg ${SVG}><defs><symbol id="s"><rect width="1" height="1"/></symbol></defs><use href="#s"/></svg>`,
  );
  assert.match(local.markup ?? '', /<use href="#s"/, 'a reference inside the picture stays');
});
