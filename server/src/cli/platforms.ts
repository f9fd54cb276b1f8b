// `dmalens platforms`: the built-in profiles and every parameter they accept.
import { allParamSpecs, listProfiles, wrap } from '@dmalens/core';
import { parseArgs } from './args';
import { PLATFORMS_HELP } from './help';
import { print, printJson } from './output';
import { paramText } from '../config/param-text';
import { UsageError } from './usage-error';

function profilesJson(): unknown {
  return {
    profiles: listProfiles().map((profile) => ({
      id: profile.id,
      title: profile.title,
      arch: profile.arch,
      short: profile.short,
      description: profile.description,
      sources: profile.sources,
      params: Object.fromEntries(Object.entries(profile.params).map(([key, value]) => [key, paramText(value)])),
    })),
    parameters: allParamSpecs().map((spec) => ({
      key: spec.key,
      kind: spec.kind,
      ...(spec.values ? { values: spec.values } : {}),
      default: paramText(spec.default),
      doc: spec.doc,
      ref: spec.ref,
      appliesTo: spec.appliesTo,
    })),
  };
}

function profilesText(): string {
  const profiles = listProfiles();
  const idWidth = Math.max(...profiles.map((profile) => profile.id.length)) + 2;
  const lines = [
    `${profiles.length} platform profiles (dmalens simulate --platform ID; change parameters with --set key=value)`,
    '',
  ];
  for (const profile of profiles) {
    lines.push(`${profile.id.padEnd(idWidth)}${profile.arch.padEnd(8)} ${profile.title}`);
    const params = Object.entries(profile.params)
      .map(([key, value]) => `${key}=${paramText(value)}`)
      .join(' ');
    if (params) lines.push(...wrap(params, 100 - idWidth - 9).map((line) => `${' '.repeat(idWidth + 9)}${line}`));
  }
  lines.push('', 'Parameters (defaults apply where a profile sets nothing):', '');
  const specs = allParamSpecs();
  const keyWidth = Math.max(...specs.map((spec) => spec.key.length)) + 2;
  for (const spec of specs) {
    const accepted = spec.values ? spec.values.join('|') : spec.kind;
    lines.push(`${spec.key.padEnd(keyWidth)}${accepted}  (default ${paramText(spec.default)})`);
    lines.push(...wrap(spec.doc, 100 - keyWidth).map((line) => `${' '.repeat(keyWidth)}${line}`));
  }
  lines.push('', 'Full reference: docs/reference/platforms.md');
  return lines.join('\n');
}

export function platformsCommand(argv: readonly string[]): void {
  const parsed = parseArgs(argv, { values: [], flags: ['json', 'help'] }, 'platforms');
  if (parsed.flags.has('help')) return print(PLATFORMS_HELP);
  if (parsed.positionals.length) throw new UsageError(`platforms: unexpected argument '${parsed.positionals[0]}'`);
  if (parsed.flags.has('json')) printJson(profilesJson());
  else print(profilesText());
}
