// A streaming map inside a loop, on platforms where every map costs something: a hypercall per map on
// pseries TCE tables (§4.3), a bounce copy on confidential guests (§1.6), IOTLB work under an IOMMU
// (§3.3). Information only: per-packet maps are normal, the point is to show what an iteration costs.
import type { CallSite } from '../analysis/callsite';
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
    const words = results
      .map((result) => costWords(result, ['map', 'unmap']))
      .filter((text) => text.length > 0)
      .join(' + ');
    if (words) costs.push(`${short}: ${words}`);
  }
  return { costs, exampleSize: simulation.exampleFields.includes('size') };
}
