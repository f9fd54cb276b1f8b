// A constant mapping size above what swiotlb can bounce in one piece: IO_TLB_SEGSIZE (128) slots of
// 2 KiB, 256 KiB (§2.1, §2.2 swiotlb_max_mapping_size). On platforms that bounce the map (confidential
// guests, short masks) it fails with "swiotlb buffer is full"; the core's simulation says which.
import type { CheckContext, Rule, RuleFinding } from './rule';
import { isStreamingMap } from './api-facts';
import { siteRows } from '../sites';

export const sizeOverSwiotlbMax: Rule = {
  id: 'size-over-swiotlb-max',
  title: 'Constant mapping size above the swiotlb maximum',
  defaultSeverity: 'warning',
  platformDependent: true,
  check({ sites, driver }: CheckContext): RuleFinding[] {
    return sites.flatMap((site) => {
      if (!isStreamingMap(site) || site.size?.value == null) return [];
      const rows = siteRows(site, driver);
      if (!rows) return [];
      const failing: string[] = [];
      let message = '';
      for (const { short, result } of rows.rows) {
        if (result?.error && /swiotlb buffer is full/.test(result.error)) {
          failing.push(short);
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
