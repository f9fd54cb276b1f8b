// `sizeof(buf)` where `buf` is a pointer and the call is about the memory it points to: the size of the
// pointer (8 bytes on LP64, 4 on ILP32) is mapped, synced or allocated, not the object. dma-debug cannot
// see this (map and unmap agree on the wrong size); the device then writes past what the CPU's cache
// maintenance covered, or into a bounce slot that is copied back only in part.
import type { CallSite } from '../analysis/callsite';
import { stripWrappers } from '../analysis/origin';
import type { CheckContext, Rule, RuleFinding } from './rule';

export const sizeofPointer: Rule = {
  id: 'sizeof-pointer',
  title: 'sizeof of a pointer as the size of the memory it points to',
  defaultSeverity: 'warning',
  platformDependent: false,
  check({ sites }: CheckContext): RuleFinding[] {
    return sites.flatMap((site) => {
      const pointer = site.size?.ofPointer;
      if (!pointer || !isAboutPointee(site, pointer, sites)) return [];
      const index = site.args.indexOf(site.size!.text);
      const range = index >= 0 && site.argRanges[index] ? site.argRanges[index] : site.nameRange;
      return [
        {
          range,
          message:
            `'${site.size!.text}' is the size of the pointer ${pointer} (8 bytes on 64-bit, 4 on 32-bit), not of what it points to: ` +
            `${site.api}() ${verb(site)} only that many bytes. Did you mean sizeof(*${pointer})?`,
          fix: {
            title: `Use sizeof(*${pointer})`,
            edits: [{ range, newText: `sizeof(*${pointer})` }],
          },
        },
      ];
    });
  },
};

/** The call is about the pointee: it maps or frees `p` itself, allocates into `p`, or releases a map of `p`. */
function isAboutPointee(site: CallSite, pointer: string, sites: readonly CallSite[]): boolean {
  const names = (text: string | null) => text !== null && stripWrappers(text) === pointer;
  if (names(site.bufferText) || names(site.cpuAddr)) return true;
  if (site.kind === 'free') return site.args.some((arg) => stripWrappers(arg) === pointer);
  if (site.kind !== 'unmap' && site.kind !== 'sync') return false;
  return site.pairedWith.some((index) => names(sites[index]?.bufferText ?? null));
}

function verb(site: CallSite): string {
  if (site.kind === 'alloc') return 'allocates';
  if (site.kind === 'free') return 'frees';
  if (site.kind === 'sync') return 'syncs';
  if (site.kind === 'unmap') return 'unmaps';
  return 'maps';
}
