// The driver context over a real stdio connection, on the miniature kernel tree of test/fixtures/kernel-tree:
// each file is shown on the platforms its Makefiles and Kconfig build it for, its device is the one its
// driver structure registers (bus and initial masks), and its sizes come through the tree's headers. The
// expectations are the kernel's: CONFIG_IBMVETH depends on PPC_PSERIES; vio_register_device_node gives a
// VIO device 64-bit masks and its own TCE window, one H_PUT_TCE per map (vio_dma_iommu_map_page);
// pci_setup_device starts a PCI function with 32-bit masks, so on pseries a driver that never widens it
// maps through the default TCE window, not the 64-bit direct window DDW would give.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { moveIbmvethToPowernv } from './kernel-tree-edits';
import { LspClient, positionOf, repoRoot } from './lsp-client';

const TREE = join(repoRoot, 'test/fixtures/kernel-tree');
const IBMVETH = 'drivers/net/ethernet/ibm/ibmveth.c';
const TULIP = 'drivers/net/ethernet/dec/tulip/tulip_core.c';
const HCD = 'drivers/usb/core/hcd.c';
const SIS900 = 'drivers/net/ethernet/sis/sis900.c';

interface PlatformInfo {
  id: string;
  title: string;
  short: string;
}

/** Markdown with its escapes removed, as a reader sees it. */
function plain(markdown: string): string {
  return markdown.replace(/\\(.)/g, '$1');
}

/** A table row's platforms: the short labels of its first cell (platforms that agree share a row). */
function rowNames(row: string): string[] {
  return row
    .replace(/^\|\s*(≠\s*)?/, '')
    .split(' |')[0]!
    .split(', ');
}

/** The ids of the platforms a hover's table has rows for. */
function rowIds(markdown: string, platforms: readonly PlatformInfo[]): string[] {
  const names = plain(markdown)
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .flatMap(rowNames);
  return platforms.filter((platform) => names.includes(platform.short)).map((platform) => platform.id);
}

function rowOf(markdown: string, short: string): string {
  const row = plain(markdown)
    .split('\n')
    .find((line) => line.startsWith('|') && rowNames(line).includes(short));
  assert.ok(row, `a row for ${short} in:\n${markdown}`);
  return row;
}

/** What the pipeline view lists under its heading for the call: the source's facts in full. */
async function factsOn(client: LspClient, path: string, call: string, occurrence = 1): Promise<string> {
  const text = readFileSync(join(TREE, path), 'utf8');
  const uri = pathToFileURL(join(TREE, path)).toString();
  await client.open(uri, text);
  const found = await client.request<{ facts: string[] }>('dmalens/callSiteAt', {
    uri,
    position: positionOf(text, `${call}(`, 2, occurrence - 1),
  });
  return found.facts.join('\n');
}

async function hoverOn(client: LspClient, path: string, call: string, occurrence = 1): Promise<string> {
  const text = readFileSync(join(TREE, path), 'utf8');
  const uri = pathToFileURL(join(TREE, path)).toString();
  await client.open(uri, text);
  const hover = await client.hover(uri, positionOf(text, `${call}(`, 2, occurrence - 1));
  assert.ok(hover, `a hover on ${call} in ${path}`);
  return hover.contents.value;
}

describe('with dmalens.platforms "auto" (the default)', () => {
  let client: LspClient;
  let platforms: PlatformInfo[];

  before(async () => {
    client = await LspClient.start();
    platforms = (await client.request<{ platforms: PlatformInfo[] }>('dmalens/platforms', {})).platforms;
  });
  after(() => client.stop());

  const short = (id: string) => platforms.find((platform) => platform.id === id)!.short;

  test('ibmveth is shown only on the pseries profiles, with the Kconfig line that decides it', async () => {
    const markdown = await hoverOn(client, IBMVETH, 'dma_map_single');
    assert.deepEqual(rowIds(markdown, platforms), ['pseries', 'pseries-svm']);
    assert.ok(
      // The Kconfig beside the driver is named by its file name alone: the hover has little room.
      plain(markdown).includes('Targets: CONFIG_IBMVETH depends on PPC_PSERIES (Kconfig:16)'),
      markdown,
    );
  });

  test('a VIO device maps through its own TCE window: one H_PUT_TCE per map on pseries', async () => {
    const markdown = await hoverOn(client, IBMVETH, 'dma_map_single');
    assert.match(rowOf(markdown, short('pseries')), /H_PUT_TCE ×1/);
    assert.match(plain(markdown), /mask not set: the device’s initial 64 bits/);
    const facts = await factsOn(client, IBMVETH, 'dma_map_single');
    assert.match(facts, /struct vio_driver ibmveth_driver \(line \d+\)/);
    assert.match(facts, /Device mask: not set by the driver: the 64-bit mask the device starts with/);
  });

  test('a size only known at run time is a labelled stand-in, never a silent 4096', async () => {
    const markdown = await hoverOn(client, IBMVETH, 'dma_map_single', 2);
    assert.match(plain(markdown), /size `len` unknown \(a value known only at run time\): 4096 B stand-in/);
    assert.match(
      await factsOn(client, IBMVETH, 'dma_map_single', 2),
      /Size: `len` unknown \(a value known only at run time\); 4096 B stand-in/,
    );
  });

  test("PKT_BUF_SZ is 1540 bytes through tulip.h, and the PCI function keeps pci_setup_device's 32-bit mask", async () => {
    const markdown = await hoverOn(client, TULIP, 'dma_map_single');
    assert.match(
      plain(markdown),
      /size `PKT_BUF_SZ` = 1540 bytes through PKT_BUF_SZ \(drivers\/net\/ethernet\/dec\/tulip\/tulip\.h\)/,
    );
    assert.match(plain(markdown), /mask not set: the device’s initial 32 bits/);
    assert.match(await factsOn(client, TULIP, 'dma_map_single'), /Device: struct pci_driver tulip_driver/);
  });

  test('sizeof(struct usb_ctrlrequest) is 8 bytes, laid out from the uapi header', async () => {
    const markdown = await hoverOn(client, HCD, 'dma_map_single');
    assert.match(plain(markdown), /size `sizeof\(struct usb_ctrlrequest\)` = 8 bytes/);
  });

  test("virtio_ring.c's DMA calls are not reached where vring_use_dma_api() is false", async () => {
    const markdown = await hoverOn(client, 'drivers/virtio/virtio_ring.c', 'dma_map_single');
    // QEMU's virtio on x86 without ACCESS_PLATFORM bypasses the DMA API (vring_use_dma_api); a SEV guest
    // forces it (arch_has_restricted_virtio_memory_access), so its row is simulated and bounces.
    assert.ok(plain(markdown).includes(`${short('x86_64')}: not reached: vring_use_dma_api() is false`), markdown);
    assert.match(rowOf(markdown, short('x86_64-sev-guest')), /bounce|swiotlb/i);
  });

  test("sis900's RX_BUF_SIZE is given per CONFIG_VLAN_8021Q choice", async () => {
    const markdown = await hoverOn(client, SIS900, 'dma_map_single');
    assert.match(
      plain(markdown),
      /size `RX_BUF_SIZE` = 1540 bytes with CONFIG_VLAN_8021Q=y .*\(1536 with CONFIG_VLAN_8021Q=n\)/,
    );
  });
});

