// C-only work never loads the device-tree grammar: analysing a driver leaves it unloaded, and the first
// board resolved loads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initParser, parse } from '../../../server/src/parse/parser';
import { devicetreeParserLoaded } from '../../../server/src/devicetree/grammar';
import { repoRoot } from '../../repo-root';
import { DEVKIT, openBoard } from './support';

test('the device-tree grammar loads on the first board, never for C', async () => {
  await initParser();
  const tree = parse(readFileSync(join(repoRoot(), 'examples/virtio_demo_net.c'), 'utf8'));
  tree?.delete();
  assert.equal(devicetreeParserLoaded(), false);
  await openBoard(DEVKIT);
  assert.equal(devicetreeParserLoaded(), true);
});
