// Builds engine sessions on the powerpc profiles for the powerpc tests.
import '../../core/src/params/common';
import '../../core/src/powerpc/index';
import { Session } from '../../core/src/engine/session';
import { resolveParams } from '../../core/src/params/parse';
import { powerpcProfiles } from '../../core/src/profiles/powerpc';
import type { Request } from '../../core/src/types';

export function ppcSession(id: string, overrides: Record<string, unknown> = {}): Session {
  const profile = powerpcProfiles.find((candidate) => candidate.id === id);
  if (!profile) throw new Error(`no powerpc profile '${id}'`);
  return Session.create(profile, resolveParams(profile.params, overrides));
}

export const MASK32 = 0xffffffffn;
export const MASK64 = (1n << 64n) - 1n;

export function mapSingle(phys: bigint, size: bigint, dir: 'to_device' | 'from_device' | 'bidirectional' = 'to_device'): Request {
  return { op: 'map_single', phys, size, dir };
}

export function setMask(mask: bigint): Request {
  return { op: 'set_mask', mask, which: 'both' };
}
