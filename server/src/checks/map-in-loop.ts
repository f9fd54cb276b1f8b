// A streaming map inside a loop, on platforms where every map costs something that batching or reuse
// would save: a hypercall per map on pseries TCE tables (§4.3), a bounce copy on confidential guests
// (§1.6), IOTLB work under an IOMMU (§3.3). Cache maintenance alone is not reported: a non-coherent SoC
// cleans the buffer's lines whether it is mapped in a loop or not. Information only: per-packet maps are
// normal, the point is to show what an iteration costs where it costs.
import type { CallSite } from '../analysis/callsite';
import type { OpResult } from '@dmalens/core';
import { costWords, mapUnmapResults, simulationFor, type DriverContext } from '../sites';
import { isStreamingMap } from './api-facts';
import type { CheckContext, Rule, RuleFinding } from './rule';

export const mapInLoop: Rule = {
  id: 'map-in-loop',
  title: 'Mapping inside a loop: cost per iteration',
  defaultSeverity: 'information',
  platformDependent: true,
  check({ sites, driver }: CheckContext): RuleFinding[] {
    return sites.flatMap((site) => {
      if (!site.inLoop || !isStreamingMap(site)) return [];
      const costs = iterationCosts(site, driver);
      if (!costs.costs.length) return [];
      const sizeWords = costs.exampleSize
        ? 'a 4096-byte example buffer (the size is not a constant)'
        : `${site.size?.text ?? ''} (${site.size?.value ?? '?'} bytes)`;
      return [
        {
          range: site.nameRange,
          message: `${site.api}() runs once per loop iteration; per iteration (map + unmap of ${sizeWords}): ${costs.costs.join('; ')}.`,
        },
      ];
    });
  },
};

function iterationCosts(site: CallSite, driver: DriverContext): { costs: string[]; exampleSize: boolean } {
  const simulation = simulationFor(site, driver);
  if (!simulation) return { costs: [], exampleSize: false };
  const costs: string[] = [];
  for (const { short, results } of mapUnmapResults(simulation, driver.model)) {
    if (!results.some(paysPerMap)) continue;
    const words = results
      .map((result) => costWords(result, ['map', 'unmap']))
      .filter((text) => text.length > 0)
      .join(' + ');
    if (words) costs.push(`${short}: ${words}`);
  }
  return { costs, exampleSize: simulation.exampleFields.includes('size') };
}

/** A hypercall, a bounce copy or an IOTLB flush at map or unmap: what mapping once per batch would save. */
function paysPerMap(result: OpResult): boolean {
  const { hypercalls, bounceBytes, iotlbFlushes } = result.costs;
  const now = (when: string) => when === 'map' || when === 'unmap';
  return (
    hypercalls.some((call) => now(call.when)) ||
    bounceBytes.map + bounceBytes.unmap > 0 ||
    iotlbFlushes.some((flush) => now(flush.when))
  );
}
