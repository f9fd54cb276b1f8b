// The names the benchmark gives ripgrep: exactly what the scan's prefilter looks for (every catalogue
// name, plus the identifiers some checks read from the text), taken from the sources through esbuild so
// that the two can never drift apart.
import * as esbuild from 'esbuild';
import { join } from 'node:path';

export async function prefilterNames(root) {
  const result = await esbuild.build({
    stdin: {
      contents: `import { API_CATALOGUE } from './core/src/api/catalogue';
import { TEXT_RULE_IDENTIFIERS } from './server/src/batch/text-rule-identifiers';
export const names = [...new Set([...API_CATALOGUE.map((api) => api.name), ...TEXT_RULE_IDENTIFIERS])];`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    logLevel: 'error',
    alias: { '@dmalens/core': join(root, 'core/src/index.ts') },
  });
  const module = await import(
    `data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`
  );
  return module.names;
}
