// Builds engine sessions on the powerpc profiles for the powerpc tests.
import { createSession, type Session } from '@dmalens/core';
import type { Request } from '../../core/src/types';

export function ppcSession(id: string, overrides: Record<string, unknown> = {}): Session {
  return createSession(id, overrides);
}

export const MASK32 = 0xffffffffn;
export const MASK64 = (1n << 64n) - 1n;

export function mapSingle(
  phys: bigint,
  size: bigint,
  dir: 'to_device' | 'from_device' | 'bidirectional' = 'to_device',
): Request {
  return { op: 'map_single', phys, size, dir };
}

export function setMask(mask: bigint): Request {
  return { op: 'set_mask', mask, which: 'both' };
}
