// Every rule fixture, opened in the real server over stdio: each `/*$ rule-id */` marker must get a
// diagnostic with that code on its line, each `/*$ !rule-id */` must not, and no diagnostic may appear
// that no marker expects (false positives are worse than misses).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMarkers } from '../fixtures/markers';
import { LspClient, repoRoot, type Diagnostic } from './lsp-client';

const fixtureDir = join(repoRoot, 'test/fixtures/rules');
const fixtures = readdirSync(fixtureDir).filter((name) => name.endsWith('.c'));
const ruleDocs = new Set(readdirSync(join(repoRoot, 'docs/rules')).map((name) => name.replace(/\.md$/, '')));

describe('rule fixtures over LSP', () => {
  let client: LspClient;
  const published = new Map<string, Diagnostic[]>();

  before(async () => {
    client = await LspClient.start();
    for (const name of fixtures) {
      const { uri } = await client.openFixture(join(fixtureDir, name));
      published.set(name, await client.diagnosticsFor(uri));
    }
  });
  after(() => client.stop());

  for (const name of fixtures) {
    test(`${name}: diagnostics match the markers`, () => {
      const text = readFileSync(join(fixtureDir, name), 'utf8');
      const markers = readMarkers(text).filter((marker) => marker.kind === '$');
      assert.ok(markers.length > 0, 'the fixture has rule markers');
      const diagnostics = published.get(name)!;
      const expected = new Set<string>();
      for (const marker of markers) {
        for (const word of [marker.word]) {
          const negative = word.startsWith('!');
          const rule = negative ? word.slice(1) : word;
          assert.ok(ruleDocs.has(rule), `rule ${rule} has docs/rules/${rule}.md`);
          const onLine = diagnostics.filter(
            (diagnostic) => diagnostic.code === rule && diagnostic.range.start.line === marker.line,
          );
          if (negative)
            assert.equal(
              onLine.length,
              0,
              `${name}:${marker.line + 1}: unexpected ${rule}: ${onLine.map((d) => d.message).join(' | ')}`,
            );
          else {
            assert.ok(
              onLine.length > 0,
              `${name}:${marker.line + 1}: expected ${rule}; got ${JSON.stringify(diagnostics.map((d) => [d.code, d.range.start.line + 1]))}`,
            );
            expected.add(`${rule}@${marker.line}`);
          }
        }
      }
      for (const diagnostic of diagnostics) {
        assert.ok(
          expected.has(`${diagnostic.code}@${diagnostic.range.start.line}`),
          `${name}:${diagnostic.range.start.line + 1}: no marker expects ${diagnostic.code}: ${diagnostic.message}`,
        );
        assert.equal(diagnostic.source, 'dmalens');
        // The documentation link is a file: URI of the page shipped with the server (the repository's docs/ here).
        assert.equal(
          fileURLToPath(diagnostic.codeDescription?.href ?? 'missing:'),
          join(repoRoot, 'docs/rules', `${diagnostic.code}.md`),
        );
      }
    });
  }
});
