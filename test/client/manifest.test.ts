// client/package.json against the code it describes: every setting the server reads is contributed
// with the server schema's type, default, enum and description; the contributed commands are the
// extension's command table (which the compiler holds the registrations to), with the same titles; the
// activation and capability declarations are present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CUSTOM_PLATFORM_ID, DEFAULT_PLATFORMS, settingsFields } from '../../server/src/config/settings';
import { RULES } from '../../server/src/checks/rules';
import { ShowPipelineCommand } from '@dmalens/protocol';
import { COMMANDS } from '../../client/src/commandTitles';
import { listProfiles } from '@dmalens/core';
import { repoRoot } from '../repo-root';

const root = repoRoot();
const manifest = JSON.parse(readFileSync(join(root, 'client/package.json'), 'utf8'));
const properties: Record<string, Record<string, unknown>> = manifest.contributes.configuration.properties;

/** The JSON schema of one server setting, without the keys package.json does not use. */
function serverSchema(key: string): Record<string, unknown> {
  const field = (settingsFields as Record<string, z.ZodType>)[key]!;
  const { $schema: _schema, ...schema } = z.toJSONSchema(field, { io: 'input' }) as Record<string, unknown>;
  return { ...schema, description: field.description };
}

test('every server setting is contributed with the same type, default, enum and description', () => {
  const contributed = Object.keys(properties).filter((key) => key !== 'dmalens.trace.server');
  assert.deepEqual(
    contributed.sort(),
    Object.keys(settingsFields)
      .map((key) => `dmalens.${key}`)
      .sort(),
  );
  for (const key of Object.keys(settingsFields)) {
    const expected = serverSchema(key);
    const actual = properties[`dmalens.${key}`]!;
    assert.equal(actual.type, expected.type, `${key}.type`);
    assert.deepEqual(actual.default, expected.default, `${key}.default`);
    assert.equal(actual.description, expected.description, `${key}.description`);
    assert.ok(typeof actual.scope === 'string', `${key} declares a scope`);
    if (expected.enum) assert.deepEqual(actual.enum, expected.enum, `${key}.enum`);
    if (expected.minimum !== undefined) assert.equal(actual.minimum, expected.minimum, `${key}.minimum`);
    const expectedValueEnum = (expected.additionalProperties as { enum?: string[] } | undefined)?.enum;
    if (expectedValueEnum)
      assert.deepEqual(
        (actual.additionalProperties as { enum?: string[] }).enum,
        expectedValueEnum,
        `${key} value enum`,
      );
  }
});

/** The list form of dmalens.platforms (the other form is the string "auto"). */
function platformItems(): { enum: string[]; enumDescriptions: string[] } {
  const forms = properties['dmalens.platforms']!.anyOf as { type: string; enum?: string[]; items?: unknown }[];
  assert.deepEqual(
    forms.map((form) => form.type),
    ['string', 'array'],
  );
  assert.deepEqual(forms[0]!.enum, ['auto']);
  // Built-in ids are offered with their titles; a custom platform's id is accepted by its pattern.
  const [builtIn, custom] = (
    forms[1]!.items as { anyOf: { enum: string[]; enumDescriptions: string[]; pattern?: string }[] }
  ).anyOf;
  assert.equal(custom!.pattern, CUSTOM_PLATFORM_ID.source);
  return builtIn!;
}

test('dmalens.rules offers every rule id with its default severity, and only those', () => {
  const rules = properties['dmalens.rules']!;
  const ids = RULES.map((rule) => rule.id);
  assert.deepEqual((rules.propertyNames as { enum: string[] }).enum, ids);
  const perRule = rules.properties as Record<string, { default: string; description: string }>;
  for (const rule of RULES) {
    assert.equal(perRule[rule.id]?.default, rule.defaultSeverity, rule.id);
    assert.equal(perRule[rule.id]?.description, rule.title, rule.id);
  }
});

