// Conversions between core values (bigint addresses) and the JSON the protocol carries.
import type { WireRequest } from '../protocol/protocol';
import type { Request } from '@dmalens/core';

/** Any core value with bigints turned into `0x` hex strings, as the protocol's Wire<T> says. */
export function toWire<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_, item) => (typeof item === 'bigint' ? `0x${item.toString(16)}` : item)));
}

export function requestsToWire(requests: readonly Request[]): WireRequest[] {
  return toWire(requests) as WireRequest[];
}
