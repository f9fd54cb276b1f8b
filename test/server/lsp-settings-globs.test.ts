// A workspace's exclude globs reach the server from settings a repository can ship. A glob the walk
// cannot use is left out with a message naming it, and the index still runs with the others; a pattern
// that once froze the server (forty stars then `!`) is matched in linear time and the index finishes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, repoRoot } from './lsp-client';

interface Status {
  index: { state: string; filesIndexed: number };
  settingsErrors: string[];
}

let client: LspClient;

before(async () => {
  client = await LspClient.start({
    rootUri: pathToFileURL(join(repoRoot, 'examples')).toString(),
    settings: { index: { exclude: ['{a,b', `${'*'.repeat(40)}!`, 'soc_*.c'] } },
  });
});
after(() => client.stop());

test('a bad exclude glob is named and left out; the index finishes with the other globs', async () => {
  const statuses = () => client.statusNotifications as Status[];
  await client.waitFor(() => statuses().some((status) => status.index.state === 'done'), 20_000, 'the index');
  const last = statuses().at(-1)!;
  assert.ok(
    last.settingsErrors.some((error) =>
      /dmalens\.index\.exclude: unbalanced '\{' in exclude pattern '\{a,b'/.test(error),
    ),
    last.settingsErrors.join('\n'),
  );
  // soc_demo_dma.c is excluded, the three other examples are indexed.
  assert.equal(last.index.filesIndexed, 3);
});
