// Shared by the CLI commands: sessions with usage errors for bad platform ids and overrides, labels for
// the renderers, and a one-line description of a request as the user wrote it.
import { createSession, type OpResult, type PlatformLabel } from '@dmalens/core';
import { UsageError } from './usage-error';

export type CliSession = ReturnType<typeof createSession>;

export interface PlatformRun {
  id: string;
  session: CliSession;
  results: OpResult[];
}

export function sessionFor(id: string, overrides: Record<string, string>, command: string): CliSession {
  try {
    return createSession(id, overrides);
  } catch (error) {
    if ((error as Error).name === 'ParamError') throw new UsageError(`${command}: ${(error as Error).message}`);
    throw error;
  }
}

export function platformLabel(session: CliSession): PlatformLabel {
  return { id: session.profile.id, title: session.profile.title, short: session.profile.short };
}

function describeValue(value: unknown): string {
  if (Array.isArray(value))
    return value
      .map((item) => (item && typeof item === 'object' ? Object.values(item).join(':') : String(item)))
      .join(',');
  return String(value);
}

/** `map_single phys=0x12345000 size=0x3000 dir=bidirectional`, in the user's own notation. */
export function describeRequest(request: Record<string, unknown>): string {
  const { op, ...fields } = request;
  return [String(op), ...Object.entries(fields).map(([key, value]) => `${key}=${describeValue(value)}`)].join(' ');
}
