// dmalens.customPlatforms: a platform of the user's own, a built-in profile with parameters set as the
// CLI's --set sets them, usable wherever a built-in id is. Expected addresses come from the dma-ranges
// arithmetic (drivers/of/address.c:of_dma_get_range, include/linux/dma-direct.h:translate_phys_to_dma):
// inside a window, dma = phys - cpu start + dma start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSettings, platformSelection } from '../../server/src/config/settings';
import { createPlatformModel, driverContext } from '../../server/src/sites';
import { runCli } from '../cli/run-cli';
import { formatAddress, getProfile } from '@dmalens/core';
import { EXAMPLE_PHYS } from '@dmalens/protocol';
import { LspClient, poll, positionOf } from './lsp-client';

/** A buffer in the arm64 profile's RAM (4 GiB from 0x4000_0000), inside the window below. */
const PHYS = 0x5234_5000n;
/** The SoC's device sees RAM from its start at bus address 0: dma-ranges = <0x0 0x40000000 0x40000000>. */
const WINDOW = { cpu: 0x4000_0000n, dma: 0x0n, size: 0x4000_0000n };
const MY_SOC = {
  id: 'my-soc',
  base: 'arm64',
  title: 'My SoC capture engine',
  short: 'my SoC',
  params: { dma_windows: `0x${WINDOW.cpu.toString(16)}:0x${WINDOW.dma.toString(16)}:0x${WINDOW.size.toString(16)}` },
};
const MAP = { op: 'map_single', phys: PHYS, size: 4096n, dir: 'to_device' } as const;

test('a custom platform is its base with its own parameters, under its own id and title', () => {
  const { model, problems } = createPlatformModel(['x86_64', 'my-soc'], {}, [MY_SOC]);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    model.selected.map((profile) => profile.id),
    ['x86_64', 'my-soc'],
  );
  const run = model.run('my-soc', [MAP]);
  assert.equal(run.title, 'My SoC capture engine');
  assert.equal(run.results[0]!.dma, PHYS - WINDOW.cpu + WINDOW.dma);
  // The base keeps its own behaviour: arm64 without dma-ranges maps phys to itself.
  assert.equal(model.run('arm64', [MAP]).results[0]!.dma, PHYS);
  assert.ok(model.available().some((profile) => profile.id === 'my-soc' && profile.extends === 'arm64'));
});

test('dmalens.overrides applies to a custom platform as to a built-in one', () => {
  const { model, problems } = createPlatformModel(['my-soc'], { 'my-soc': { dma_mask: 28 } }, [MY_SOC]);
  assert.deepEqual(problems, []);
  // A 28-bit mask does not reach bus address 0x1234_5000: the map bounces or fails instead.
  assert.notEqual(model.run('my-soc', [MAP]).results[0]!.dma, PHYS - WINDOW.cpu + WINDOW.dma);
});

test('each bad field costs only itself, with the message the CLI prints for the same --set', () => {
  const { model, problems } = createPlatformModel(['my-soc', 'other'], {}, [
    { ...MY_SOC, params: { ...MY_SOC.params, dma_windows: 'bogus', coherent: true } },
    { id: 'other', base: 'no-such-base', params: {} },
    { id: 'x86_64', base: 'arm64', params: {} },
  ]);
  const cli = runCli([
    'simulate',
    '--platform',
    'arm64',
    '--set',
    'dma_windows=bogus',
    'map_single',
    '--phys',
    '0x1000',
    '--size',
    '64',
    '--dir',
    'to_device',
  ]);
  assert.equal(cli.status, 2);
  const bad = problems.find((problem) => problem.startsWith('dmalens.customPlatforms[0].params.dma_windows: '));
  assert.ok(bad, problems.join('\n'));
  const message = bad.slice(bad.indexOf(': ') + 2, bad.lastIndexOf('; that key is left out.'));
  assert.ok(cli.stderr.includes(message), `the CLI says it too:\n${cli.stderr}\n${message}`);
  // The good parameter of the same platform is kept; the platform exists.
  assert.ok(model.profile('my-soc'));
  assert.equal(model.run('my-soc', [MAP]).results[0]!.dma, PHYS);
  assert.ok(problems.some((problem) => /\[1\]: unknown base platform 'no-such-base'/.test(problem)));
  assert.ok(problems.some((problem) => /\[2\]: the id 'x86_64' is already taken/.test(problem)));
  assert.ok(problems.some((problem) => /dmalens\.platforms: unknown platform id 'other'/.test(problem)));
});

test('a malformed entry is named and left out; the others are kept', () => {
  const { settings, problems } = parseSettings({ customPlatforms: [MY_SOC, { id: 'Bad Id', base: 'arm64' }] });
  assert.deepEqual(
    settings.customPlatforms.map((entry) => entry.id),
    ['my-soc'],
  );
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^dmalens\.customPlatforms\[1\]: .*id.*; it is left out\.$/);
});

test('over stdio: the hover has the custom row, and the platform list offers it', async () => {
  const client = await LspClient.start({ settings: { platforms: ['x86_64', 'my-soc'], customPlatforms: [MY_SOC] } });
  try {
    const text =
      'static void demo(struct device *dev, void *buf)\n{\n\tdma_map_single(dev, buf, 4096, DMA_TO_DEVICE);\n}\n';
    const uri = 'file:///tmp/custom-platform-demo.c';
    await client.open(uri, text);
    const answer = await poll(
      () => client.hover(uri, positionOf(text, 'dma_map_single', 2)),
      (hover) => Boolean(hover?.contents.value.includes('my SoC')),
      10_000,
      'a hover with the custom row',
    );
    const hover = answer!.contents.value;
    const row = hover.split('\n').find((line) => line.startsWith('|') && line.includes('my SoC'));
    // The example buffer lies in the platform's RAM: the usual example address, from the start of RAM.
    const phys = BigInt(getProfile('arm64').params['ram_base'] as string) + BigInt(EXAMPLE_PHYS);
    assert.ok(row?.includes(`\`${formatAddress(phys - WINDOW.cpu + WINDOW.dma)}\``), hover);
    const listed = await client.request<{ platforms: { id: string; title: string }[] }>('dmalens/platforms', null);
    assert.ok(listed.platforms.some((platform) => platform.id === 'my-soc' && platform.title === MY_SOC.title));
  } finally {
    await client.stop();
  }
});

test('with "auto", a custom platform joins the files that run on its base, and only those', () => {
  const x86Board = { id: 'my-x86', base: 'x86_64', params: { dma_mask: 32 } };
  const { model } = createPlatformModel(platformSelection('auto').ids, {}, [MY_SOC, x86Board]);
  // Outside a kernel tree a file is shown on the default platforms: x86_64 is one of them, arm64 is not.
  const outside = driverContext(model, { sites: [], text: '' }, { choice: 'auto', targets: null });
  assert.ok(outside.platforms.ids.includes('my-x86'), outside.platforms.ids.join());
  assert.ok(!outside.platforms.ids.includes('my-soc'), outside.platforms.ids.join());
  assert.match(outside.platforms.why, /with my-x86 from dmalens\.customPlatforms/);
  const armOnly = { platforms: ['arm64'], why: 'CONFIG_DEMO depends on ARM64', basis: 'built' as const };
  const onArm = driverContext(model, { sites: [], text: '' }, { choice: 'auto', targets: armOnly });
  assert.deepEqual(onArm.platforms.ids, ['arm64', 'my-soc']);
});
