// An unmap or free that does not match its map: dma-debug's check_unmap compares size, direction and
// the entry type (kernel/dma/debug.c, spec §8 D3, D4, D7). Only facts both calls state as constants are
// compared, and only against maps that certainly ran before the release (pairing.ts); `sizeof(a)`
// against `len` says nothing and is not reported.
import type { CallSite } from '../analysis/callsite';
import { debugEntryType, isRelease, isStreamingMap, kernelDirectionName } from './api-facts';
import { governingMaps } from './pairing';
import type { CheckContext, Rule, RuleFinding } from './rule';

export const unmapMismatch: Rule = {
  id: 'unmap-mismatch',
  title: 'Unmap or free differs from its map in size, direction or function',
  defaultSeverity: 'warning',
  platformDependent: false,
  check({ sites, text }: CheckContext): RuleFinding[] {
    const findings: RuleFinding[] = [];
    for (const release of sites) {
      if (!isRelease(release)) continue;
      const maps = governingMaps(sites, text, release, (site) => isStreamingMap(site) || site.kind === 'alloc');
      if (maps.length === 0) continue;
      const complaints = maps.map((map) => compare(map, release));
      // Any map the release agrees with may be the one it releases.
      if (complaints.some((list) => list.length === 0)) continue;
      findings.push(...complaints[complaints.length - 1]!);
    }
    return findings;
  },
};

function compare(map: CallSite, release: CallSite): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const mapType = debugEntryType(map.api);
  const releaseType = debugEntryType(release.api);
  if (mapType && releaseType && mapType !== releaseType) {
    findings.push({
      range: release.nameRange,
      message:
        `${release.api}() releases what ${map.api}() (line ${map.range.start.line + 1}) created: DMA-API debug reports ` +
        `"device driver frees DMA memory with wrong function [device address=0x…] [size=… bytes] [mapped as ${mapType}] [unmapped as ${releaseType}]".`,
    });
    return findings;
  }
  const mapSize = map.size?.value ?? null;
  const releaseSize = release.size?.value ?? null;
  if (mapSize !== null && releaseSize !== null && mapSize !== releaseSize && mapType !== 'scather-gather') {
    findings.push({
      range: release.size ? rangeOfArg(release, release.size.text) : release.nameRange,
      message:
        `${release.api}() size ${releaseSize} differs from the ${map.api}() size ${mapSize} (line ${map.range.start.line + 1}): DMA-API debug reports ` +
        `"device driver frees DMA memory with different size [device address=0x…] [map size=${mapSize} bytes] [unmap size=${releaseSize} bytes]"; ` +
        `swiotlb and the IOMMU release what the unmap size covers, not what was mapped.`,
    });
  }
  if (
    map.direction !== 'unknown' &&
    release.direction !== 'unknown' &&
    map.kind === 'map' &&
    map.direction !== release.direction
  ) {
    findings.push({
      range: release.nameRange,
      message:
        `${release.api}() direction ${kernelDirectionName(release.direction)} differs from the map's ${kernelDirectionName(map.direction)} (line ${map.range.start.line + 1}): DMA-API debug reports ` +
        `"device driver frees DMA memory with different direction [device address=0x…] [size=… bytes] [mapped with ${kernelDirectionName(map.direction)}] [unmapped with ${kernelDirectionName(release.direction)}]"; ` +
        `a swiotlb bounce copies back only for DMA_FROM_DEVICE and DMA_BIDIRECTIONAL unmaps.`,
    });
  }
  return findings;
}

function rangeOfArg(site: CallSite, text: string) {
  const index = site.args.indexOf(text);
  return index >= 0 && site.argRanges[index] ? site.argRanges[index] : site.nameRange;
}
