// Copies the C grammar wasm from the pinned npm package and records its version and checksum in PROVENANCE.md.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, '..', 'node_modules', 'tree-sitter-c');
const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const target = join(here, 'tree-sitter-c.wasm');
copyFileSync(join(pkgDir, 'tree-sitter-c.wasm'), target);
const sha = createHash('sha256').update(readFileSync(target)).digest('hex');
const provenance = join(here, 'PROVENANCE.md');
const text = readFileSync(provenance, 'utf8')
  .replace(/tree-sitter-c@[0-9.]+/g, `tree-sitter-c@${version}`)
  .replace(/sha256: [0-9a-f]+/, `sha256: ${sha}`);
writeFileSync(provenance, text);
console.log(`grammars/tree-sitter-c.wasm <- tree-sitter-c@${version} (sha256 ${sha})`);
