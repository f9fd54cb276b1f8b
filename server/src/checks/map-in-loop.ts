// A streaming map inside a loop, on platforms where every map costs something: a hypercall per map on
// pseries TCE tables (§4.3), a bounce copy on confidential guests (§1.6), IOTLB work under an IOMMU
// (§3.3). Information only: per-packet maps are normal, the point is to show what an iteration costs.
import type { CallSite } from '../analysis/callsite';
import { isStreamingMap } from './api-facts';
import type { PlatformModel } from './platform-model';
import type { CheckContext, Rule, RuleFinding } from './rule';
import { costWords } from './outcome-text';
import { requestsOn, simulationForSite } from './site-requests';
import { fileStreamingMask, type FileMask } from './file-mask';

export const mapInLoop: Rule = {
  id: 'map-in-loop',
  title: 'Mapping inside a loop: cost per iteration',
  defaultSeverity: 'information',
  platformDependent: true,
  check({ sites, model }: CheckContext): RuleFinding[] {
    const mask = fileStreamingMask(sites);
    return sites.flatMap((site) => {
      if (!site.inLoop || !isStreamingMap(site)) return [];
      const costs = iterationCosts(model, site, mask);
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

function iterationCosts(
  model: PlatformModel,
  site: CallSite,
  mask: FileMask | null,
): { costs: string[]; exampleSize: boolean } {
  const simulation = simulationForSite(site, mask);
  if (!simulation) return { costs: [], exampleSize: false };
  const costs: string[] = [];
  for (const profile of model.selected) {
    const requests = [...requestsOn(simulation, model, profile.id), { op: 'unmap' as const, of: simulation.focus }];
    // The mask request itself costs nothing per iteration; only the map and its unmap count.
    const results = model.run(profile.id, requests).results.slice(simulation.focus);
    const words = results
      .map((result) => costWords(result, ['map', 'unmap']))
      .filter((text) => text.length > 0)
      .join(' + ');
    if (words) costs.push(`${profile.short}: ${words}`);
  }
  return { costs, exampleSize: simulation.exampleFields.includes('size') };
}
