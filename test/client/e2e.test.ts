// End to end in a real VS Code: packages the .vsix, installs it into code-server, opens a
// kernel-style driver in headless Chromium and checks what a user sees — the hover's per-platform
// addresses, a finding in the Problems panel, the address-pipeline webview from the command palette
// and its re-simulation when a control changes, and the commands around them (platform selection,
// simulation at the cursor, virtio negotiation, workspace analysis, comparison, SVG export).
//
// Screenshots of the hover and the pipeline go to test-results/ (ignored by git), so a test run
// changes no tracked file. `DMALENS_UPDATE_SCREENSHOTS=1 npm run test:e2e` writes them to
// docs/images/ instead, where the READMEs show them; look at both pictures before committing them.
//
// Expected addresses come from the spec, not from the code under test:
// - x86_64 without an IOMMU, 64-bit mask: dma-direct with no offset, dma = phys (spec §1.2, vector V01).
// - powernv with the 64-bit TCE bypass: dma = phys + (1 << 59) (spec §4.4, pnv_pci_ioda_dma_64bit_bypass).
// - rpi4-soc: the soc bus's dma-ranges put RAM at 0xC0000000 (vector V43, translate_phys_to_dma).
// The example physical address of a hover is the one the protocol documents (EXAMPLE_PHYS).
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import jsonrpc from 'vscode-jsonrpc/node.js';
import { EXAMPLE_PHYS } from '@dmalens/protocol';
import { getProfile } from '@dmalens/core';
import {
  chromiumBinary,
  codeServerBinary,
  installExtension,
  makeDirs,
  startCodeServer,
  type RunningCodeServer,
} from './harness/code-server';
import { repoRoot } from '../repo-root';

