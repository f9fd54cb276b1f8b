// How a file's platforms are chosen from its build targets and the setting (sites/file-platforms.ts), and
// which driver structure decides its device (analysis/driver-bus.ts, sites/device-facts.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driverRegistrations } from '../../server/src/analysis/driver-bus';
import { parseSettings } from '../../server/src/config/settings';
import { AUTO_TARGETS_SHOWN, deviceFacts, deviceOverrides, filePlatforms } from '../../server/src/sites';

const DEFAULTS = ['x86_64', 'x86_64-vtd', 'pseries', 'rpi4-soc'];

test('auto: a file with few targets is shown on all of them, in the build table order', () => {
  const chosen = filePlatforms('auto', DEFAULTS, { platforms: ['pseries', 'pseries-svm'], why: 'w', basis: 'built' });
  assert.deepEqual(chosen.ids, ['pseries', 'pseries-svm']);
  assert.equal(chosen.why, 'w');
});

test('auto: a file that builds almost everywhere is shown on the default platforms among its targets', () => {
  const everywhere = ['x86_64', 'arm64', 'pseries', 'powernv', 'rpi4-soc', 'rpi1', 'cell', 'octeon-pcie'];
  assert.ok(everywhere.length > AUTO_TARGETS_SHOWN);
  const chosen = filePlatforms('auto', DEFAULTS, { platforms: everywhere, why: 'CONFIG_X', basis: 'built' });
  assert.deepEqual(chosen.ids, ['x86_64', 'pseries', 'rpi4-soc']);
  assert.match(chosen.why, /^CONFIG_X; 8 platforms can build it, showing the default ones$/);
});

test('auto: outside a kernel tree, or when no Makefile builds the file, the defaults and the reason', () => {
  assert.deepEqual(filePlatforms('auto', DEFAULTS, null).ids, DEFAULTS);
  assert.match(filePlatforms('auto', DEFAULTS, null).why, /outside a kernel tree/);
  const unbuilt = filePlatforms('auto', DEFAULTS, { platforms: [], why: 'no Makefile builds a.c', basis: 'unknown' });
  assert.match(unbuilt.why, /^no Makefile builds a\.c; showing the default platforms$/);
});

test('an explicit list wins and names what cannot build the file', () => {
  const chosen = filePlatforms('setting', ['x86_64', 'pseries'], { platforms: ['pseries'], why: 'w', basis: 'built' });
  assert.deepEqual(chosen.ids, ['x86_64', 'pseries']);
  assert.deepEqual(chosen.outsideTargets, ['x86_64']);
});

test('dmalens.platforms takes "auto" (the default) or a list, and nothing else', () => {
  assert.equal(parseSettings({}).settings.platforms, 'auto');
  assert.deepEqual(parseSettings({ platforms: ['pseries'] }).settings.platforms, ['pseries']);
  const bad = parseSettings({ platforms: 'everything' });
  assert.equal(bad.settings.platforms, 'auto');
  assert.ok(bad.problems.some((problem) => problem.startsWith('dmalens.platforms')));
});

test('the driver structure decides bus and initial masks; several buses leave both unknown', () => {
  const vio = deviceFacts(driverRegistrations('static struct vio_driver ibmveth_driver = {\n};\n'));
  assert.deepEqual(deviceOverrides(vio, { streaming: false, coherent: false }), {
    bus: 'vio',
    dma_mask: 64,
    coherent_mask: 64,
  });
  const pci = deviceFacts(driverRegistrations('/* x */\n\nstatic struct pci_driver tulip_driver __refdata = {\n};'));
  assert.match(pci.why, /^struct pci_driver tulip_driver \(line 3\)/);
  // A driver that sets its streaming mask keeps only the coherent one at the bus's initial width.
  assert.deepEqual(deviceOverrides(pci, { streaming: true, coherent: false }), { bus: 'pci', coherent_mask: 32 });
  const both = deviceFacts(driverRegistrations('struct pci_driver a = {};\nstruct platform_driver b = {};\n'));
  assert.deepEqual(deviceOverrides(both, { streaming: false, coherent: false }), {});
  assert.match(both.why, /several buses/);
  // A USB driver's DMA is done by its host controller: nothing is assumed.
  assert.equal(deviceFacts(driverRegistrations('static struct usb_driver u = {\n};')).bus, null);
});
