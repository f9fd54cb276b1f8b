// The settings schema: defaults, field-by-field validation, and the package.json form for the client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PLATFORMS, defaultSettings, parseSettings } from '../../server/src/config/settings';
import { settingsJsonSchema } from '../../server/src/config/settings-json-schema';

test('a bad field keeps its default while the good ones apply', () => {
  const { settings, problems } = parseSettings({
    platforms: ['pseries'],
    annotations: 'sideways',
    index: { maxFiles: -1, enable: false },
    unknownKey: 1,
  });
  assert.deepEqual(settings.platforms, ['pseries']);
  assert.equal(settings.annotations, defaultSettings().annotations);
  assert.equal(settings['index.maxFiles'], defaultSettings()['index.maxFiles']);
  assert.equal(settings['index.enable'], false);
  assert.equal(problems.length, 3);
  assert.ok(problems.some((problem) => problem.startsWith('dmalens.annotations')));
  assert.ok(problems.some((problem) => problem.startsWith('dmalens.index.maxFiles')));
  assert.ok(problems.some((problem) => problem.includes('unknownKey')));
});

test('the JSON schema lists every setting with its default and the known platform ids', () => {
  const schema = settingsJsonSchema();
  const defaults = defaultSettings() as Record<string, unknown>;
  for (const key of Object.keys(defaults)) {
    const property = schema[`dmalens.${key}`];
    assert.ok(property, key);
    assert.deepEqual(property['default'], defaults[key], key);
    assert.ok(
      typeof property['markdownDescription'] === 'string' && (property['markdownDescription'] as string).length > 20,
      key,
    );
  }
  const [auto, list] = schema['dmalens.platforms']!['anyOf'] as {
    enum?: string[];
    items?: { anyOf: [{ enum: string[] }, { pattern: string }] };
  }[];
  assert.deepEqual(auto!.enum, ['auto']);
  for (const id of DEFAULT_PLATFORMS) assert.ok(list!.items!.anyOf[0].enum.includes(id), id);
  // A custom platform's id is accepted by its pattern, in the list and as an overrides key.
  assert.ok(new RegExp(list!.items!.anyOf[1].pattern).test('my-soc'));
  const rules = schema['dmalens.rules']!['properties'] as Record<string, unknown>;
  assert.ok('unchecked-mapping' in rules);
});

test("keys named like Object's own methods are unknown settings, not a reason to drop every setting", () => {
  const { settings, problems } = parseSettings({
    platforms: ['x86_64'],
    toString: 'x',
    constructor: 1,
    hasOwnProperty: 2,
  });
  assert.deepEqual(settings.platforms, ['x86_64']);
  assert.equal(problems.length, 3);
  assert.ok(
    problems.every((problem) => /is not a DMA Lens setting; it is ignored/.test(problem)),
    problems.join('\n'),
  );
});

test('an unknown rule id is named and ignored; the known ones keep their severity', () => {
  const { settings, problems } = parseSettings({ rules: { 'unchecked-mapping': 'error', 'no-such-rule': 'off' } });
  assert.deepEqual(settings.rules, { 'unchecked-mapping': 'error' });
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^dmalens\.rules: unknown rule id 'no-such-rule' \(known: .*unchecked-mapping/);
});
