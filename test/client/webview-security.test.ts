// The pipeline webview's HTML shell and message validation, run in plain node (no vscode): the CSP
// denies by default and admits scripts only by nonce, the page has no inline handlers, strings from
// source code come out escaped, and malformed messages are rejected with reasons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildPipelineHtml,
  contentSecurityPolicy,
  createNonce,
  escapeHtml,
  jsonForScript,
  pipelineWebviewOptions,
} from '../../client/src/pipeline/html';
import { validatePipelineState, validateWebviewMessage } from '../../client/src/pipeline/messages';
import { stateForBuffer, type PipelineState } from '../../client/src/pipeline/state';

const defaultPipelineState = (platforms: string[]): PipelineState =>
  stateForBuffer(platforms, '0x12345000', '4096', 'to_device');

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const INJECTION = '</script><img src=x onerror=alert(1)>';

function htmlFor(state: PipelineState, nonce = createNonce()): string {
  return buildPipelineHtml({
    cspSource: CSP_SOURCE,
    nonce,
    scriptUri: `${CSP_SOURCE}/dist/webview/pipeline.js`,
    styleUri: `${CSP_SOURCE}/media/pipeline.css`,
    state,
  });
}

function cspOf(html: string): Map<string, string[]> {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(match, 'the page declares a CSP meta element');
  const policy = match[1]!.replace(/&#39;/g, "'");
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values]),
  );
}

test('the CSP denies by default and lets scripts run only with the nonce', () => {
  const nonce = createNonce();
  const csp = cspOf(htmlFor(defaultPipelineState(['x86_64']), nonce));
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.deepEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
  for (const directive of ['script-src', 'style-src', 'img-src']) {
    const values = csp.get(directive) ?? [];
    assert.ok(
      !values.includes("'unsafe-inline'") && !values.includes("'unsafe-eval'") && !values.includes('*'),
      `${directive} allows nothing unsafe`,
    );
  }
  assert.deepEqual(csp.get('frame-src'), ["'none'"]);
  assert.deepEqual(csp.get('base-uri'), ["'none'"]);
});

test('every script element carries the nonce and the page has no inline handlers', () => {
  const nonce = createNonce();
  const html = htmlFor(
    {
      ...defaultPipelineState(['x86_64']),
      source: { uri: 'file:///k/drivers/net/foo.c', line: 3, api: 'dma_map_single', function: INJECTION },
    },
    nonce,
  );
  const scripts = [...html.matchAll(/<script\b([^>]*)>/g)];
  assert.equal(scripts.length, 2);
  for (const [, attributes] of scripts)
    assert.match(attributes!, new RegExp(`nonce="${nonce.replace(/[+/=]/g, (ch) => `\\${ch}`)}"`));
  assert.doesNotMatch(html, /<[a-z][^>]*\son[a-z]+\s*=/i, 'no element has an on* attribute');
  assert.doesNotMatch(html, /javascript:/i);
});

test('nonces are 128 random bits, different every time', () => {
  const nonces = new Set(Array.from({ length: 100 }, createNonce));
  assert.equal(nonces.size, 100);
  for (const nonce of nonces) assert.equal(Buffer.from(nonce, 'base64').length, 16);
});

test('a source string that tries to inject markup comes out escaped in the title and the embedded state', () => {
  const state: PipelineState = {
    ...defaultPipelineState(['x86_64']),
    source: { uri: 'file:///k/drivers/net/foo.c', line: 41, api: INJECTION, function: `evil"'\`fn` },
  };
  const html = htmlFor(state);
  assert.ok(!html.includes('<img'), 'no img element gets through');
  assert.ok(!html.includes(INJECTION));
  assert.equal(html.match(/<\/script>/g)?.length, 2, 'only the two real script elements end');
  assert.ok(
    html.includes('&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62;'),
    'the title shows the text, escaped',
  );
  const embedded = /<script type="application\/json" id="initial-state"[^>]*>([^<]*)<\/script>/.exec(html);
  assert.ok(embedded, 'the embedded state stays one inert JSON element');
  assert.deepEqual(JSON.parse(embedded[1]!), state, 'the embedded state parses back to the same value');
});

test('escapeHtml and jsonForScript leave no markup characters', () => {
  assert.equal(escapeHtml(`<a href="x" onclick='y'>&\``), '&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;');
  const json = jsonForScript({ text: '</script><!-- \u2028 &' });
  assert.doesNotMatch(json, /[<>&\u2028]/);
  assert.deepEqual(JSON.parse(json), { text: '</script><!-- \u2028 &' });
});

test('the webview may load only the folders of its script and style', () => {
  const options = pipelineWebviewOptions(['file:///ext/media', 'file:///ext/dist/webview']);
  assert.deepEqual(options.localResourceRoots, ['file:///ext/media', 'file:///ext/dist/webview']);
  assert.equal(options.enableCommandUris, false);
  const csp = contentSecurityPolicy(CSP_SOURCE, 'abc');
  assert.doesNotMatch(
    csp,
    /https?:\/\/(?!file\+\.vscode-resource)/,
    'no origin other than the webview resource origin',
  );
});

