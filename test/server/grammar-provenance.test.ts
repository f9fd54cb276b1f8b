// The grammar files are the pinned npm packages' wasm, unchanged: PROVENANCE.md records each checksum and
// version, and they must match the files in grammars/ and the versions server/package.json pins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../repo-root';

const root = repoRoot();
const provenance = readFileSync(join(root, 'grammars/PROVENANCE.md'), 'utf8');
const pinned = JSON.parse(readFileSync(join(root, 'server/package.json'), 'utf8')).dependencies as Record<
  string,
  string
>;

for (const name of ['tree-sitter-c', 'tree-sitter-devicetree']) {
  test(`${name}.wasm matches its recorded checksum and pinned version`, () => {
    const sha = createHash('sha256')
      .update(readFileSync(join(root, 'grammars', `${name}.wasm`)))
      .digest('hex');
    assert.match(provenance, new RegExp(`${name}\\.wasm\` sha256: ${sha}`));
    assert.match(provenance, new RegExp(`${name}@${pinned[name]!.replace(/\./g, '\\.')}`));
  });
}
