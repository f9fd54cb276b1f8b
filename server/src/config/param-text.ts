// Parameter values in the form users type them on the command line (`--set key=value`).
function hex(value: unknown): string {
  return typeof value === 'bigint' ? `0x${value.toString(16)}` : String(value);
}

export function paramText(value: unknown): string {
  if (typeof value === 'bigint') return hex(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '(none)';
    return value
      .map((item) =>
        item && typeof item === 'object'
          ? ['cpu', 'dma', 'size'].map((key) => hex((item as Record<string, unknown>)[key])).join(':')
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
