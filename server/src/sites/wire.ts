// Core values as plain JSON: bigints (addresses, sizes, masks) become `0x` hex strings, the form the
// protocol's Wire<T> describes. The same text keys the simulation memo, so two requests are the same
// question exactly when their wire forms are equal.
import { hex } from '@dmalens/core';
import type { Wire } from '@dmalens/protocol';

/** JSON text of plain data that may hold bigints. */
export function wireJson(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) => (typeof item === 'bigint' ? hex(item) : item));
}

/**
 * The wire form of a core value. JSON.parse gives `any`; the shape is Wire<T> by construction (every
 * bigint was written as a string, everything else as itself), which is the one place that is asserted.
 */
export function toWire<T>(value: T): Wire<T> {
  return JSON.parse(wireJson(value)) as Wire<T>;
}
