// Copies each grammar wasm from its pinned npm package and records the version and checksum in PROVENANCE.md.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const provenance = join(here, 'PROVENANCE.md');
let text = readFileSync(provenance, 'utf8');
for (const name of ['tree-sitter-c', 'tree-sitter-devicetree']) {
  const pkgDir = join(here, '..', 'node_modules', name);
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  const target = join(here, `${name}.wasm`);
  copyFileSync(join(pkgDir, `${name}.wasm`), target);
  const sha = createHash('sha256').update(readFileSync(target)).digest('hex');
  text = text
    .replace(new RegExp(`${name}@[0-9.]+`, 'g'), `${name}@${version}`)
    .replace(new RegExp(`(${name}\\.wasm\` sha256: )[0-9a-f]+`), `$1${sha}`);
  console.log(`grammars/${name}.wasm <- ${name}@${version} (sha256 ${sha})`);
}
writeFileSync(provenance, text);
