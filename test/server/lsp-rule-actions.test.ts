// The per-rule code actions ESLint users expect — turn the rule off in the settings, read its page — offered
// over a real stdio connection to a client that announces it runs those commands, and to no other client
// (Neovim or Helix could not run them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DisableRuleCommand, ShowRuleDocsCommand } from '@dmalens/protocol';
import { DEFAULT_CAPABILITIES, LspClient, repoRoot } from './lsp-client';

const FIXTURE = join(repoRoot, 'test/fixtures/rules/unchecked-mapping.c');

interface Action {
  title: string;
  command?: { command: string; arguments: unknown[] };
}

async function actionsFor(client: LspClient): Promise<Action[]> {
  const text = readFileSync(FIXTURE, 'utf8');
  const uri = pathToFileURL(FIXTURE).href;
  await client.open(uri, text);
  const diagnostics = await client.diagnosticsFor(uri);
  const finding = diagnostics.find((diagnostic) => diagnostic.code === 'unchecked-mapping')!;
  return client.request<Action[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: finding.range,
    context: { diagnostics: [finding] },
  });
}

test('a client that runs the commands gets "turn off" and "documentation" once per rule', async () => {
  const client = await LspClient.start({
    capabilities: {
      ...DEFAULT_CAPABILITIES,
      experimental: { dmalens: { commands: [DisableRuleCommand, ShowRuleDocsCommand] } },
    },
  });
  try {
    const actions = await actionsFor(client);
    const off = actions.filter((action) => action.command?.command === DisableRuleCommand);
    assert.equal(off.length, 1);
    assert.deepEqual(off[0]!.command!.arguments, ['unchecked-mapping']);
    const docs = actions.filter((action) => action.command?.command === ShowRuleDocsCommand);
    assert.equal(docs.length, 1);
    const page = docs[0]!.command!.arguments[0] as string;
    assert.ok(page.endsWith('/rules/unchecked-mapping.md') && existsSync(fileURLToPath(page)), page);
  } finally {
    await client.stop();
  }
});

test('a client that does not announce them gets neither', async () => {
  const client = await LspClient.start();
  try {
    const actions = await actionsFor(client);
    assert.ok(actions.length > 0, 'the fix and the suppression are still there');
    assert.ok(
      actions.every((action) => action.command === undefined),
      JSON.stringify(actions.map((a) => a.title)),
    );
  } finally {
    await client.stop();
  }
});
