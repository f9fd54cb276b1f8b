// Platforms the user defines in `dmalens.customPlatforms`: a built-in profile as the base, an id and a
// title of the user's, and parameters set the way `dmalens simulate --set key=value` sets them. Each is
// checked field by field with the core's own messages (those the CLI prints): a bad parameter costs that
// parameter, a bad id or base costs that platform, never the others. The result is a profile like the
// built-in ones, its parameters the base's with the user's in place of those they set or supersede.
import { createSession, paramSpec, type PlatformProfile } from '@dmalens/core';
import type { ParamOverrideValue } from '@dmalens/protocol';

/** One entry of the setting, as the settings schema admits it. */
export interface CustomPlatformSetting {
  id: string;
  base: string;
  title?: string | undefined;
  short?: string | undefined;
  params: Record<string, ParamOverrideValue>;
}

export interface CustomPlatforms {
  profiles: PlatformProfile[];
  problems: string[];
}

export function customPlatforms(
  entries: readonly CustomPlatformSetting[],
  builtIn: ReadonlyMap<string, PlatformProfile>,
): CustomPlatforms {
  const result: CustomPlatforms = { profiles: [], problems: [] };
  entries.forEach((entry, index) => {
    const where = `dmalens.customPlatforms[${index}]`;
    const base = builtIn.get(entry.base);
    if (builtIn.has(entry.id) || result.profiles.some((profile) => profile.id === entry.id)) {
      result.problems.push(`${where}: the id '${entry.id}' is already taken by another platform; it is left out.`);
      return;
    }
    if (!base) {
      result.problems.push(
        `${where}: unknown base platform '${entry.base}' (known: ${[...builtIn.keys()].join(', ')}); '${entry.id}' is left out.`,
      );
      return;
    }
    const fallback = `the parameters of '${base.id}'`;
    const params = validParams(base, entry.params, `${where}.params`, fallback, result.problems) ?? {};
    result.profiles.push(customProfile(entry, base, params));
  });
  return result;
}

/**
 * The parameters the core accepts for a profile, one by one and then together, in `--set` forms (custom
 * platforms' and `dmalens.overrides`'): a bad key is named under `where` and left out; when the good ones
 * do not go together, that is named with what the platform uses instead (`fallback`) and the answer is null.
 */
export function validParams(
  profile: PlatformProfile,
  params: Record<string, ParamOverrideValue>,
  where: string,
  fallback: string,
  problems: string[],
): Record<string, ParamOverrideValue> | null {
  const valid: Record<string, ParamOverrideValue> = {};
  for (const [key, value] of Object.entries(params)) {
    const complaint = sessionComplaint(profile, { [key]: value });
    if (complaint) problems.push(`${where}.${key}: ${complaint}; that key is left out.`);
    else valid[key] = value;
  }
  const together = sessionComplaint(profile, valid);
  if (!together) return valid;
  problems.push(`${where}: ${together}; the platform uses ${fallback}.`);
  return null;
}

function customProfile(
  entry: CustomPlatformSetting,
  base: PlatformProfile,
  params: Record<string, ParamOverrideValue>,
): PlatformProfile {
  const keys = Object.keys(params);
  // A key the user sets replaces the base's value and any value it supersedes (two ways to place a pool).
  const replaced = new Set(keys.flatMap((key) => [key, paramSpec(key)?.supersedes ?? []].flat()));
  const kept = Object.entries(base.params).filter(([key]) => !replaced.has(key));
  const changes = keys.length ? ` with ${keys.join(', ')} set in dmalens.customPlatforms` : '';
  return {
    ...base,
    id: entry.id,
    extends: base.id,
    title: entry.title ?? `${entry.id} (${base.title}${keys.length ? ', customised' : ''})`,
    short: entry.short ?? entry.id,
    description: `A custom platform: ${base.title}${changes}. ${base.description}`,
    params: Object.fromEntries([...kept, ...Object.entries(params)]) as PlatformProfile['params'],
  };
}

/** The core's complaint about a profile with these overrides, in its own words, or null. */
function sessionComplaint(profile: PlatformProfile, overrides: Record<string, ParamOverrideValue>): string | null {
  try {
    createSession(profile, overrides);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
