// Settings problems point at their place in settings.json: the server's own problem texts for a
// workspace's settings are located in the text of that settings file, as the Problems panel shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateProblem } from '../../client/src/settings-problems/locate';
import { parseSettings, platformSelection } from '../../server/src/config/settings';
import { createPlatformModel } from '../../server/src/sites';
import { repoRoot } from '../repo-root';

const manifest = JSON.parse(readFileSync(join(repoRoot(), 'client/package.json'), 'utf8'));
const SETTING_KEYS = Object.keys(manifest.contributes.configuration.properties);

/** A workspace's .vscode/settings.json as a user writes it: comments, and other extensions' settings. */
const SETTINGS_JSON = `{
  // The boards this team works on.
  "editor.tabSize": 8,
  "dmalens.platforms": ["pseries", "no-such-platform"],
  "dmalens.overrides": {
    "pseries": { "dma_window": 32, "dma_mask": 32 }
  },
  "dmalens.customPlatforms": [
    { "id": "my-soc", "base": "arm64", "params": { "ram": "lots" } }
  ],
  "dmalens.rules": { "unchecked-mapping": "error", "no-such-rule": "off" }
}
`;

/** What the server says of these settings: the settings parser's and the platform model's problems. */
function serverProblems(): string[] {
  const raw = {
    platforms: ['pseries', 'no-such-platform'],
    overrides: { pseries: { dma_window: 32, dma_mask: 32 } },
    customPlatforms: [{ id: 'my-soc', base: 'arm64', params: { ram: 'lots' } }],
    rules: { 'unchecked-mapping': 'error', 'no-such-rule': 'off' },
  };
  const { settings, problems } = parseSettings(raw);
  const built = createPlatformModel(
    platformSelection(settings.platforms).ids,
    settings.overrides,
    settings.customPlatforms,
  );
  return [...problems, ...built.problems];
}

function locatedText(problem: string): string | null {
  const at = locateProblem(SETTINGS_JSON, problem, SETTING_KEYS);
  return at ? SETTINGS_JSON.slice(at.offset, at.offset + at.length) : null;
}

test('each problem of these settings is found at the key or entry it is about', () => {
  const problems = serverProblems();
  const about = (pattern: RegExp) => {
    const problem = problems.find((candidate) => pattern.test(candidate));
    assert.ok(problem, `the server reports ${pattern}:\n${problems.join('\n')}`);
    return locatedText(problem);
  };
  assert.equal(about(/^dmalens\.overrides\.pseries\.dma_window: /), '"dma_window": 32');
  assert.equal(about(/^dmalens\.customPlatforms\[0\]\.params\.ram: /), '"ram": "lots"');
  assert.equal(about(/^dmalens\.platforms: unknown platform id 'no-such-platform'/), '"no-such-platform"');
  assert.equal(about(/^dmalens\.rules: unknown rule id 'no-such-rule'/), '"no-such-rule": "off"');
});

test('a problem about a setting the file does not set is not placed in it', () => {
  assert.equal(locatedText("dmalens.boards[0]: cannot read 'x.dts'; it is left out."), null);
  assert.equal(locatedText('something else entirely'), null);
});

test('in a .code-workspace file the settings live under "settings"', () => {
  const workspaceFile = `{ "folders": [{ "path": "." }], "settings": { "dmalens.overrides": { "pseries": { "dma_window": 1 } } } }`;
  const at = locateProblem(
    workspaceFile,
    "dmalens.overrides.pseries.dma_window: unknown parameter 'dma_window'; that key is left out.",
    SETTING_KEYS,
    ['settings'],
  );
  assert.equal(at && workspaceFile.slice(at.offset, at.offset + at.length), '"dma_window": 1');
});
