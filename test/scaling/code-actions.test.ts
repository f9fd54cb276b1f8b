// Code actions over a whole file with thousands of findings (a generated table using the old virtio feature
// name on every line), asked of the built server over stdio: each suppression action split the text up to
// its line to read the indentation, so a whole-file request was quadratic in the findings (35 s for 30,000).
// Doubling them must now at most about double the time; past 2,000 findings a file publishes the first 2,000
// and counts the rest, and code actions cover the same 2,000.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from '../server/lsp-client';
import { assertLinearScalingAsync } from './scaling-support';

interface Action {
  title: string;
  edit?: { changes?: Record<string, { newText: string }[]> };
}

/** `count` lines each OR-ing the renamed feature bit into a mask: one finding per line. */
function renamedOnEveryLine(count: number): string {
  const lines = Array.from({ length: count }, () => '\tfeatures |= 1ULL << VIRTIO_F_IOMMU_PLATFORM;\n').join('');
  return `static u64 demo_features(void)\n{\n\tu64 features = 0;\n${lines}\treturn features;\n}\n`;
}

let client: LspClient;

before(async () => {
  client = await LspClient.start();
});

after(() => client.stop());

/** Opens the file, waits for its findings, and returns the whole-file request to time. */
async function wholeFileRequest(count: number): Promise<() => Promise<Action[]>> {
  const uri = `file:///tmp/demo-features-${count}.c`;
  await client.open(uri, renamedOnEveryLine(count));
  await client.diagnosticsFor(uri, 60_000);
  const range = { start: { line: 0, character: 0 }, end: { line: count + 5, character: 0 } };
  return () =>
    client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range,
      context: { diagnostics: [] },
    }) as Promise<Action[]>;
}

test('a whole-file request offers a suppression for every finding, indented like its line', async () => {
  const actions = await (await wholeFileRequest(50))();
  const suppressions = actions.filter((action) => action.title === 'Ignore virtio-iommu-platform-renamed on this line');
  assert.equal(suppressions.length, 50);
  const inserted = Object.values(suppressions[0]!.edit!.changes!)[0]![0]!.newText;
  assert.equal(inserted, '\t// dmalens-ignore-next-line virtio-iommu-platform-renamed\n');
});

test('code actions over a whole file scale linearly in its findings', async () => {
  await assertLinearScalingAsync('whole-file code actions', [500, 1000, 2000], wholeFileRequest);
});

test('a file with 2,500 findings publishes the first 2,000 and counts the rest in one information diagnostic', async () => {
  const uri = 'file:///tmp/demo-features-capped.c';
  await client.open(uri, renamedOnEveryLine(2500));
  const diagnostics = await client.diagnosticsFor(uri, 60_000);
  assert.equal(diagnostics.length, 2001);
  assert.match(diagnostics.at(-1)!.message, /500 more findings in this file are not shown/);
  const range = { start: { line: 0, character: 0 }, end: { line: 2600, character: 0 } };
  const actions = (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range,
    context: { diagnostics: [] },
  })) as Action[];
  assert.equal(actions.filter((action) => action.title.startsWith('Ignore ')).length, 2000);
});