test('the Getting Started walkthrough shows pages that exist and runs commands that exist', () => {
  const [walkthrough] = manifest.contributes.walkthroughs as {
    steps: { description: string; media: { markdown: string }; completionEvents: string[] }[];
  }[];
  assert.ok(walkthrough && walkthrough.steps.length >= 4);
  const own = new Set<string>(COMMANDS.map((command) => command.id));
  const builtIn = new Set(['workbench.action.files.openFile', 'editor.action.showHover']);
  for (const step of walkthrough.steps) {
    assert.ok(existsSync(join(root, 'client', step.media.markdown)), step.media.markdown);
    for (const link of step.description.matchAll(/\(command:([\w.]+)\)/g))
      assert.ok(own.has(link[1]!) || builtIn.has(link[1]!), link[1]);
    for (const event of step.completionEvents) {
      const command = /^onCommand:(.+)$/.exec(event)?.[1];
      if (command) assert.ok(own.has(command) || builtIn.has(command), event);
    }
  }
});

test('the platform enum offers every default platform', () => {
  const ids = platformItems().enum;
  for (const id of DEFAULT_PLATFORMS) assert.ok(ids.includes(id), `${id} is offered`);
});

test('dmalens.trace.server is the language client trace setting', () => {
  assert.deepEqual(properties['dmalens.trace.server']!.enum, ['off', 'messages', 'verbose']);
  assert.equal(properties['dmalens.trace.server']!.scope, 'window');
});

test("contributed commands are the extension's command table, ids and titles, all in the DMA Lens category", () => {
  const contributed: { command: string; category: string; title: string }[] = manifest.contributes.commands;
  assert.deepEqual(
    contributed.map((entry) => [entry.command, entry.title]),
    COMMANDS.map((command) => [command.id, command.title]),
  );
  for (const entry of contributed) assert.equal(entry.category, 'DMA Lens', entry.command);
  assert.ok(
    contributed.some((entry) => entry.command === ShowPipelineCommand),
    'the hover link command is contributed',
  );
});

test('activation, capabilities and packaging fields are declared', () => {
  assert.ok(manifest.activationEvents.includes('onLanguage:c'));
  assert.ok(manifest.activationEvents.some((event: string) => event.startsWith('workspaceContains:')));
  assert.ok(!manifest.activationEvents.some((event: string) => event === '*'), 'no eager activation');
  for (const kind of ['untrustedWorkspaces', 'virtualWorkspaces']) {
    const capability = manifest.capabilities[kind];
    assert.ok(capability && 'supported' in capability, `${kind} declared`);
    assert.ok(
      typeof capability.description === 'string' && capability.description.length > 20,
      `${kind} gives its reason`,
    );
  }
  // Settings a hostile repository could set to make the server work without end are the user's alone there.
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.deepEqual([...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), [
    'dmalens.boards',
    'dmalens.customPlatforms',
    'dmalens.index.exclude',
    'dmalens.index.maxFileBytes',
    'dmalens.index.maxFiles',
    'dmalens.index.maxTotalBytes',
    'dmalens.overrides',
  ]);
  for (const key of manifest.capabilities.untrustedWorkspaces.restrictedConfigurations)
    assert.ok(key in properties, `${key} is a contributed setting`);
  assert.equal(manifest.main, 'dist/extension.js');
  assert.ok(readdirSync(join(root, 'client/media')).includes(manifest.icon.replace('media/', '')), 'the icon exists');
});

test('the platform enum lists every profile of the core, with its title', () => {
  const items = platformItems();
  const profiles = listProfiles();
  assert.deepEqual(
    items.enum,
    profiles.map((profile) => profile.id),
  );
  assert.deepEqual(
    items.enumDescriptions,
    profiles.map((profile) => profile.title),
  );
});

test('the built extension bundle loads with nothing but vscode left to the host', async () => {
  // A dependency that the bundler could not follow (a UMD module's inner requires) fails only at load time.
  const { createRequire, Module } = await import('node:module');
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  const anything: unknown = new Proxy(function () {}, { get: () => anything, apply: () => anything });
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? anything : original.call(this, request, ...rest);
  };
  try {
    const loaded = createRequire(import.meta.url)(join(root, 'client/dist/extension.js')) as Record<string, unknown>;
    assert.equal(typeof loaded['activate'], 'function');
  } finally {
    loader._load = original;
  }
});
