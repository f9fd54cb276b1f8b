// A handle released twice on one path: an unmap (or free) followed, before the handle is assigned anew,
// by another release of it, directly or through a `goto` to a label whose cleanup releases it again (the
// unwind label that a later failure jumps to after the driver already undid the mapping). DMA-API debug
// reports the second one as "device driver tries to free DMA memory it has not allocated"
// (kernel/dma/debug.c:check_unmap); without it, swiotlb frees a slot someone else may hold by now, and an
// IOMMU unmaps an IOVA that may have been handed out again.
import type { CallSite } from '../../analysis/callsite';
import { handleKey } from '../../analysis/link';
import { isRelease } from '../api-facts';
import { pairingIndex, type PairingIndex } from '../pairing';
import type { CheckContext, Rule, RuleFinding } from '../rule';
import { isUnconditional, pathEvents } from './path-events';

export const doubleUnmap: Rule = {
  id: 'double-unmap',
  title: 'Mapping released twice on one path',
  defaultSeverity: 'warning',
  platformDependent: false,
  check({ sites, lines }: CheckContext): RuleFinding[] {
    // A second release of a handle is itself a release site of the file (an unwind label's too): only
    // handles released at least twice in one function can be released twice on a path.
    const releases = releasedTwice(sites.filter(isSingleRelease));
    if (releases.length === 0) return [];
    const index = pairingIndex(lines.text);
    return releases.flatMap((release) => {
      const again = secondRelease(release, index);
      if (!again) return [];
      const start = lines.positionAt(again.offset);
      const where = again.label ? `jumps to '${again.label}', whose cleanup releases` : 'releases';
      return [
        {
          range: { start, end: lines.positionAt(again.offset + again.length) },
          message:
            `This ${where} '${release.handle}' again: ${release.api}() already released it on line ${release.range.start.line + 1} ` +
            `and nothing assigned it since. With CONFIG_DMA_API_DEBUG the second release reports "DMA-API: device driver tries to free DMA memory it has not allocated"; ` +
            `without it, swiotlb frees a slot (or the IOMMU an IOVA) that may belong to another mapping by then.`,
        },
      ];
    });
  },
};

/**
 * A release of one named handle: array elements (`ring[i].dma`) and walked pointers (`*addr++`) differ
 * from pass to pass and are left out.
 */
function isSingleRelease(site: CallSite): boolean {
  return (
    isRelease(site) && site.handle !== null && !/[[(*]|\+\+|--/.test(site.handle) && site.enclosingFunction !== null
  );
}

function releasedTwice(releases: readonly CallSite[]): CallSite[] {
  const count = new Map<string, number>();
  const key = (site: CallSite) => `${site.enclosingFunction}\u0000${handleKey(site.handle!)}`;
  for (const site of releases) count.set(key(site), (count.get(key(site)) ?? 0) + 1);
  return releases.filter((site) => count.get(key(site))! > 1);
}

function secondRelease(
  release: CallSite,
  index: PairingIndex,
): { offset: number; length: number; label: string | null } | null {
  const body = index.functionAt(release.offset);
  const block = index.innermostBlock(release.offset);
  // A release on one branch of a brace-less if/else says nothing of what runs after it.
  if (!body || !block || !isUnconditional(index.code, release.offset)) return null;
  const events = pathEvents({
    index,
    handle: release.handle!,
    from: release.endOffset,
    to: block.close,
    body,
  });
  const sameBlock = (offset: number) => {
    const inner = index.innermostBlock(offset);
    return inner !== null && inner.open === block.open;
  };
  for (const event of events) {
    if (event.kind === 'assigned' || event.kind === 'return') return null;
    // A later release under a condition of its own may be the other branch's: only certain ones count.
    if (event.kind === 'release' && event.unconditional && sameBlock(event.offset))
      return { offset: event.offset, length: release.handle!.length, label: null };
    if (event.kind === 'goto' && event.cleanupReleases)
      return { offset: event.offset, length: `goto ${event.label}`.length, label: event.label };
  }
  return null;
}
