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
import { defaultPipelineState, type PipelineState } from '../../client/src/pipeline/state';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const INJECTION = '</script><img src=x onerror=alert(1)>';

function htmlFor(state: PipelineState, nonce = createNonce()): string {
  return buildPipelineHtml({
    cspSource: CSP_SOURCE,
    nonce,
    scriptUri: `${CSP_SOURCE}/media/pipeline.js`,
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

test('the webview may load only the media folder', () => {
  const options = pipelineWebviewOptions('file:///ext/media');
  assert.deepEqual(options.localResourceRoots, ['file:///ext/media']);
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
  const cases: [unknown, RegExp][] = [
    [null, /not an object/],
    ['simulate', /not an object/],
    [{ type: 'runCommand', command: 'workbench.action.terminal.new' }, /unknown message type/],
    [{ type: 'openLink', href: 'command:workbench.action.terminal.new' }, /https URL/],
    [{ type: 'openLink', href: 'file:///etc/passwd' }, /https URL/],
    [{ type: 'openLink', href: 'https://x/"><script>' }, /https URL/],
    [{ type: 'exportSvg', platform: '../../etc/passwd' }, /platform id/],
    [{ type: 'simulate', state: { ...base, phys: '12345' } }, /state\.phys/],
    [{ type: 'simulate', state: { ...base, phys: '0x1' + '0'.repeat(16) } }, /state\.phys/],
    [{ type: 'simulate', state: { ...base, size: '0' } }, /state\.size/],
    [{ type: 'simulate', state: { ...base, size: -1 } }, /state\.size/],
    [{ type: 'simulate', state: { ...base, dir: 'DMA_TO_DEVICE; rm' } }, /state\.dir/],
    [{ type: 'simulate', state: { ...base, op: 'exec' } }, /state\.op/],
    [{ type: 'simulate', state: { ...base, mask: '65' } }, /state\.mask/],
    [{ type: 'simulate', state: { ...base, platforms: [] } }, /state\.platforms/],
    [{ type: 'simulate', state: { ...base, platforms: ['a', 'b', 'c', 'd', 'e'] } }, /state\.platforms/],
    [{ type: 'simulate', state: { ...base, platforms: [INJECTION] } }, /platform id/],
    [{ type: 'simulate', state: { ...base, features: ['VERSION_1', INJECTION] } }, /state\.features/],
    [{ type: 'simulate', state: { ...base, overrides: { x86_64: { dma_mask: 32 } } } }, /overrides\.x86_64\.dma_mask/],
    [{ type: 'simulate', state: { ...base, overrides: { x86_64: { ['__proto__x']: '1' } } } }, /parameter name/],
    [
      { type: 'simulate', state: { ...base, source: { uri: 'file:///a.c', line: -1, api: 'x', function: null } } },
      /state\.source/,
    ],
    [{ type: 'simulate', state: { ...base, version: 2 } }, /state\.version/],
  ];
  for (const [message, reason] of cases) {
    const checked = validateWebviewMessage(message);
    assert.equal(checked.ok, false, `rejected: ${JSON.stringify(message)?.slice(0, 120)}`);
    if (!checked.ok) assert.match(checked.errors.join('\n'), reason);
  }
});

test('a state with several bad fields lists every reason', () => {
  const checked = validatePipelineState({ ...defaultPipelineState(['x86_64']), phys: 'x', size: 'y', dir: 'z' });
  assert.equal(checked.ok, false);
  if (!checked.ok) assert.equal(checked.errors.length, 3);
});