const root = repoRoot();
const PLATFORMS = ['x86_64', 'powernv', 'pseries', 'x86_64-sev-guest'];
const POWERNV_BYPASS_BASE = 1n << 59n;
/** rpi4-soc: cpu 0x0 -> bus 0xC0000000, 1 GiB window (vector V43's dma_range_map). */
const RPI4_SOC_DMA_OFFSET = 0xc000_0000n;
/** Where the hover and pipeline pictures go: the README's folder only when asked to refresh them. */
const SCREENSHOTS =
  process.env.DMALENS_UPDATE_SCREENSHOTS === '1' ? join(root, 'docs/images') : join(root, 'test-results');
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
let workspace = '';
let extensionsDir = '';
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
  extensionsDir = dirs.extensions;
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeUserSettings(dirs.userData);
  workspace = join(scratch, 'workspace');
  cpSync(join(root, 'examples'), workspace, { recursive: true });
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify({ 'dmalens.platforms': PLATFORMS }, null, 2));
  server = await startCodeServer(dirs, workspace);
  context = await chromium.launchPersistentContext(join(scratch, 'browser'), {
    executablePath: browserPath,
    headless: true,
    viewport: { width: 1440, height: 1500 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
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
  await page
    .screenshot({ path: join(root, 'test-results', `e2e-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`) })
    .catch(() => undefined);
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

async function openDriver(driver = DRIVER): Promise<void> {
  // The command center opens Quick Open reliably; a key press can land before the workbench has focus. A
  // click while the workbench is busy (a panel taking the focus, the language client restarting) can be
  // swallowed, so it is tried again.
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    await page.locator('.command-center-center').click();
    const typed = await input.fill(driver, { timeout: 3000 }).then(
      () => true,
      () => false,
    );
    if (typed) break;
    if (attempt === 4) throw new Error('Quick Open did not open from the command center');
    await page.keyboard.press('Escape');
  }
  // The first row, not any row: Quick Open lists recently opened files before its filter applies.
  await page
    .locator('.quick-input-list .monaco-list-row[data-index="0"]', { hasText: driver })
    .waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator('.view-line').first().waitFor();
}

/** The 1-based line of `text` in the example driver, read from the file so edits to the example do not break the tests. */
function lineOf(text: string, driver = DRIVER): number {
  return (
    readFileSync(join(root, 'examples', driver), 'utf8')
      .split('\n')
      .findIndex((line) => line.includes(text)) + 1
  );
}

/**
 * Scrolls the line holding `text` into view (Monaco renders only visible lines) with Quick Open's
 * ":line". The command center opens Quick Open whichever part of the workbench has the focus; the
 * find widget needed the editor focused, and a click after the Problems panel could miss it.
 */
async function revealInEditor(text: string, driver = DRIVER): Promise<void> {
  const line = lineOf(text, driver);
  assert.ok(line > 0, `examples/${driver} still has "${text}"`);
  await page.locator('.command-center-center').click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}`);
  await page
    .locator('.quick-input-widget', { hasText: new RegExp(`line ${line}`, 'i') })
    .first()
    .waitFor({ timeout: 5000 });
  await page.keyboard.press('Enter');
  await page
    .locator('.statusbar', { hasText: new RegExp(`Ln ${line}, Col`) })
    .first()
    .waitFor({ timeout: 5000 });
}

/** The call in bdd_send_cmd: a stack buffer, mapped and never checked. */
const UNCHECKED_CALL = {
  text: 'dma = dma_map_single(&priv->pdev->dev, cmd,',
  line: /\bdma\s=\sdma_map_single\(&priv->pdev->dev,\scmd,/,
};
/** The call in bdd_reply_buffer: a kmalloc buffer, checked; its line carries no finding, so its hover is only DMA Lens's table. */
const CHECKED_CALL = { text: 'priv->reply_dma = dma_map_single(', line: /reply_dma\s=\sdma_map_single\(/ };

/** The 1-based line of the unchecked call in the example, read from the file so edits to the example do not break the test. */
const UNCHECKED_LINE = lineOf(UNCHECKED_CALL.text);

function mapToken(call: { line: RegExp; api?: string }) {
  return page
    .locator('.view-line', { hasText: call.line })
    .locator('span span', { hasText: new RegExp(`^${call.api ?? 'dma_map_single'}$`) })
    .first();
}

interface HoveredCall {
  text: string;
  line: RegExp;
  /** The API name to hover; dma_map_single unless said. */
  api?: string;
  /** The example driver the call is in; buggy_demo_dev.c unless said. */
  driver?: string;
}

async function hoverText(call: HoveredCall, screenshot?: string): Promise<string> {
  await revealInEditor(call.text, call.driver);
  const token = mapToken(call);
  // The server needs a moment after the file opens (parser start); hover again until rows appear.
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline) {
    await page.mouse.move(5, 5);
    await token.hover();
    const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /0x/ });
    try {
      await hover.first().waitFor({ timeout: 2500 });
      await page.waitForTimeout(400);
      if (screenshot) await screenshotAround(hover.first(), screenshot);
      return await hover.first().innerText();
    } catch {
      // No hover yet: the language server is still starting.
    }
  }
  throw new Error(`no DMA Lens hover within 40 s; code-server log:\n${server?.log().slice(-3000)}`);
}

test('the hover over dma_map_single shows the selected platforms with the addresses the spec gives', async () => {
  await openDriver();
  // VS Code caps a hover's height at a quarter of the editor's: a taller window shows the whole hover in the picture.
  const viewport = page.viewportSize()!;
  await page.setViewportSize({ width: viewport.width, height: 2400 });
  const text = normalise(
    await hoverText(CHECKED_CALL, join(SCREENSHOTS, 'hover.png')).finally(() => page.setViewportSize(viewport)),
  );
  const phys = BigInt(EXAMPLE_PHYS);
  assert.match(text, new RegExp(`\\b${getProfile('x86_64').short}\\b`), 'a row for x86_64');
  assert.match(text, /powernv/i, 'a row for powernv');
  assert.ok(text.includes(plainHex(phys)), `x86_64 without IOMMU maps ${plainHex(phys)} to itself:\n${text}`);
  assert.ok(
    text.includes(plainHex(phys + POWERNV_BYPASS_BASE)),
    `powernv bypass gives ${plainHex(phys + POWERNV_BYPASS_BASE)}:\n${text}`,
  );
  assert.match(text, /pseries/i, 'a row for pseries');
});

test('with six platforms in a laptop-sized window the hover fits the editor’s hover size without scrolling', async () => {
  // VS Code's hover is at most a quarter of the editor's height but never under 250 px, and at least 500 px
  // or two thirds of the editor wide (contentHoverWidget's _updateMaxDimensions): a 1440×900 window gives
  // the 250 px most screens see.
  const settingsFile = join(workspace, '.vscode/settings.json');
  const saved = readFileSync(settingsFile, 'utf8');
  const six = ['x86_64', 'x86_64-vtd', 'x86_64-sev-guest', 'pseries', 'powernv', 'rpi4-soc'];
  writeFileSync(settingsFile, JSON.stringify({ 'dmalens.platforms': six }, null, 2));
  const viewport = page.viewportSize()!;
  await page.setViewportSize({ width: 1440, height: 900 });
  try {
    const deadline = Date.now() + 30_000;
    let text = '';
    while (!/RPi4/.test(text) && Date.now() < deadline)
      text = await hoverText(CHECKED_CALL, join(SCREENSHOTS, 'hover-six.png'));
    assert.match(text, /RPi4/, `the hover follows the six-platform setting:\n${text}`);
    const size = await page
      .locator('.monaco-hover:not(.hidden)')
      .filter({ hasText: /0x/ })
      .first()
      .evaluate((hover) => {
        const contents = hover.querySelector('.monaco-hover-content')!;
        const box = hover.getBoundingClientRect();
        return { width: box.width, height: box.height, client: contents.clientHeight, scroll: contents.scrollHeight };
      });
    assert.ok(size.height <= 250 + 2, `the hover is ${size.height} px tall, over VS Code's 250 px default`);
    assert.ok(
      size.scroll <= size.client + 1,
      `the hover scrolls inside (${size.scroll} px of content in ${size.client} px)`,
    );
    for (const id of six) assert.ok(text.includes(getProfile(id).short), `${id} is named in the hover:\n${text}`);
    // The link opens the pipeline on all six, at the editor's width, with a diagram in sight and the
    // source's facts (which the hover leaves out) above it.
    await page.locator('.monaco-hover:not(.hidden) a', { hasText: 'Open the address pipeline' }).first().click();
    const columns = webview().locator('section.pipeline');
    await columns.nth(5).locator('svg').waitFor({ timeout: 20_000 });
    assert.equal(await columns.count(), 6, 'one column per platform');
    const diagram = await columns.first().locator('svg').boundingBox();
    assert.ok(
      diagram && diagram.y < 900 && diagram.width > 250,
      `the first diagram is in sight: ${JSON.stringify(diagram)}`,
    );
    assert.match(await webview().locator('#facts').innerText(), /Device mask: .*\n.*Size: `512` = 512 bytes/s);
    // The panel took the driver's group without replacing the driver's tab (a preview tab would have gone).
    await page.screenshot({ path: join(root, 'test-results', 'pipeline-six.png') });
    const tabs = await page.locator('.tabs-container .tab').allInnerTexts();
    assert.ok(
      tabs.some((tab) => tab.includes(DRIVER)),
      `the driver's tab is still open: ${tabs.join(' | ')}`,
    );
    const pipelineTab = page.locator('.tabs-container .tab', { hasText: 'Address pipeline' }).first();
    await pipelineTab.hover();
    await pipelineTab.locator('.codicon-close').click();
  } finally {
    writeFileSync(settingsFile, saved);
    await page.setViewportSize(viewport);
  }
});

