// What the panel accepts in its text fields and messages, in one place: the page checks what the user
// types, the extension checks every message from the page, and the Compare Platforms command checks its
// input boxes with the same tests. The server validates the requests again (the core's parseRequest);
// these only keep nonsense from travelling. No vscode and no DOM.

/**
 * A 64-bit physical address as DMA Lens prints it (`0x1_2345_6000`: hex grouped by `_`), as plain hex, or in
 * decimal. The core reads all three (params/parse.ts parseBigInt).
 */
const ADDRESS = /^(0x[0-9a-f_]{1,32}|[0-9_]{1,26})$/i;
/** A byte count: decimal or `0x` hex (`_` allowed), optionally with K, M or G as the CLI takes them (4K, 2MiB). */
const SIZE = /^(0x[0-9a-f_]{1,32}|[0-9_]{1,26})([KMG](i?B)?)?$/i;
const SIZE_SUFFIX: Record<string, bigint> = { '': 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n };
/** A DMA mask: a bit count (`32`, as in DMA_BIT_MASK(32)) or the mask itself in hex. */
const MASK = /^(0x[0-9a-f_]{1,32}|[0-9]{1,2})$/i;
const PLATFORM_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const PARAM_KEY = /^[a-z][a-z0-9_]{0,63}$/;
/** Links the panel may open: the kernel source browser and the project's docs, both over https. */
const LINK = /^https:\/\/[^\s"'<>]{1,2000}$/;

export const MAX_OVERRIDE_VALUE = 1000;

/** The value of a number as the fields take it (`_` separators dropped); null when it is none. */
function numberValue(text: string): bigint | null {
  const digits = text.replace(/_/g, '');
  return /^(0x[0-9a-f]+|[0-9]+)$/i.test(digits) ? BigInt(digits) : null;
}

export function isAddress(text: string): boolean {
  const value = ADDRESS.test(text) ? numberValue(text) : null;
  return value !== null && value < 1n << 64n;
}

/** The bytes a size field holds (`4K` is 4096); null when it is no size. */
export function sizeValue(text: string): bigint | null {
  const match = SIZE.exec(text);
  const base = match ? numberValue(match[1]!) : null;
  return base === null ? null : base * SIZE_SUFFIX[(match![2] ?? '').charAt(0).toUpperCase()]!;
}

/** A typed address as the requests carry it: plain `0x` hex. Call only on text isAddress accepts. */
export function canonicalAddress(text: string): string {
  return `0x${numberValue(text)!.toString(16)}`;
}

/** A typed size as the requests carry it: decimal bytes. Call only on text isSize accepts. */
export function canonicalSize(text: string): string {
  return sizeValue(text)!.toString();
}

/** A typed mask without `_` separators. Call only on text isMask accepts. */
export function canonicalMask(text: string): string {
  return text.replace(/_/g, '').toLowerCase();
}

/** A positive byte count of at most 64 bits. */
export function isSize(text: string): boolean {
  const value = sizeValue(text);
  return value !== null && value > 0n && value < 1n << 64n;
}

/** A bit count 1..64, or a non-zero hex mask. */
export function isMask(text: string): boolean {
  if (!MASK.test(text)) return false;
  if (text.toLowerCase().startsWith('0x')) return (numberValue(text) ?? 0n) > 0n;
  const bits = Number(text);
  return bits >= 1 && bits <= 64;
}

export function isPlatformId(text: string): boolean {
  return PLATFORM_ID.test(text);
}

export function isParamKey(text: string): boolean {
  return PARAM_KEY.test(text);
}

export function isLink(text: string): boolean {
  return LINK.test(text);
}

/** What is wrong with a typed field, for the page's status line; null when it is fine. */
export const FIELD_PROBLEMS = {
  phys: (text: string) =>
    isAddress(text)
      ? null
      : 'the physical address must be hex (0x1_2345_6000 or 0x123456000) or decimal, at most 64 bits',
  size: (text: string) =>
    isSize(text) ? null : 'the size must be a positive byte count: decimal, 0x hex, or with K, M or G (4K)',
  mask: (text: string) =>
    text === '' || isMask(text) ? null : 'the mask must be a bit count 1..64 or a 0x hex mask (empty: the profile’s)',
} as const;
