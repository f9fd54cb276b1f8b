// Turns user-typed parameter values (CLI strings, JSON values, editor settings) into validated values.
// Every failure is a ParamError whose message names the key and what it accepts, so the CLI and the
// editor can show it as is.
import type { DmaWindow, ParamValue } from '../types';
import { hex } from '../engine/bits';
import { allParamSpecs, paramSpec, type ParamSpec, type Params } from './spec';

export class ParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParamError';
  }
}

const U64_MAX = (1n << 64n) - 1n;
const SIZE_SUFFIX: Record<string, bigint> = { '': 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n };

/** `DMA_BIT_MASK(n)` from include/linux/dma-mapping.h. */
export function dmaBitMask(bits: number): bigint {
  return bits >= 64 ? U64_MAX : (1n << BigInt(bits)) - 1n;
}

/** Parses a decimal or 0x-hex integer (underscores allowed as digit separators); null when malformed. */
export function parseBigInt(raw: unknown): bigint | null {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? BigInt(raw) : null;
  if (typeof raw !== 'string') return null;
  const text = raw.trim().replace(/_/g, '');
  if (/^0x[0-9a-f]+$/i.test(text) || /^[0-9]+$/.test(text)) return BigInt(text);
  return null;
}

function describeBounds(spec: ParamSpec): string {
  return `${spec.min !== undefined ? ` from ${spec.min}` : ''}${spec.max !== undefined ? ` to ${spec.max}` : ''}`;
}

function describeAccepted(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'size':
      return `${spec.powerOfTwo ? 'a power-of-two byte count' : 'a byte count'}${describeBounds(spec)} such as 4096, 0x1000, 64K, 8G`;
    case 'address':
      return 'a 64-bit address in decimal or 0x hex';
    case 'mask':
      return 'a bit count 1..64 (e.g. 32) or a mask of contiguous low bits (e.g. 0xffffffff)';
    case 'int':
      return `${spec.powerOfTwo ? 'a power of two' : 'an integer'}${describeBounds(spec)}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${(spec.values ?? []).join(', ')}`;
    case 'list':
      return 'a comma-separated list or a JSON array of strings';
    case 'windows':
      return 'dma-ranges windows as cpu:dma:size,... or a JSON array of {cpu, dma, size}';
    case 'map':
      return 'a map as key=value;key=value or a JSON object of strings';
  }
}

function bad(spec: ParamSpec, raw: unknown): ParamError {
  const shown =
    typeof raw === 'string' ? `'${raw}'` : JSON.stringify(raw, (_k, v) => (typeof v === 'bigint' ? hex(v) : v));
  return new ParamError(`bad value ${shown} for parameter '${spec.key}': expected ${describeAccepted(spec)}`);
}

/** A byte count as decimal or 0x hex with `_` separators and an optional K/M/G/T suffix (4096, 0x1000, 4K, 8GiB). */
export function parseSize(raw: unknown): bigint | null {
  if (typeof raw === 'string') {
    const match = /^\s*(0x[0-9a-f_]+|[0-9_]+)\s*([KMGT]?)(i?B)?\s*$/i.exec(raw);
    if (!match) return null;
    const base = parseBigInt(match[1]);
    const suffix = SIZE_SUFFIX[(match[2] ?? '').toUpperCase()];
    return base === null || suffix === undefined ? null : base * suffix;
  }
  return parseBigInt(raw);
}

/** A DMA mask: a bit count 1..64 (`DMA_BIT_MASK(n)`) or, written as 0x hex or above 64, the mask itself. */
export function parseMask(raw: unknown): bigint | null {
  const hex = typeof raw === 'string' && /^\s*0x/i.test(raw);
  const value = parseBigInt(raw);
  // A mask of no bits is no mask: dma_supported refuses DMA_BIT_MASK(0) for every device.
  if (value === null || value === 0n) return null;
  // Small numbers are bit counts (`dma_set_mask(dev, DMA_BIT_MASK(32))`), larger ones literal masks.
  if (!hex && value >= 1n && value <= 64n) return dmaBitMask(Number(value));
  // Every mask the kernel builds is DMA_BIT_MASK(n): contiguous low bits. Anything else is a typo.
  return (value & (value + 1n)) === 0n ? value : null;
}

function parseBool(raw: unknown): boolean | null {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return raw === 1 ? true : raw === 0 ? false : null;
  if (typeof raw !== 'string') return null;
  const text = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  return null;
}

function parseList(raw: unknown): string[] | null {
  if (Array.isArray(raw))
    return raw.every((item) => typeof item === 'string') ? raw.map((item: string) => item.trim()) : null;
  if (typeof raw !== 'string') return null;
  return raw.trim() === '' ? [] : raw.split(',').map((item) => item.trim());
}

function parseWindow(raw: unknown): DmaWindow | null {
  if (typeof raw === 'string') {
    const parts = raw.split(':');
    if (parts.length !== 3) return null;
    const [cpu, dma, size] = [parseBigInt(parts[0]), parseBigInt(parts[1]), parseSize(parts[2])];
    return cpu === null || dma === null || size === null ? null : { cpu, dma, size };
  }
  if (raw && typeof raw === 'object') {
    const record = raw as Record<string, unknown>;
    const cpu = parseBigInt(record.cpu);
    const dma = parseBigInt(record.dma);
    const size = parseSize(record.size);
    return cpu === null || dma === null || size === null ? null : { cpu, dma, size };
  }
  return null;
}

