// `npm run fidelity`: boots the differential suite's guests and rewrites docs/fidelity.md from their
// replay (needs the guests of scripts/install-test-deps.sh, like `npm test`).
import { build } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = join(root, 'out/fidelity-report.mjs');
await build({
  entryPoints: [join(root, 'test/differential/fidelity-report.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
const { writeFidelityReport } = await import(pathToFileURL(outfile).href);
const path = await writeFidelityReport(root);
console.log(`wrote ${path}`);
