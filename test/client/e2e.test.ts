// End to end in a real VS Code: packages the .vsix, installs it into code-server, opens a
// kernel-style driver in headless Chromium and checks what a user sees — the hover's per-platform
// addresses, a finding in the Problems panel, the address-pipeline webview from the command palette
// and its re-simulation when a control changes. Screenshots go to docs/images/ for the README.
//
// Expected addresses come from the spec, not from the code under test:
// - x86_64 without an IOMMU, 64-bit mask: dma-direct with no offset, dma = phys (spec §1.2, vector V01).
// - powernv with the 64-bit TCE bypass: dma = phys + (1 << 59) (spec §4.4, pnv_pci_ioda_dma_64bit_bypass).
// The example physical address of a hover is the one the protocol documents (EXAMPLE_PHYS).
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import { EXAMPLE_PHYS } from '../../server/src/protocol/protocol';
import { chromiumBinary, codeServerBinary, installExtension, makeDirs, startCodeServer, type RunningCodeServer } from './harness/code-server';

const root = join(import.meta.dirname, '../../..');
const PLATFORMS = ['x86_64', 'powernv', 'pseries', 'x86_64-sev-guest'];
const POWERNV_BYPASS_BASE = 1n << 59n;
/** The example driver full of DMA mistakes (examples/ is what `npm start` scans too). */
const DRIVER = 'buggy_demo_dev.c';
const UNCHECKED_RULE = 'unchecked-mapping';

/** Hex without `_` grouping or leading zeros, lower case: the form both sides are compared in. */
function plainHex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

function normalise(text: string): string {
  return text.replace(/(0x[0-9a-f_]+)/gi, (match) => plainHex(BigInt(match.replace(/_/g, ''))));
}

let scratch = '';
let server: RunningCodeServer | undefined;
let context: BrowserContext | undefined;
let page: Page;

before(async () => {
  // Fail, never skip, when the machine lacks what the test needs; the message names the installer.
  const browserPath = chromiumBinary();
  codeServerBinary();
  execFileSync(process.execPath, [join(root, 'scripts/package.mjs')], { cwd: root, stdio: 'pipe' });
  scratch = mkdtempSync(join(tmpdir(), 'dmalens-e2e-'));
  const dirs = makeDirs(scratch);
  installExtension(dirs, join(root, 'dmalens-0.1.0.vsix'));
  writeUserSettings(dirs.userData);
  const workspace = join(scratch, 'workspace');
  cpSync(join(root, 'examples'), workspace, { recursive: true });
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify({ 'dmalens.platforms': PLATFORMS }, null, 2));
  server = await startCodeServer(dirs, workspace);
  context = await chromium.launchPersistentContext(join(scratch, 'browser'), {
    executablePath: browserPath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
});

/** Each test leaves a screenshot of the browser in test-results/ (ignored by git) for diagnosing failures. */
afterEach(async (t) => {
  if (!page) return;
  mkdirSync(join(root, 'test-results'), { recursive: true });
  await page.screenshot({ path: join(root, 'test-results', `e2e-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`) }).catch(() => undefined);
});

after(async () => {
  if (context) await Promise.race([context.close(), new Promise((resolve) => setTimeout(resolve, 5000))]);
  if (server) await server.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function writeUserSettings(userData: string): void {
  mkdirSync(join(userData, 'User'), { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    'editor.hover.delay': 150,
    'editor.minimap.enabled': false,
    'chat.commandCenter.enabled': false,
    'update.mode': 'none',
  };
  writeFileSync(join(userData, 'User/settings.json'), JSON.stringify(settings, null, 2));
}

async function openDriver(): Promise<void> {
  // The command center opens Quick Open reliably; a key press can land before the workbench has focus.
  await page.locator('.command-center-center').click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(DRIVER);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: DRIVER }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator('.view-line', { hasText: 'dma_map_single' }).first().waitFor();
}

/** The token `dma_map_single` in bdd_send_cmd: a stack buffer, mapped and never checked. */
function firstMapCall() {
  return page.locator('.view-line', { hasText: /\bdma\s=\sdma_map_single\(&priv->pdev->dev,\scmd,/ }).locator('span span', { hasText: /^dma_map_single$/ }).first();
}

async function hoverText(): Promise<string> {
  const token = firstMapCall();
  // The server needs a moment after the file opens (parser start); hover again until rows appear.
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline) {
    await page.mouse.move(5, 5);
    await token.hover();
    const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /0x/ });
    try {
      await hover.first().waitFor({ timeout: 2500 });
      await page.waitForTimeout(400);
      return await hover.first().innerText();
    } catch {
      // No hover yet: the language server is still starting.
    }
  }
  throw new Error(`no DMA Lens hover within 40 s; code-server log:\n${server?.log().slice(-3000)}`);
}

test('the hover over dma_map_single shows the selected platforms with the addresses the spec gives', async () => {
  await openDriver();
  const text = normalise(await hoverText());
  const phys = BigInt(EXAMPLE_PHYS);
  await page.screenshot({ path: join(root, 'docs/images/hover.png') });
  assert.match(text, /x86_64|x86-64/i, 'a row for x86_64');
  assert.match(text, /powernv/i, 'a row for powernv');
  assert.ok(text.includes(plainHex(phys)), `x86_64 without IOMMU maps ${plainHex(phys)} to itself:\n${text}`);
  assert.ok(text.includes(plainHex(phys + POWERNV_BYPASS_BASE)), `powernv bypass gives ${plainHex(phys + POWERNV_BYPASS_BASE)}:\n${text}`);
  assert.match(text, /pseries/i, 'a row for pseries');
});

test(`the Problems panel lists ${UNCHECKED_RULE} for the unchecked mapping in bdd_send_cmd`, async () => {
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+M');
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: UNCHECKED_RULE });
  await row.first().waitFor({ timeout: 20_000 });
  const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  assert.ok(rows.some((line) => line.includes(UNCHECKED_RULE) && /\[Ln 43\b/.test(line)), rows.join('\n'));
});

