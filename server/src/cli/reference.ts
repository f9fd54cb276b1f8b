// `dmalens reference`: the reference page docs/reference/platforms.md, generated from the catalogue so it
// can never drift from the code (a test compares the committed page with this output).
import {
  allParamSpecs,
  escapeMarkdown,
  listProfiles,
  markdownCode,
  type ParamSpec,
  type PlatformProfile,
} from '@dmalens/core';
import { parseArgs } from './args';
import { REFERENCE_HELP } from './help';
import { print } from './output';
import { paramText } from '../config/param-text';
import { UsageError } from './usage-error';

function profileSection(profile: PlatformProfile): string {
  const lines = [
    `### ${markdownCode(profile.id)} — ${escapeMarkdown(profile.title)}`,
    '',
    `Architecture: ${markdownCode(profile.arch)}. Short label: ${escapeMarkdown(profile.short)}.`,
    '',
    profile.description,
    '',
  ];
  if (profile.sources.length)
    lines.push('Sources:', '', ...profile.sources.map((source) => `- ${markdownCode(source)}`), '');
  const params = Object.entries(profile.params);
  if (params.length) {
    lines.push(
      '| parameter | value |',
      '|---|---|',
      ...params.map(
        ([key, value]) => `| [${markdownCode(key, true)}](#param-${key}) | ${markdownCode(paramText(value), true)} |`,
      ),
      '',
    );
  } else {
    lines.push('Every parameter takes its default.', '');
  }
  return lines.join('\n');
}

function parameterSection(spec: ParamSpec, profiles: readonly PlatformProfile[]): string {
  const accepted = spec.values ? spec.values.map((value) => markdownCode(value)).join(', ') : escapeMarkdown(spec.kind);
  const users = profiles.filter((profile) => Object.prototype.hasOwnProperty.call(profile.params, spec.key));
  const bounds =
    spec.min !== undefined || spec.max !== undefined ? ` Range ${spec.min ?? '…'}..${spec.max ?? '…'}.` : '';
  return [
    `<a id="param-${spec.key}"></a>`,
    `### ${markdownCode(spec.key)}`,
    '',
    spec.doc,
    '',
    `- Kind: ${escapeMarkdown(spec.kind)}; accepts ${accepted}.${bounds}`,
    `- Default: ${markdownCode(paramText(spec.default))}`,
    `- Kernel reference: ${markdownCode(spec.ref)}`,
    `- Applies to: ${escapeMarkdown(spec.appliesTo)}`,
    `- Set by profiles: ${users.length ? users.map((profile) => `${markdownCode(profile.id)} (${markdownCode(paramText(profile.params[spec.key]))})`).join(', ') : 'none (default everywhere)'}`,
    '',
  ].join('\n');
}

const KIND_FORMS = [
  '| kind | written as |',
  '|---|---|',
  '| size | bytes: `4096`, `0x1000`, `4K`, `8G` |',
  '| address | `0x` hex or decimal, 64-bit |',
  '| mask | a bit count (`32`) or a hex mask (`0xffffffff`) |',
  '| int | decimal |',
  '| bool | `true` / `false` |',
  '| enum | one of the listed values |',
  '| list | comma-separated names |',
  '| windows | `cpu:dma:size,cpu:dma:size` (dma-ranges windows, searched in order) |',
  '| map | `key=value;key=value` |',
].join('\n');

export function renderReferencePage(): string {
  const profiles = listProfiles();
  const specs = allParamSpecs();
  return [
    '# Platform profiles and parameters',
    '',
    'Generated from the catalogue by `node server/dist/cli.js reference > docs/reference/platforms.md`; do not edit by hand.',
    'Every parameter can be overridden with `dmalens simulate --set key=value`, in `--ops` sessions and in the',
    '`dmalens.overrides` setting.',
    '',
    '## Profiles',
    '',
    '| id | arch | title |',
    '|---|---|---|',
    ...profiles.map(
      (profile) =>
        `| [${markdownCode(profile.id, true)}](#${profile.id.replace(/[^a-z0-9-]/g, '')}) | ${markdownCode(profile.arch, true)} | ${escapeMarkdown(profile.title)} |`,
    ),
    '',
    ...profiles.map((profile) => `<a id="${profile.id.replace(/[^a-z0-9-]/g, '')}"></a>\n\n${profileSection(profile)}`),
    '## Parameters',
    '',
    KIND_FORMS,
    '',
    ...specs.map((spec) => parameterSection(spec, profiles)),
  ].join('\n');
}

export function referenceCommand(argv: readonly string[]): void {
  const parsed = parseArgs(argv, { values: [], flags: ['help'] }, 'reference');
  if (parsed.flags.has('help')) return print(REFERENCE_HELP);
  if (parsed.positionals.length) throw new UsageError(`reference: unexpected argument '${parsed.positionals[0]}'`);
  process.stdout.write(renderReferencePage());
}
