// Shared by the CLI commands: runs through the sites layer's door with usage errors for bad platform
// ids, overrides and requests, labels for the renderers, and a one-line description of a request as the
// user wrote it.
import type { PlatformLabel, PlatformProfile, Request } from '@dmalens/core';
import { ParamError, RequestFailure, runSession, type SessionRun } from '../sites';
import { UsageError } from './usage-error';

export type { SessionRun };

/** Runs the requests on one platform; what the user got wrong becomes a UsageError naming the command. */
export function runOn(
  platform: string | PlatformProfile,
  overrides: Record<string, string>,
  requests: readonly Request[],
  command: string,
): SessionRun {
  const id = typeof platform === 'string' ? platform : platform.id;
  try {
    return runSession(platform, overrides, requests);
  } catch (error) {
    if (error instanceof ParamError) throw new UsageError(`${command}: ${error.message}`);
    if (error instanceof RequestFailure)
      throw new UsageError(`${command}: request [${error.index}] (${error.request.op}) on ${id}: ${error.message}`);
    throw error;
  }
}

export function platformLabel(run: SessionRun): PlatformLabel {
  return { id: run.profile.id, title: run.profile.title, short: run.profile.short };
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