test('valid messages pass and come back without extra fields', () => {
  const state = {
    ...defaultPipelineState(['x86_64', 'pseries']),
    overrides: { pseries: { dma_mask: '32' } },
    extra: 'dropped',
  };
  const checked = validateWebviewMessage({ type: 'simulate', state });
  assert.ok(checked.ok, JSON.stringify(checked));
  assert.equal(checked.value.type, 'simulate');
  if (checked.value.type === 'simulate') {
    assert.ok(!('extra' in checked.value.state));
    assert.deepEqual(checked.value.state.overrides, { pseries: { dma_mask: '32' } });
  }
  assert.deepEqual(validateWebviewMessage({ type: 'ready' }), { ok: true, value: { type: 'ready' } });
  assert.ok(
    validateWebviewMessage({
      type: 'openLink',
      href: 'https://elixir.bootlin.com/linux/v6.1/source/kernel/dma/mapping.c',
    }).ok,
  );
  assert.ok(validateWebviewMessage({ type: 'exportSvg', platform: 'x86_64-sev-guest' }).ok);
});

test('invalid messages are rejected with reasons naming the field', () => {
  const base = defaultPipelineState(['x86_64']);
  const map = base.requests[0]!;
  const cases: [unknown, RegExp][] = [
    [null, /not an object/],
    ['simulate', /not an object/],
    [{ type: 'runCommand', command: 'workbench.action.terminal.new' }, /unknown message type/],
    [{ type: 'openLink', href: 'command:workbench.action.terminal.new' }, /https URL/],
    [{ type: 'openLink', href: 'file:///etc/passwd' }, /https URL/],
    [{ type: 'openLink', href: 'https://x/"><script>' }, /https URL/],
    [{ type: 'exportSvg', platform: '../../etc/passwd' }, /platform id/],
    [{ type: 'simulate', state: { ...base, requests: [{ ...map, phys: '0x12345zz' }] } }, /requests\[0\]\.phys/],
    [{ type: 'simulate', state: { ...base, requests: [{ ...map, phys: '0x1' + '0'.repeat(16) }] } }, /\.phys/],
    [{ type: 'simulate', state: { ...base, requests: [{ ...map, size: '0' }] } }, /requests\[0\]\.size/],
    [{ type: 'simulate', state: { ...base, requests: [{ ...map, size: -1 }] } }, /requests\[0\]\.size/],
    [{ type: 'simulate', state: { ...base, requests: [{ ...map, dir: 'DMA_TO_DEVICE; rm' }] } }, /\.dir/],
    [{ type: 'simulate', state: { ...base, requests: [{ ...map, op: 'exec' }] } }, /requests\[0\]\.op/],
    [{ type: 'simulate', state: { ...base, requests: [{ ...map, onload: 'x' }] } }, /unknown field "onload"/],
    [{ type: 'simulate', state: { ...base, requests: [{ op: 'set_mask', mask: '65' }, map] } }, /\.mask/],
    [{ type: 'simulate', state: { ...base, requests: [map, { op: 'unmap', of: 1 }] } }, /requests\[1\]\.of/],
    [{ type: 'simulate', state: { ...base, requests: [] } }, /state\.requests must list/],
    [{ type: 'simulate', state: { ...base, requests: Array(65).fill(map) } }, /state\.requests must list/],
    [{ type: 'simulate', state: { ...base, requests: [map], exampleFields: ['phys', 'op'] } }, /exampleFields/],
    [{ type: 'openLink', href: 'https://elixir.bootlin.com/x', ref: '../../etc/passwd' }, /openLink\.ref/],
    [{ type: 'simulate', state: { ...base, platforms: [] } }, /state\.platforms/],
    [
      { type: 'simulate', state: { ...base, platforms: Array.from({ length: 13 }, (_, index) => `p${index}`) } },
      /state\.platforms/,
    ],
    [{ type: 'simulate', state: { ...base, platforms: [INJECTION] } }, /platform id/],
    [
      {
        type: 'simulate',
        state: { ...base, source: { uri: 'file:///a.c', line: 1, api: 'x', function: null, facts: [7] } },
      },
      /state\.source/,
    ],
    [
      {
        type: 'simulate',
        state: { ...base, requests: [{ op: 'virtio_negotiate', offered: ['VERSION_1', INJECTION] }] },
      },
      /offered must be a list/,
    ],
    [{ type: 'simulate', state: { ...base, overrides: { x86_64: { dma_mask: 32 } } } }, /overrides\.x86_64\.dma_mask/],
    [{ type: 'simulate', state: { ...base, overrides: { x86_64: { ['__proto__x']: '1' } } } }, /parameter name/],
    [
      { type: 'simulate', state: { ...base, source: { uri: 'file:///a.c', line: -1, api: 'x', function: null } } },
      /state\.source/,
    ],
    [{ type: 'simulate', state: { ...base, version: 1 } }, /state\.version/],
  ];
  for (const [message, reason] of cases) {
    const checked = validateWebviewMessage(message);
    assert.equal(checked.ok, false, `rejected: ${JSON.stringify(message)?.slice(0, 120)}`);
    if (!checked.ok) assert.match(checked.errors.join('\n'), reason);
  }
});

test('a state with several bad fields lists every reason', () => {
  const state = defaultPipelineState(['x86_64']);
  const checked = validatePipelineState({
    ...state,
    requests: [{ ...state.requests[0], phys: 'x', size: 'y', dir: 'z' }],
  });
  assert.equal(checked.ok, false);
  if (!checked.ok) assert.equal(checked.errors.length, 3);
});
