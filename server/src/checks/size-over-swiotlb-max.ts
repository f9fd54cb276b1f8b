// A constant mapping size above what swiotlb can bounce in one piece: IO_TLB_SEGSIZE (128) slots of
// 2 KiB, 256 KiB (§2.1, §2.2 swiotlb_max_mapping_size). On platforms that bounce the map (confidential
// guests, short masks) it fails with "swiotlb buffer is full"; the core's simulation says which.
import type { CheckContext, Rule, RuleFinding } from './rule';
import { isStreamingMap } from './api-facts';
import { requestsOn, simulationForSite } from './site-requests';
import { fileStreamingMask } from './file-mask';

export const sizeOverSwiotlbMax: Rule = {
  id: 'size-over-swiotlb-max',
  title: 'Constant mapping size above the swiotlb maximum',
  defaultSeverity: 'warning',
  platformDependent: true,
  check({ sites, model }: CheckContext): RuleFinding[] {
    const mask = fileStreamingMask(sites);
    return sites.flatMap((site) => {
      if (!isStreamingMap(site) || site.size?.value == null) return [];
      const simulation = simulationForSite(site, mask);
      if (!simulation) return [];
      const failing: string[] = [];
      let message = '';
      for (const profile of model.selected) {
        const result = model.run(profile.id, requestsOn(simulation, model, profile.id)).results[simulation.focus];
        if (result?.error && /swiotlb buffer is full/.test(result.error)) {
          failing.push(profile.short);
          message ||= result.error.trim();
        }
      }
      if (!failing.length) return [];
      return [
        {
          range: site.nameRange,
          message: `${site.size.value} bytes is more than one swiotlb bounce can hold (128 slots × 2 KiB = 262144 bytes); the map fails on ${failing.join(', ')}: "${message}". Split the buffer or check dma_max_mapping_size().`,
        },
      ];
    });
  },
};