test(`the Problems panel lists ${UNCHECKED_RULE} for the unchecked mapping in bdd_send_cmd`, async () => {
  assert.ok(UNCHECKED_LINE > 0, `examples/${DRIVER} still has the call "${UNCHECKED_CALL.text}"`);
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+M');
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: UNCHECKED_RULE });
  await row.first().waitFor({ timeout: 20_000 });
  await page.waitForTimeout(300);
  const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  assert.ok(
    rows.some((line) => line.includes(UNCHECKED_RULE) && line.includes(`[Ln ${UNCHECKED_LINE},`)),
    rows.join('\n'),
  );
  // The rule's link opens its page rendered and read-only (the markdown preview), not the raw file.
  await row.first().locator('a.monaco-link', { hasText: UNCHECKED_RULE }).click();
  const preview = page.locator('.tabs-container .tab', { hasText: `Preview ${UNCHECKED_RULE}.md` });
  await preview.first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(500);
  const tabs = await page.locator('.tabs-container .tab').allInnerTexts();
  assert.ok(!tabs.some((tab) => tab.trim().startsWith(`${UNCHECKED_RULE}.md`)), `no raw editor: ${tabs.join(' | ')}`);
  await preview.first().hover();
  await preview.first().locator('.codicon-close').click();
});

/** A screenshot of the element with some of the editor around it, so the picture shows where it came from. */
async function screenshotAround(element: ReturnType<Page['locator']>, path: string): Promise<void> {
  const box = await element.boundingBox();
  const viewport = page.viewportSize();
  if (!box || !viewport) throw new Error('the element to photograph is not on screen');
  const x = Math.max(0, box.x - 160);
  const y = Math.max(0, box.y - 40);
  await page.screenshot({
    path,
    clip: {
      x,
      y,
      width: Math.min(viewport.width - x, box.width + 320),
      height: Math.min(viewport.height - y, box.height + 110),
    },
  });
}

/**
 * Runs a command from the palette. A webview that is still loading can take the focus back and
 * close the palette, so a closed palette is opened again (three attempts).
 */
async function runCommand(title: string, shown?: () => Promise<void>): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('F1');
      await input.fill(`>${title}`, { timeout: 3000 });
      await row.waitFor({ timeout: 5000 });
      await page.keyboard.press('Enter');
      // `shown` checks what the command opens (e.g. its own quick pick), which can be closed the same way.
      if (shown) await shown();
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);
    }
  }
}

function webview(): FrameLocator {
  return page.frameLocator('iframe.webview.ready[src*="extensionId=dmalens.dmalens"]').frameLocator('#active-frame');
}

/** The outcome line of one platform's column, with addresses normalised. */
async function outcome(platform: string): Promise<string> {
  const line = webview().locator(`section.pipeline[data-platform="${platform}"] .outcome`);
  await line.waitFor({ timeout: 20_000 });
  return normalise(await line.innerText());
}

test('Show Address Pipeline opens the webview with the kernel stages and the device address', async () => {
  await revealInEditor(UNCHECKED_CALL.text);
  await mapToken(UNCHECKED_CALL).click();
  await runCommand('DMA Lens: Show Address Pipeline');
  const frame = webview();
  await frame.locator('section.pipeline svg').first().waitFor({ timeout: 30_000 });
  // Room for the picture: no panel, no side bar, the webview's editor group maximised.
  await runCommand('View: Hide Panel');
  await runCommand('View: Maximize Editor Group and Hide Side Bars');
  await frame.locator('section.pipeline svg').first().waitFor();
  const phys = BigInt(EXAMPLE_PHYS);
  assert.ok((await outcome('x86_64')).includes(plainHex(phys)), await outcome('x86_64'));
  assert.ok((await outcome('powernv')).includes(plainHex(phys + POWERNV_BYPASS_BASE)), await outcome('powernv'));
  const picture = await frame.locator('section.pipeline[data-platform="x86_64"] svg').innerHTML();
  // The dma-direct path of spec §1.1-§1.3: the entry point, the phys->dma translation and the mask check.
  for (const stage of ['dma_map_page_attrs', 'phys_to_dma', 'dma_capable'])
    assert.ok(picture.includes(stage), `the x86_64 picture names ${stage}`);
});

test('changing the physical address in the webview re-simulates on every platform', async () => {
  const frame = webview();
  const phys = 0x7654_3000n;
  const input = frame.locator('#phys');
  // A typo is refused where it was typed, and the pictures left from the last valid address are dimmed.
  await input.fill('0x12345zz');
  await input.press('Enter');
  await frame.locator('#phys[aria-invalid="true"]').waitFor({ timeout: 10_000 });
  assert.match(await frame.locator('#phys-problem').innerText(), /physical address must be hex/);
  assert.match(await frame.locator('#status').innerText(), /Not simulated/);
  assert.equal(await frame.locator('#pipelines.stale').count(), 1, 'the old pictures are marked out of date');
  // Typed as the views print addresses (grouped hex): the field takes what the tool shows.
  await input.fill('0x7654_3000');
  await input.press('Enter');
  const deadline = Date.now() + 20_000;
  while (!(await outcome('x86_64')).includes(plainHex(phys)) && Date.now() < deadline) await page.waitForTimeout(100);
  assert.ok((await outcome('x86_64')).includes(plainHex(phys)), await outcome('x86_64'));
  assert.ok((await outcome('powernv')).includes(plainHex(phys + POWERNV_BYPASS_BASE)), await outcome('powernv'));
  assert.equal(await frame.locator('#pipelines.stale').count(), 0, 'fresh pictures are not dimmed');
  assert.equal(await frame.locator('#phys[aria-invalid]').count(), 0);
  // The controls are updated in place, so the field the user typed in keeps the keyboard focus.
  assert.ok(
    await input.evaluate((element) => element === element.ownerDocument.activeElement),
    'the address field still has the focus after the re-simulation',
  );
  // The picture ends below the columns, not at the bottom of a mostly empty window.
  const columns = await frame.locator('#pipelines').boundingBox();
  const viewport = page.viewportSize()!;
  const height = columns ? Math.min(viewport.height, Math.ceil(columns.y + columns.height + 24)) : viewport.height;
  await page.screenshot({
    path: join(SCREENSHOTS, 'pipeline.png'),
    clip: { x: 0, y: 0, width: viewport.width, height },
  });
});

