// The catalogue of built-in platform profiles.
import { ParamError } from '../params/parse';
import type { PlatformProfile } from './profile';
import { x86Profiles } from './x86';
import { armProfiles } from './arm';
import { otherProfiles } from './others';
import { powerpcProfiles } from './powerpc';

const PROFILES: readonly PlatformProfile[] = [...x86Profiles, ...armProfiles, ...powerpcProfiles, ...otherProfiles];

export function listProfiles(): PlatformProfile[] {
  return [...PROFILES];
}

export function getProfile(id: string): PlatformProfile {
  const profile = PROFILES.find((candidate) => candidate.id === id);
  if (!profile)
    throw new ParamError(`unknown platform '${id}'; known: ${PROFILES.map((candidate) => candidate.id).join(', ')}`);
  return profile;
}