describe('with an explicit dmalens.platforms list', () => {
  let client: LspClient;
  let platforms: PlatformInfo[];

  before(async () => {
    client = await LspClient.start({ settings: { platforms: ['x86_64', 'pseries'] } });
    await client.waitFor(
      () => client.statusNotifications.some((status: any) => status.selected.join() === 'x86_64,pseries'),
      10_000,
      'the platform setting',
    );
    platforms = (await client.request<{ platforms: PlatformInfo[] }>('dmalens/platforms', {})).platforms;
  });
  after(() => client.stop());

  test("the user's choice wins, and the hover says which platform cannot build the file", async () => {
    const markdown = await hoverOn(client, IBMVETH, 'dma_map_single');
    assert.match(plain(markdown), /although x86_64 cannot build this file: CONFIG_IBMVETH depends on PPC_PSERIES/);
    // A VIO device exists only on pseries: x86_64 gets no row, and the hover says why.
    assert.deepEqual(rowIds(markdown, platforms), ['pseries']);
    const x86 = platforms.find((platform) => platform.id === 'x86_64')!.short;
    assert.ok(plain(markdown).includes(`${x86}: not simulated`), markdown);
    assert.match(plain(markdown), /vio devices exist only with arch_dma=powerpc/);
  });

  test('a PCI function that never widens its mask maps through the 32-bit TCE window on pseries', async () => {
    const pseries = platforms.find((platform) => platform.id === 'pseries')!.short;
    const markdown = await hoverOn(client, TULIP, 'dma_map_single');
    assert.match(rowOf(markdown, pseries), /H_PUT_TCE/);
  });
});

test('dmalens scan gives each file its targets in the JSON report', () => {
  const cli = join(repoRoot, 'server/dist/cli.js');
  const run = spawnSync(process.execPath, [cli, 'scan', '--no-cache', '--format', 'json', IBMVETH, TULIP], {
    cwd: TREE,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as {
    files: { path: string; targets?: { platforms: string[]; why: string } }[];
  };
  const ibmveth = report.files.find((file) => file.path === IBMVETH)!;
  assert.deepEqual(ibmveth.targets, {
    platforms: ['pseries', 'pseries-svm'],
    why: 'CONFIG_IBMVETH depends on PPC_PSERIES (drivers/net/ethernet/ibm/Kconfig:16)',
  });
  const tulip = report.files.find((file) => file.path === TULIP)!;
  assert.match(tulip.targets!.why, /CONFIG_TULIP/);
});

describe('a Kconfig file edited during the session', () => {
  let client: LspClient;
  let work: string;
  before(async () => {
    client = await LspClient.start();
    work = mkdtempSync(join(tmpdir(), 'dmalens-kconfig-edit-'));
    cpSync(TREE, work, { recursive: true });
  });
  after(async () => {
    await client.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('moves the driver to the platforms the new Kconfig builds it for, once the client reports the change', async () => {
    const platforms = (await client.request<{ platforms: PlatformInfo[] }>('dmalens/platforms', {})).platforms;
    const file = join(work, IBMVETH);
    const text = readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).toString();
    await client.open(uri, text);
    const position = positionOf(text, 'dma_map_single(', 2);
    const before = await client.hover(uri, position);
    assert.deepEqual(rowIds(before!.contents.value, platforms), ['pseries', 'pseries-svm']);

    const kconfig = moveIbmvethToPowernv(work);
    await client.notify('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(kconfig).toString(), type: 2 }],
    });
    const after = await client.hover(uri, position);
    // A VIO device cannot exist on powernv, and the hover says so rather than simulating it.
    assert.deepEqual(rowIds(after!.contents.value, platforms), []);
    assert.match(plain(after!.contents.value), /Targets: CONFIG_IBMVETH depends on PPC_POWERNV/);
    assert.match(plain(after!.contents.value), /VIO devices exist only on pseries/);
  });
});