function parseWindows(raw: unknown): DmaWindow[] | null {
  const items = typeof raw === 'string' ? (raw.trim() === '' ? [] : raw.split(',')) : Array.isArray(raw) ? raw : null;
  if (items === null) return null;
  const windows = items.map(parseWindow);
  if (windows.some((window) => window === null || window.size <= 0n || window.cpu > U64_MAX || window.dma > U64_MAX))
    return null;
  return windows as DmaWindow[];
}

function parseMap(raw: unknown): Record<string, string> | null {
  if (typeof raw === 'string') {
    const out: Record<string, string> = {};
    for (const pair of raw.split(';').filter((item) => item.trim() !== '')) {
      const [key, value, ...rest] = pair.split('=');
      if (key === undefined || value === undefined || rest.length > 0) return null;
      out[key.trim()] = value.trim();
    }
    return out;
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const entries = Object.entries(raw as Record<string, unknown>);
    return entries.every(([, value]) => typeof value === 'string')
      ? Object.fromEntries(entries as [string, string][])
      : null;
  }
  return null;
}

/** Applies the spec's min, max and power-of-two constraints to a parsed number; null when outside. */
function withinBounds(spec: ParamSpec, value: bigint | null): bigint | null {
  if (value === null) return null;
  if (spec.min !== undefined && value < BigInt(spec.min)) return null;
  if (spec.max !== undefined && value > BigInt(spec.max)) return null;
  if (spec.powerOfTwo && (value <= 0n || (value & (value - 1n)) !== 0n)) return null;
  return value;
}

/** Validates one raw value for `spec`; throws ParamError naming the key and the accepted forms. */
export function parseParamValue(spec: ParamSpec, raw: unknown): ParamValue {
  let value: ParamValue | null;
  switch (spec.kind) {
    case 'size':
      value = withinBounds(spec, parseSize(raw));
      break;
    case 'address':
      value = parseBigInt(raw);
      break;
    case 'mask':
      value = parseMask(raw);
      break;
    case 'int': {
      const big = withinBounds(spec, parseBigInt(raw));
      value = big === null ? null : Number(big);
      break;
    }
    case 'bool':
      value = parseBool(raw);
      break;
    case 'enum':
      value = typeof raw === 'string' && (spec.values ?? []).includes(raw.trim()) ? raw.trim() : null;
      break;
    case 'list':
      value = parseList(raw);
      break;
    case 'windows':
      value = parseWindows(raw);
      break;
    case 'map':
      value = parseMap(raw);
      break;
  }
  if (value === null) throw bad(spec, raw);
  if (typeof value === 'bigint' && (value < 0n || value > U64_MAX)) throw bad(spec, raw);
  return value;
}

/** Resolves the parameters of a session: declared defaults, then the profile's values, then overrides. */
export function resolveParams(profileParams: Record<string, unknown>, overrides: Record<string, unknown>): Params {
  const params: Params = {};
  for (const spec of allParamSpecs()) params[spec.key] = parseParamValue(spec, spec.default);
  for (const [source, values] of [
    ['profile', profileParams],
    ['override', overrides],
  ] as const) {
    for (const [key, raw] of Object.entries(values)) {
      const spec = paramSpec(key);
      if (!spec) {
        const known = allParamSpecs().map((item) => item.key);
        throw new ParamError(
          `unknown parameter '${key}'${source === 'profile' ? ' in profile' : ''}; known: ${known.join(', ')}`,
        );
      }
      params[key] = parseParamValue(spec, raw);
    }
    applySupersedes(params, values, source);
  }
  return params;
}

/**
 * A key set in a layer wins over the key it supersedes from earlier layers (an explicit swiotlb_start
 * replaces a profile's swiotlb_end); both set to non-default values in one layer is a contradiction.
 */
function applySupersedes(params: Params, layer: Record<string, unknown>, source: 'profile' | 'override'): void {
  for (const key of Object.keys(layer)) {
    const other = paramSpec(key)?.supersedes;
    const otherSpec = other === undefined ? undefined : paramSpec(other);
    if (other === undefined || !otherSpec) continue;
    const otherDefault = parseParamValue(otherSpec, otherSpec.default);
    if (!Object.hasOwn(layer, other)) params[other] = otherDefault;
    else if (params[other] !== otherDefault) {
      throw new ParamError(
        `parameters '${key}' and '${other}' both set${source === 'profile' ? ' in profile' : ''}: '${other}' places the pool from its end and '${key}' from its start; set only one`,
      );
    }
  }
}

/** A parameter value in its JSON form: bigints as 0x hex strings, windows as objects of hex strings. */
export function paramValueToJson(value: ParamValue): unknown {
  if (typeof value === 'bigint') return hex(value);
  if (Array.isArray(value)) {
    return (value as unknown[]).map((item) =>
      typeof item === 'string'
        ? item
        : {
            cpu: hex((item as DmaWindow).cpu),
            dma: hex((item as DmaWindow).dma),
            size: hex((item as DmaWindow).size),
          },
    );
  }
  return value;
}
