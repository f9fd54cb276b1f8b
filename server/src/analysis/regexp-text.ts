// Text that goes into a regular expression literally.

/** `text` with every character that means something in a pattern backslash-escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
