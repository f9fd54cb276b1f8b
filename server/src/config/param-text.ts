// Parameter values in the form users type them: on the command line (`--set key=value`), in the
// `dmalens.overrides` setting and in the pipeline panel's parameter fields.
import { hex } from '@dmalens/core';

function text(value: unknown): string {
  return typeof value === 'bigint' ? hex(value) : String(value);
}

export function paramText(value: unknown): string {
  if (typeof value === 'bigint') return hex(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '(none)';
    return value
      .map((item) =>
        item && typeof item === 'object'
          ? ['cpu', 'dma', 'size'].map((key) => text((item as Record<string, unknown>)[key])).join(':')
          : String(item),
      )
      .join(',');
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length ? entries.map(([key, item]) => `${key}=${String(item)}`).join(';') : '(none)';
  }
  return String(value);
}