/** The text of the webview (markdown preview or panel) whose body contains `marker`. */
async function webviewText(marker: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const text = await frame
        .locator('body')
        .innerText({ timeout: 500 })
        .catch(() => '');
      if (text.includes(marker)) return text;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no webview shows "${marker}"`);
}

test('Simulate Virtio Feature Negotiation gives the SEV guest probe failure without ACCESS_PLATFORM', async () => {
  // The feature pick starts with VERSION_1 checked; accepting it offers VERSION_1 alone.
  await runCommand('DMA Lens: Simulate Virtio Feature Negotiation', async () => {
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'ACCESS_PLATFORM' })
      .first()
      .waitFor({ timeout: 5000 });
  });
  await page.keyboard.press('Enter');
  // The platform pick opens once the server has listed the profiles.
  await page.locator('.quick-input-widget', { hasText: 'Negotiate on which platform?' }).waitFor();
  await page.locator('.quick-input-widget input').fill('x86_64-sev-guest');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'x86_64-sev-guest' }).first().waitFor();
  await page.keyboard.press('Enter');
  // drivers/virtio/virtio.c:virtio_features_ok, spec §6.5: SEV installs virtio_check_mem_acc_cb.
  const report = await webviewText('Virtio feature negotiation on x86_64-sev-guest');
  assert.match(report, /device must provide VIRTIO_F_ACCESS_PLATFORM/);
});

test('Analyze Workspace shows the findings in a view grouped by directory or MAINTAINERS entry, filterable by rule', async () => {
  // A MAINTAINERS file in the kernel's form, so that the view can group by entry.
  writeFileSync(
    join(workspace, 'MAINTAINERS'),
    'BUGGY DEMO DRIVER\nM:\tA Maintainer <a@example.org>\nS:\tMaintained\nF:\tbuggy_demo_dev.c\n',
  );
  await runCommand('DMA Lens: Analyze Workspace');
  const toast = page.locator('.notification-toast', { hasText: 'DMA sites' });
  await toast.first().waitFor();
  assert.match(await toast.first().innerText(), /Export SARIF/);
  // The view is a tab of the panel, beside Problems.
  const view = page.locator('.part.panel');
  await view
    .getByText(/\d+ findings by directory/)
    .first()
    .waitFor();
  const rows = view.locator('.monaco-list-row');
  // The rules, each explained once: the Rules node lists them with their counts and titles.
  const rules = rows.filter({ hasText: /^Rules/ }).first();
  await rules.click();
  await rows.filter({ hasText: UNCHECKED_RULE }).first().waitFor();
  await rules.click();
  // By directory: the examples sit at the top of the workspace.
  await rows
    .filter({ hasText: /^\.\s*\d+$/ })
    .first()
    .click();
  await rows.filter({ hasText: DRIVER }).first().click();
  const finding = rows.filter({ hasText: new RegExp(`${UNCHECKED_RULE}[\\s\\S]*Ln ${UNCHECKED_LINE} ·`) }).first();
  await finding.click();
  await page.locator('.statusbar', { hasText: new RegExp(`Ln ${UNCHECKED_LINE}, Col`) }).waitFor();
  // By MAINTAINERS entry.
  await runCommand('DMA Lens: Group Findings By…', async () => {
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'MAINTAINERS entry' }).waitFor();
  });
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'MAINTAINERS entry' }).first().click();
  await rows.filter({ hasText: 'BUGGY DEMO DRIVER' }).first().waitFor();
  // Only one rule: the header counts what is shown of the whole.
  await runCommand('DMA Lens: Filter Findings…', async () => {
    await page.locator('.quick-input-list .monaco-list-row', { hasText: UNCHECKED_RULE }).waitFor();
  });
  await page.locator('.quick-input-list .monaco-list-row', { hasText: UNCHECKED_RULE }).first().click();
  await page.keyboard.press('Enter');
  await view
    .getByText(new RegExp(`\\d+ of \\d+ findings by maintainer \\(filtered: ${UNCHECKED_RULE}\\)`))
    .first()
    .waitFor();
});

test("the hover's link opens the address pipeline of the hovered call", async () => {
  await page.locator('.monaco-editor .view-lines').first().click();
  await hoverText(CHECKED_CALL);
  await page.locator('.monaco-hover:not(.hidden) a', { hasText: 'Open the address pipeline' }).first().click();
  // The panel is reused: its heading now names the hovered call in bdd_reply_buffer.
  await webviewText('dma_map_single in bdd_reply_buffer');
  // The reused panel's heading can change before its controls are updated in place: wait for the size.
  const sizeField = webview().locator('#size');
  const deadline = Date.now() + 10_000;
  while ((await sizeField.inputValue()) !== '512' && Date.now() < deadline) await page.waitForTimeout(100);
  assert.equal(BigInt(await sizeField.inputValue()), 512n, 'the call’s real size');
  assert.equal(await webview().locator('#dir').inputValue(), 'from_device');
});

/** A file of a kernel tree, kernel-style, written for this test: a prototype, a caller, then the definition. */
const MAPPING_C = `// SPDX-License-Identifier: GPL-2.0
#include <linux/dma-map-ops.h>

dma_addr_t dma_map_page_attrs(struct device *dev, struct page *page,
		size_t offset, size_t size, enum dma_data_direction dir,
		unsigned long attrs);

static dma_addr_t demo_caller(struct device *dev, struct page *page)
{
	return dma_map_page_attrs(dev, page, 0, PAGE_SIZE, DMA_TO_DEVICE, 0);
}

dma_addr_t dma_map_page_attrs(struct device *dev, struct page *page,
		size_t offset, size_t size, enum dma_data_direction dir,
		unsigned long attrs)
{
	return 0;
}
`;

test("a stage's kernel link opens the function in the workspace's own kernel tree", async () => {
  mkdirSync(join(workspace, 'kernel/dma'), { recursive: true });
  writeFileSync(join(workspace, 'kernel/dma/mapping.c'), MAPPING_C);
  await webview()
    .locator('section.pipeline[data-platform="x86_64"] a.dl-stage[data-fn="dma_map_page_attrs"]')
    .first()
    .click();
  const tab = page.locator('.tabs-container .tab', { hasText: 'mapping.c' });
  await tab.first().waitFor({ timeout: 15_000 });
  // The cursor is on the definition (line 13), past the prototype and the caller.
  await page
    .locator('.statusbar-item', { hasText: /Ln 13, Col 1/ })
    .first()
    .waitFor({ timeout: 10_000 });
  await tab.first().hover();
  await tab.first().locator('.codicon-close').click();
});

test('the pipeline panel comes back with its state after the window reloads', async () => {
  // Reload Window shuts the workbench down in order, so the webview's saved state reaches storage first.
  const reloaded = page.waitForEvent('load', { timeout: 30_000 });
  await runCommand('Developer: Reload Window');
  await reloaded;
  await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
  // VS Code revives a webview when its tab is shown; the serializer then restores the state the page saved with setState.
  await page.locator('.tabs-container .tab', { hasText: 'Address pipeline' }).first().click();
  await webviewText('dma_map_single in bdd_reply_buffer');
  await webview().locator('section.pipeline svg').first().waitFor({ timeout: 30_000 });
  assert.equal(BigInt(await webview().locator('#size').inputValue()), 512n);
  assert.ok((await outcome('x86_64')).includes(plainHex(BigInt(EXAMPLE_PHYS))), await outcome('x86_64'));
});

test('Export SVG saves the picture the server rendered', async () => {
  // The field shows the address as the views print it, grouped hex.
  const phys = BigInt((await webview().locator('#phys').inputValue()).replace(/_/g, ''));
  await webview().locator('section.pipeline[data-platform="powernv"] button', { hasText: 'Export SVG' }).click();
  // code-server's save dialog is VS Code's simple file dialog: a path typed in a quick input.
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  const file = join(workspace, 'dma-pipeline-powernv.svg');
  // The dialog fills in its default path asynchronously; on a loaded machine that can land after our
  // text, so type until the field holds exactly our path before accepting it.
  const typedBy = Date.now() + 10_000;
  do {
    await input.fill(file);
    await page.waitForTimeout(200);
  } while ((await input.inputValue()) !== file && Date.now() < typedBy);
  await page.keyboard.press('Enter');
  const deadline = Date.now() + 20_000;
  while (!existsSync(file) && Date.now() < deadline) await page.waitForTimeout(100);
  assert.ok(existsSync(file), `the save dialog wrote ${file}`);
  const svg = readFileSync(file, 'utf8');
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(
    normalise(svg).includes(plainHex(phys + POWERNV_BYPASS_BASE)),
    `the exported picture shows the powernv device address; it has ${normalise(svg)
      .match(/0x[0-9a-f]+/g)
      ?.join(' ')}`,
  );
  assert.doesNotMatch(svg, /<script|\son[a-z]+=/i);
});

test('in the dark and in a light theme the pipeline text, stage boxes and cost badges keep readable contrast', async () => {
  await assertReadable('dark');
  await chooseColorTheme('Light Modern');
  try {
    const deadline = Date.now() + 20_000;
    while (luminance(parseRgb(await pageBackground())) < 0.5 && Date.now() < deadline) await page.waitForTimeout(200);
    assert.ok(luminance(parseRgb(await pageBackground())) >= 0.5, `the page follows the light theme`);
    await page.screenshot({ path: join(root, 'test-results', 'pipeline-light.png') });
    await assertReadable('light');
  } finally {
    await chooseColorTheme('Dark Modern');
  }
});

function pageBackground(): Promise<string> {
  return webview()
    .locator('body')
    .evaluate(
      (body) =>
        (globalThis as unknown as { getComputedStyle(element: unknown): { backgroundColor: string } }).getComputedStyle(
          body,
        ).backgroundColor,
    );
}

/** Every text of the panel against what lies behind it: WCAG's 4.5:1 for normal text. */
async function assertReadable(theme: string): Promise<void> {
  // Each pair is text and what lies behind it; a badge's fill is blended over the page at its opacity.
  const pairs = await webview()
    .locator('body')
    .evaluate((body) => {
      // Runs in the page: the test's own helpers are out of reach there.
      type Style = { backgroundColor: string; color: string; fill: string; fillOpacity: string };
      const style = (element: unknown) =>
        (globalThis as unknown as { getComputedStyle(element: unknown): Style }).getComputedStyle(element);
      const page = style(body).backgroundColor;
      const found: { what: string; text: string; back: string; opacity: number; under: string }[] = [];
      for (const selector of ['.outcome', 'h1', '#facts li', 'legend'])
        for (const element of body.querySelectorAll(selector))
          found.push({ what: selector, text: style(element).color, back: page, opacity: 1, under: page });
      for (const stage of body.querySelectorAll('.dl-stage')) {
        const box = stage.querySelector('.dl-box');
        for (const text of stage.querySelectorAll('.dl-text'))
          if (box)
            found.push({ what: 'stage', text: style(text).fill, back: style(box).fill, opacity: 1, under: page });
      }
      for (const badge of body.querySelectorAll('.dl-badge')) {
        const rect = badge.querySelector('rect')!;
        found.push({
          what: `badge ${badge.getAttribute('class')}`,
          text: style(badge.querySelector('text')!).fill,
          back: style(rect).fill,
          opacity: Number(style(rect).fillOpacity),
          under: page,
        });
      }
      return found;
    });
  assert.ok(
    pairs.some((pair) => pair.what.includes('dl-badge-bounce')),
    'the SEV column has a bounce badge',
  );
  assert.ok(
    pairs.some((pair) => pair.what === 'stage'),
    'stage boxes are measured',
  );
  for (const pair of pairs) {
    const back = blend(parseRgb(pair.back), parseRgb(pair.under), pair.opacity);
    const ratio = contrast(parseRgb(pair.text), back);
    assert.ok(
      ratio >= 4.5,
      `${theme} theme, ${pair.what}: contrast ${ratio.toFixed(2)} (${pair.text} on ${pair.back})`,
    );
  }
}

/** Picks a theme as a user does: Preferences: Color Theme (clicked: Enter could take a Marketplace entry), then its name. */
async function chooseColorTheme(name: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await input.fill('>Preferences: Color Theme');
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: /^Preferences: Color Theme/ })
    .first()
    .click();
  await page.locator('.quick-input-widget input[placeholder*="Color Theme"]').waitFor();
  await input.fill(name);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`^${name}`) })
    .first()
    .click();
}

function parseRgb(css: string): [number, number, number] {
  const [r = 0, g = 0, b = 0] = (css.match(/[\d.]+/g) ?? []).map(Number);
  return [r, g, b];
}

function blend(top: [number, number, number], under: [number, number, number], opacity: number) {
  return top.map((value, index) => value * opacity + under[index]! * (1 - opacity)) as [number, number, number];
}

/** WCAG 2 relative luminance of an sRGB colour. */
function luminance([r, g, b]: [number, number, number]): number {
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

function contrast(a: [number, number, number], b: [number, number, number]): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** The sync in sdc_frame_done: a scatterlist the device wrote, handed back to the CPU. */
const SYNC_CALL: HoveredCall = {
  text: 'dma_sync_sg_for_cpu(priv->dev, priv->frame.sgl',
  line: /dma_sync_sg_for_cpu\(priv->dev,/,
  api: 'dma_sync_sg_for_cpu',
  driver: 'soc_demo_dma.c',
};

test("a sync's hover link opens the pipeline of the sync itself, after the scatterlist map it syncs", async () => {
  await openDriver(SYNC_CALL.driver);
  await hoverText(SYNC_CALL);
  await page.locator('.monaco-hover:not(.hidden) a', { hasText: 'Open the address pipeline' }).first().click();
  await webviewText('dma_sync_sg_for_cpu in sdc_frame_done');
  await webview().locator('#title', { hasText: 'dma_sync_sg_for_cpu in sdc_frame_done' }).waitFor();
  assert.match(await webview().locator('#call').innerText(), /sync_for_cpu of a map_sg/);
  assert.equal(await webview().locator('#dir').inputValue(), 'from_device', 'the call’s DMA_FROM_DEVICE');
  // kernel/dma/direct.c: dma_direct_sync_sg_for_cpu copies each bounced segment back with
  // swiotlb_sync_single_for_cpu; the SEV guest bounces every map (spec §1.6), so its picture shows the copy.
  const sev = webview().locator('section.pipeline[data-platform="x86_64-sev-guest"] svg');
  await sev.waitFor({ timeout: 30_000 });
  const picture = await sev.innerHTML();
  assert.ok(picture.includes('swiotlb_sync_single_for_cpu'), 'the SEV picture shows the bounce copy of the sync');
  assert.ok(!picture.includes('dma_map_sg_attrs'), 'the picture is the sync, not the map before it');
});

test('Compare Platforms for Buffer maps a typed address on the selected platforms side by side', async () => {
  const phys = 0x4000_0000n;
  await runCommand('DMA Lens: Compare Platforms for Buffer', async () => {
    await page.locator('.quick-input-widget', { hasText: 'Physical address of the buffer' }).waitFor({ timeout: 5000 });
  });
  await page.locator('.quick-input-widget input').fill(plainHex(phys));
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: 'Size in bytes' }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: 'DMA_FROM_DEVICE' }).waitFor();
  await page.keyboard.press('Enter');
  // The platform pick starts with the workspace's selection checked; accepting it compares those.
  await page.locator('.quick-input-widget', { hasText: 'Compare on' }).waitFor();
  await page.keyboard.press('Enter');
  const deadline = Date.now() + 20_000;
  while (!(await outcome('x86_64')).includes(plainHex(phys)) && Date.now() < deadline) await page.waitForTimeout(100);
  assert.ok((await outcome('x86_64')).includes(plainHex(phys)), await outcome('x86_64'));
  assert.ok((await outcome('powernv')).includes(plainHex(phys + POWERNV_BYPASS_BASE)), await outcome('powernv'));
  assert.equal(await webview().locator('#dir').inputValue(), 'to_device');
});

/** Multi-select quick pick: checks or unchecks the row of one platform, found by its id (the row's description). */
async function setPicked(id: string, checked: boolean): Promise<void> {
  const filter = page.locator('.quick-input-widget .quick-input-box input');
  await filter.fill(id);
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-description', { hasText: new RegExp(`^${id}$`) }) })
    .first();
  const box = row.getByRole('checkbox');
  await box.waitFor();
  if ((await box.isChecked()) !== checked) await row.locator('label.quick-input-list-label').click();
  assert.equal(await box.isChecked(), checked, `${id} is ${checked ? '' : 'un'}checked in the pick`);
  await filter.fill('');
}

/** Turns the checked platforms of the open multi-select pick into exactly `wanted`, starting from `current`. */
async function pickExactly(current: readonly string[], wanted: readonly string[]): Promise<void> {
  for (const id of current) if (!wanted.includes(id)) await setPicked(id, false);
  for (const id of wanted) if (!current.includes(id)) await setPicked(id, true);
  await page.keyboard.press('Enter');
}

async function shownPlatforms(): Promise<string[]> {
  const sections = webview().locator('section.pipeline[data-platform]');
  return (await sections.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-platform') ?? ''))).sort();
}

test('Simulate Call at Cursor opens the pipeline of the call on the platforms picked for it', async () => {
  const picked = ['powernv', 'rpi4-soc', 'x86_64'];
  await page.locator('.tabs-container .tab', { hasText: DRIVER }).first().click();
  await revealInEditor(UNCHECKED_CALL.text);
  await mapToken(UNCHECKED_CALL).click();
  await runCommand('DMA Lens: Simulate Call at Cursor', async () => {
    await page.locator('.quick-input-widget', { hasText: 'Simulate dma_map_single on' }).waitFor({ timeout: 5000 });
  });
  // The pick starts with the workspace's selection checked.
  await pickExactly(PLATFORMS, picked);
  await webviewText('dma_map_single in bdd_send_cmd');
  const deadline = Date.now() + 20_000;
  while (JSON.stringify(await shownPlatforms()) !== JSON.stringify(picked) && Date.now() < deadline)
    await page.waitForTimeout(100);
  assert.deepEqual(await shownPlatforms(), picked);
  const phys = BigInt(EXAMPLE_PHYS);
  assert.ok((await outcome('x86_64')).includes(plainHex(phys)), await outcome('x86_64'));
  assert.ok((await outcome('rpi4-soc')).includes(plainHex(phys + RPI4_SOC_DMA_OFFSET)), await outcome('rpi4-soc'));
});

test('Select Target Platforms saves the pick for the workspace and the hover rows follow at once', async () => {
  const selected = ['x86_64', 'rpi4-soc'];
  await page.locator('.tabs-container .tab', { hasText: DRIVER }).first().click();
  await runCommand('DMA Lens: Select Target Platforms', async () => {
    await page.locator('.quick-input-widget', { hasText: 'target platforms for hovers' }).waitFor({ timeout: 5000 });
  });
  await pickExactly(PLATFORMS, selected);
  // The new platform is made the reference: it is saved first, whatever the catalogue's order.
  await page.locator('.quick-input-widget', { hasText: 'Which platform is the reference' }).waitFor();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'rpi4-soc' }).first().click();
  await page.locator('.quick-input-widget', { hasText: 'Save the platforms for' }).waitFor();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Workspace' }).first().click();
  const settings = join(workspace, '.vscode/settings.json');
  const deadline = Date.now() + 10_000;
  // VS Code rewrites the file in place: a read can land between the truncation and the write.
  const saved = () => {
    try {
      return (JSON.parse(readFileSync(settings, 'utf8')) as Record<string, unknown>)['dmalens.platforms'];
    } catch {
      return undefined;
    }
  };
  const wanted = JSON.stringify(['rpi4-soc', 'x86_64']);
  while (JSON.stringify(saved()) !== wanted && Date.now() < deadline) await page.waitForTimeout(100);
  assert.deepEqual(saved(), ['rpi4-soc', 'x86_64']);
  // The hover is asked again until the server has the new selection (it re-reads its settings on the change).
  const phys = BigInt(EXAMPLE_PHYS);
  let text = '';
  while (Date.now() < deadline + 10_000) {
    text = normalise(await hoverText(CHECKED_CALL));
    if (text.includes(plainHex(phys + RPI4_SOC_DMA_OFFSET))) break;
    await page.mouse.move(5, 5);
    await page.waitForTimeout(300);
  }
  assert.ok(
    text.includes(plainHex(phys + RPI4_SOC_DMA_OFFSET)),
    `a rpi4-soc row with ${plainHex(phys + RPI4_SOC_DMA_OFFSET)}:\n${text}`,
  );
  assert.ok(text.includes(plainHex(phys)), `the x86_64 row stays:\n${text}`);
  assert.ok(!text.includes(plainHex(phys + POWERNV_BYPASS_BASE)), `no powernv row any more:\n${text}`);
  assert.doesNotMatch(text, /pseries/i, 'no pseries row any more');
});

const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = jsonrpc;

interface PublishedDiagnostic {
  code?: string | number;
  codeDescription?: { href: string };
}

/**
 * The language server inside the installed extension, over stdio with a bare JSON-RPC client: proves
 * that the package carries the docs its links point to (the repository's docs/ is not beside it).
 */
async function askInstalledServer(
  serverJs: string,
  file: string,
  hoverAt: { line: number; character: number },
): Promise<{ diagnostics: PublishedDiagnostic[]; hover: string }> {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { cwd: dirname(file), stdio: ['pipe', 'pipe', 'pipe'] });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const uri = pathToFileURL(file).href;
  const settings = { platforms: PLATFORMS, index: { enable: false } };
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => settings));
  connection.onRequest(() => null);
  connection.onNotification(() => undefined);
  const published = new Promise<PublishedDiagnostic[]>((resolve) => {
    connection.onNotification(
      'textDocument/publishDiagnostics',
      (params: { uri: string; diagnostics: PublishedDiagnostic[] }) => {
        if (params.uri === uri && params.diagnostics.length > 0) resolve(params.diagnostics);
      },
    );
  });
  connection.listen();
  try {
    const capabilities = {
      workspace: { configuration: true },
      textDocument: { hover: { contentFormat: ['markdown'] }, publishDiagnostics: { codeDescriptionSupport: true } },
    };
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities });
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'c', version: 1, text: readFileSync(file, 'utf8') },
    });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('no diagnostics from the installed server within 20 s')), 20_000).unref(),
    );
    const diagnostics = await Promise.race([published, timeout]);
    const hover = (await connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: hoverAt,
    })) as { contents: { value: string } } | null;
    return { diagnostics, hover: hover?.contents.value ?? '' };
  } finally {
    connection.dispose();
    child.kill();
  }
}

/** The example board: /soc reaches RAM through two dma-ranges windows (examples/demo-board.dts). */
const BOARD = 'demo-board.dts';
/** /soc's windows: cpu 0x0 -> bus 0x8000_0000 and cpu 0x8_0000_0000 -> bus 0xc000_0000, 1 GiB each. */
const BOARD_WINDOW_1_OFFSET = 0x8000_0000n;

/** The hover VS Code shows at the first occurrence of `text` in an example file, via Show or Focus Hover. */
async function hoverAtText(file: string, text: string, ready: RegExp): Promise<string> {
  const line = lineOf(text, file);
  assert.ok(line > 0, `examples/${file} still has "${text}"`);
  const lines = readFileSync(join(root, 'examples', file), 'utf8').split('\n');
  const column = lines[line - 1]!.indexOf(text) + 1;
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline) {
    await page.keyboard.press('Escape');
    await page.locator('.command-center-center').click();
    const input = page.locator('.quick-input-widget input');
    await input.fill(`:${line}:${column}`);
    await page.keyboard.press('Enter');
    await runCommand('Show or Focus Hover');
    const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: ready });
    try {
      await hover.first().waitFor({ timeout: 2500 });
      return await hover.first().innerText();
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  throw new Error(`no hover matching ${ready} within 40 s; code-server log:\n${server?.log().slice(-3000)}`);
}

test("a device tree opens as a board: the hover on a bus's dma-ranges shows its windows and opens the pipeline", async () => {
  await openDriver(BOARD);
  const text = normalise(await hoverAtText(BOARD, 'dma-ranges = <0x80000000', /dma-ranges of/));
  assert.match(text, /cpu 0x0\.\.0x3fffffff → dma 0x80000000/, text);
  assert.match(text, /cpu 0x800000000\.\.0x83fffffff → dma 0xc0000000/, text);
  // Window 2's first byte is seen at bus 0xc000_0000; RAM between the windows cannot be reached.
  assert.match(text, /phys 0x800000000 → dma 0xc0000000 \(dma-direct\)/, text);
  assert.match(text, /RAM outside every window: phys 0x40000000 → fails/, text);
  await page.locator('.monaco-hover:not(.hidden) a', { hasText: 'Open the address pipeline' }).first().click();
  // The panel simulates the example buffer (window 1's first byte) on the board node's profile.
  const column = webview().locator('section.pipeline[data-platform$=":/soc/(device on this bus)"] .outcome');
  await column.waitFor({ timeout: 20_000 });
  const panel = normalise(await column.innerText());
  assert.ok(panel.includes(plainHex(0n + BOARD_WINDOW_1_OFFSET)), panel);
});

test('the driver bound by of_device_id gets the board rows in its hover', async () => {
  // The previous test left the pipeline panel focused; Quick Open's recent list would offer it first.
  await page.keyboard.press('Escape');
  await runCommand('View: Close All Editors');
  await openDriver('soc_demo_dma.c');
  const text = normalise(await hoverAtText('soc_demo_dma.c', 'dma_map_sg(priv->dev', /capture@10040000/));
  // The example buffer lies in window 1 on the engine without a restricted pool.
  const row = text.split('\n').find((line) => line.includes('capture@10040000') && line.includes('dma-direct'));
  assert.ok(row?.includes(plainHex(BigInt(EXAMPLE_PHYS) + BOARD_WINDOW_1_OFFSET)), text);
  assert.match(text, /matches "dmalens,demo-capture"/, text);
});

test('a mistyped override is shown in the Problems panel on its line of settings.json', async () => {
  const settingsFile = join(workspace, '.vscode/settings.json');
  const saved = readFileSync(settingsFile, 'utf8');
  const withTypo = { ...JSON.parse(saved), 'dmalens.overrides': { pseries: { dma_window: 32 } } };
  writeFileSync(settingsFile, JSON.stringify(withTypo, null, 2));
  try {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: /dmalens\.overrides\.pseries\.dma_window/ });
    await row.first().waitFor({ timeout: 20_000 });
    // The marker sits under the file, on the line where the mistyped key is.
    const line =
      JSON.stringify(withTypo, null, 2)
        .split('\n')
        .findIndex((text) => text.includes('"dma_window"')) + 1;
    assert.match(await row.first().innerText(), new RegExp(`unknown parameter 'dma_window'[\\s\\S]*\\[Ln ${line},`));
    const files = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
    assert.ok(
      files.some((text) => text.includes('settings.json')),
      files.join('\n'),
    );
  } finally {
    writeFileSync(settingsFile, saved);
  }
});

test('Show Output shows the server log; Restart Language Server brings hovers back', async () => {
  await page.keyboard.press('Escape');
  await runCommand('View: Close All Editors');
  await runCommand('DMA Lens: Show Output');
  // The log starts with the version and states the settings in force.
  // Monaco separates the words of a line with no-break spaces, which `\s` matches.
  const output = page.locator('.part.panel .view-lines');
  // The view shows the end of a long log; its first lines are at the top.
  await output.first().click();
  await page.keyboard.press('Control+Home');
  await output
    .filter({ hasText: /DMA\sLens\slanguage\sserver\s\d+\.\d+\.\d+/ })
    .first()
    .waitFor();
  await output
    .filter({ hasText: /settings\sin\sforce:\splatforms\s/ })
    .first()
    .waitFor();
  await runCommand('DMA Lens: Restart Language Server');
  // The restarted client shows its output channel again; the editor area gets the focus back first.
  await runCommand('View: Hide Panel');
  await openDriver();
  const text = normalise(await hoverText(CHECKED_CALL));
  assert.ok(text.includes(plainHex(BigInt(EXAMPLE_PHYS))), text);
});

test('the installed package carries the rule and spec pages that diagnostics and hovers link to', async () => {
  const installed = readdirSync(extensionsDir).find((name) => name.startsWith('dmalens.dmalens-'));
  assert.ok(installed, `the extension is installed in ${extensionsDir}`);
  const extensionDir = join(extensionsDir, installed);
  const lines = readFileSync(join(workspace, DRIVER), 'utf8').split('\n');
  const line = lines.findIndex((text) => text.includes(CHECKED_CALL.text));
  const { diagnostics, hover } = await askInstalledServer(
    join(extensionDir, 'dist/server/server.js'),
    join(workspace, DRIVER),
    { line, character: lines[line]!.indexOf('dma_map_single') + 1 },
  );
  const unchecked = diagnostics.find((diagnostic) => diagnostic.code === UNCHECKED_RULE);
  assert.ok(unchecked?.codeDescription, `${UNCHECKED_RULE} has a documentation link`);
  assert.equal(fileURLToPath(unchecked.codeDescription.href), join(extensionDir, 'docs/rules', `${UNCHECKED_RULE}.md`));
  for (const diagnostic of diagnostics) {
    const page = fileURLToPath(diagnostic.codeDescription?.href ?? 'missing:');
    assert.ok(
      existsSync(page) && !relative(extensionDir, page).startsWith('..'),
      `${diagnostic.code}: ${page} exists inside the extension`,
    );
  }
  // Spec references in the hover (§x.y) link to the shipped spec, at the section's anchor.
  const specLinks = [...hover.matchAll(/\((file:[^)\s]+kernel-dma-semantics\.md)(#[^)\s]*)?\)/g)].map((match) =>
    fileURLToPath(match[1]!),
  );
  assert.ok(specLinks.length > 0, `the hover links the spec:\n${hover}`);
  for (const page of specLinks) assert.equal(page, join(extensionDir, 'docs/spec/kernel-dma-semantics.md'));
  assert.ok(existsSync(join(extensionDir, 'docs/spec/kernel-dma-semantics.md')));
});