async function runCommand(title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

function webview(): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** The outcome line of one platform's column, with addresses normalised. */
async function outcome(platform: string): Promise<string> {
  const line = webview().locator(`section.pipeline[data-platform="${platform}"] .outcome`);
  await line.waitFor({ timeout: 20_000 });
  return normalise(await line.innerText());
}

test('Show Address Pipeline opens the webview with the kernel stages and the device address', async () => {
  await firstMapCall().click();
  await runCommand('DMA Lens: Show Address Pipeline');
  const frame = webview();
  await frame.locator('section.pipeline svg').first().waitFor({ timeout: 30_000 });
  const phys = BigInt(EXAMPLE_PHYS);
  assert.ok((await outcome('x86_64')).includes(plainHex(phys)), await outcome('x86_64'));
  assert.ok((await outcome('powernv')).includes(plainHex(phys + POWERNV_BYPASS_BASE)), await outcome('powernv'));
  const picture = await frame.locator('section.pipeline[data-platform="x86_64"] svg').innerHTML();
  for (const stage of ['dma_map_page_attrs', 'dma_direct_map_page']) assert.ok(picture.includes(stage), `the x86_64 picture names ${stage}`);
  await page.screenshot({ path: join(root, 'docs/images/pipeline.png') });
});

test('changing the physical address in the webview re-simulates on every platform', async () => {
  const frame = webview();
  const phys = 0x7654_3000n;
  const input = frame.locator('#phys');
  await input.fill(plainHex(phys));
  await input.press('Enter');
  await frame.locator(`section.pipeline[data-platform="x86_64"] .outcome`, { hasText: plainHex(phys) }).waitFor({ timeout: 20_000 });
  assert.ok((await outcome('x86_64')).includes(plainHex(phys)));
  assert.ok((await outcome('powernv')).includes(plainHex(phys + POWERNV_BYPASS_BASE)), await outcome('powernv'));
});
