// raw-phys-to-device tells virt_to_bus() from virt_to_phys(), and says nothing on stand-in platforms: on ppc32 virt_to_bus() adds PCI_DRAM_OFFSET
// as dma-direct does, so a PowerMac driver handing it to its DBDMA engine agrees with the DMA API there;
// virt_to_phys() does not. Behind an IOMMU neither does.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initParser } from '../../server/src/parse/parser';
import { analyzeFileText } from '../../server/src/analysis/file-analysis';
import { runChecks } from '../../server/src/checks/run-checks';
import { createPlatformModel, driverContext } from '../../server/src/sites';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './lsp-client';

const DRIVER = `#include <linux/io.h>

struct demo_dbdma {
	void __iomem *cmdptr;
	void __iomem *status;
};

static void demo_start_rx(struct demo_dbdma *dma, void *cmds, void *status_buf)
{
	out_le32(dma->cmdptr, virt_to_bus(cmds));
	out_le32(dma->status, virt_to_phys(status_buf));
}
`;

function reportedHelpers(platforms: string[]): string[] {
  const { model } = createPlatformModel(platforms, {});
  const { sites } = analyzeFileText(DRIVER, 'demo_dbdma.c');
  const findings = runChecks(
    { sites, text: DRIVER, driver: driverContext(model, { sites, text: DRIVER }) },
    { severities: {}, only: ['raw-phys-to-device'] },
  );
  return findings.map((finding) => /^(\w+)\(\)/.exec(finding.message)![1]!);
}

before(() => initParser());

test('on ppc32 virt_to_bus() gives what dma-direct gives, virt_to_phys() misses PCI_DRAM_OFFSET', () => {
  assert.deepEqual(reportedHelpers(['ppc32-pci-dram-offset']), ['virt_to_phys']);
});

test('behind an IOMMU both give the device an address it was never given', () => {
  assert.deepEqual(reportedHelpers(['x86_64-vtd']), ['virt_to_bus', 'virt_to_phys']);
});

test('a file no modelled platform builds gets no platform-dependent finding, unless platforms are chosen', () => {
  const scan = (...extra: string[]) => {
    const run = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'server/dist/cli.js'),
        'scan',
        '--no-cache',
        '--format',
        'json',
        ...extra,
        'drivers/dma/demo-sh-dma.c',
      ],
      { cwd: join(repoRoot, 'test/fixtures/kernel-tree'), encoding: 'utf8' },
    );
    return JSON.parse(run.stdout).files[0];
  };
  const auto = scan();
  assert.match(auto.targets.why, /no modelled architecture builds it/);
  assert.deepEqual(auto.diagnostics, []);
  const chosen = scan('--platforms', 'x86_64-vtd');
  assert.deepEqual(
    chosen.diagnostics.map((finding: { rule: string }) => finding.rule),
    ['raw-phys-to-device'],
  );
});

test("a helper file's device is the one the other file of its module registers", () => {
  const run = spawnSync(
    process.execPath,
    [join(repoRoot, 'server/dist/cli.js'), 'scan', '--no-cache', '--format', 'json', 'drivers/dma/demo-qe-tds.c'],
    { cwd: join(repoRoot, 'test/fixtures/kernel-tree'), encoding: 'utf8' },
  );
  const file = JSON.parse(run.stdout).files[0];
  assert.ok(file.targets.platforms.includes('pseries'), JSON.stringify(file.targets));
  const [finding] = file.diagnostics;
  assert.equal(finding.rule, 'raw-phys-to-device');
  // A platform device on pseries or powernv gets no PCI DMA window: dma-direct hands it the physical address.
  assert.doesNotMatch(finding.message, /pseries|powernv/);
  assert.match(finding.message, /VT-d|SEV|RPi4/);
});
