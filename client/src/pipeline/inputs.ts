// What the panel accepts in its text fields and messages, in one place: the page checks what the user
// types, the extension checks every message from the page, and the Compare Platforms command checks its
// input boxes with the same tests. The server validates the requests again (the core's parseRequest);
// these only keep nonsense from travelling. No vscode and no DOM.

/** A 64-bit physical address in `0x` hex, as every DMA Lens view writes addresses. */
const HEX_ADDRESS = /^0x[0-9a-f]{1,16}$/i;
/** A byte count: decimal or `0x` hex. */
const SIZE = /^(0x[0-9a-f]{1,16}|[0-9]{1,20})$/i;
/** A DMA mask: a bit count (`32`, as in DMA_BIT_MASK(32)) or the mask itself in hex. */
const MASK = /^(0x[0-9a-f]{1,16}|[0-9]{1,2})$/i;
const PLATFORM_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const PARAM_KEY = /^[a-z][a-z0-9_]{0,63}$/;
/** Links the panel may open: the kernel source browser and the project's docs, both over https. */
const LINK = /^https:\/\/[^\s"'<>]{1,2000}$/;

export const MAX_OVERRIDE_VALUE = 1000;

export function isAddress(text: string): boolean {
  return HEX_ADDRESS.test(text);
}

/** A positive byte count of at most 64 bits. */
export function isSize(text: string): boolean {
  return SIZE.test(text) && BigInt(text) > 0n && BigInt(text) < 1n << 64n;
}

/** A bit count 1..64, or a non-zero hex mask. */
export function isMask(text: string): boolean {
  if (!MASK.test(text)) return false;
  if (text.toLowerCase().startsWith('0x')) return BigInt(text) > 0n;
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
  phys: (text: string) => (isAddress(text) ? null : 'the physical address must be 0x hex of at most 64 bits'),
  size: (text: string) => (isSize(text) ? null : 'the size must be a positive decimal or 0x hex byte count'),
  mask: (text: string) =>
    text === '' || isMask(text) ? null : 'the mask must be a bit count 1..64 or a 0x hex mask (empty: the profile’s)',
} as const;
