// The resolver against dtc itself: every fixture board, and a sample of real Linux 6.1 boards when the tree
// is on this machine, must give the tree dtc builds after cpp, includes, overrides and deletions, property by
// property and byte by byte (phandle numbers included). dtc's printed tree is read back by our own parser
// without the preprocessor, so the two sides are compared as trees, not as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareTrees } from '../../../server/src/devicetree';
import { DEVKIT, FAULTS, KERNEL_TREE, dtcOutput, haveTool, openBoard } from './support';

async function differencesFromDtc(file: string): Promise<unknown[]> {
  const reference = dtcOutput(file);
  if ('error' in reference) throw new Error(`dtc does not build ${file}: ${reference.error}`);
  const dir = mkdtempSync(join(tmpdir(), 'dmalens-dtc-tree-'));
  try {
    const printed = join(dir, 'printed.dts');
    writeFileSync(printed, reference.text);
    const [ours, theirs] = await Promise.all([openBoard(file), openBoard(printed)]);
    const errors = ours.problems.filter((problem) => problem.severity === 'error').map((problem) => problem.message);
    return [...errors, ...compareTrees(ours.root, theirs.root)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tools = haveTool('dtc') && haveTool('cpp');
const skipReason = 'dtc and cpp are needed (scripts/install-test-deps.sh installs device-tree-compiler and cpp)';

for (const file of [DEVKIT, FAULTS]) {
  test(
    `the fixture board ${file.split('/').pop()} resolves to the tree dtc builds`,
    { skip: !tools && skipReason },
    async () => {
      assert.deepEqual(await differencesFromDtc(file), []);
    },
  );
}

/** Every 97th .dts of the five architectures, in sorted order: a fixed spread over vendors and styles. */
function realSample(): string[] {
  const boards: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, name.name);
      if (name.isDirectory()) walk(path);
      else if (name.name.endsWith('.dts')) boards.push(path);
    }
  };
  for (const arch of ['arm', 'arm64', 'powerpc', 'mips', 'riscv']) walk(join(KERNEL_TREE, 'arch', arch, 'boot/dts'));
  const sample = boards.sort().filter((_, index) => index % 97 === 0);
  // The Raspberry Pi 4 is the board the editor features lead to; it is always in the sample.
  return [...new Set([join(KERNEL_TREE, 'arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dts'), ...sample])];
}

const haveTree = existsSync(join(KERNEL_TREE, 'scripts/dtc/include-prefixes'));
test(
  'a sample of real Linux 6.1 boards resolves to the trees dtc builds',
  {
    skip:
      (!tools && skipReason) || (!haveTree && `no kernel tree at ${KERNEL_TREE} (the benchmark checks every board)`),
  },
  async () => {
    const failures: string[] = [];
    for (const file of realSample()) {
      // Overlays compile to fragments on their own; the benchmark applies them to their bases.
      if (readFileSync(file, 'utf8').includes('/plugin/') || !('text' in dtcOutput(file))) continue;
      const differences = await differencesFromDtc(file);
      if (differences.length) failures.push(`${file}: ${JSON.stringify(differences.slice(0, 3))}`);
    }
    assert.deepEqual(failures, []);
  },
);
