// A streaming DMA mask below 64 bits, with what it costs on the selected platforms compared with a
// 64-bit mask: x86 bounces buffers above the mask through swiotlb (§1.6), pseries does not attempt DDW
// and pays TCE hypercalls per map (§4.3), powernv loses the TVE#1 bypass (§4.4). The comparison is the
// core's simulation of the same map after each mask; a mask that costs nothing anywhere is not reported,
// and neither is the usual fallback after a 64-bit attempt in the same function.
import type { CallSite } from '../analysis/callsite';
import {
  compareMasks,
  costWords,
  maskBits,
  outcomeWords,
  pathWord,
  STREAMING_MASK_SETTERS,
  type PlatformModel,
} from '../sites';
import type { CheckContext, Rule, RuleFinding } from './rule';

export const narrowDmaMask: Rule = {
  id: 'narrow-dma-mask',
  title: 'DMA mask below 64 bits and its cost',
  defaultSeverity: 'information',
  platformDependent: true,
  check({ sites, driver }: CheckContext): RuleFinding[] {
    const findings: RuleFinding[] = [];
    for (const site of sites) {
      if (!STREAMING_MASK_SETTERS.has(site.api)) continue;
      const bits = maskBits(site.args[1]);
      if (bits === null || bits >= 64 || bits < 8) continue;
      if (hasWiderAttempt(sites, site, bits)) continue;
      const costs = maskCosts(driver.model, bits);
      if (!costs.length) continue;
      findings.push({
        range: site.argRanges[1] ?? site.nameRange,
        message: `DMA_BIT_MASK(${bits}) instead of 64 bits changes a 4 KiB map above 4 GiB on: ${costs.join('; ')}.`,
      });
    }
    return findings;
  },
};

/**
 * The fallback idiom `if (dma_set_mask(dev, DMA_BIT_MASK(64))) dma_set_mask(dev, DMA_BIT_MASK(32));`: the
 * narrow mask is what the device gets only where a wider one was refused, so it is no choice to report.
 */
function hasWiderAttempt(sites: readonly CallSite[], site: CallSite, bits: number): boolean {
  return sites.some(
    (other) =>
      other !== site &&
      other.enclosingFunction === site.enclosingFunction &&
      STREAMING_MASK_SETTERS.has(other.api) &&
      (maskBits(other.args[1]) ?? 0) > bits,
  );
}

function maskCosts(model: PlatformModel, bits: number): string[] {
  const descriptions: string[] = [];
  for (const { profile, withMask: withNarrow, withWideMask: withWide } of compareMasks(model, bits)) {
    const narrowWords = `${pathWord(withNarrow)}${costWords(withNarrow, ['map', 'unmap']) ? ` (${costWords(withNarrow, ['map', 'unmap'])})` : ''}`;
    const wideWords = `${pathWord(withWide)}${costWords(withWide, ['map', 'unmap']) ? ` (${costWords(withWide, ['map', 'unmap'])})` : ''}`;
    if (narrowWords === wideWords && (withNarrow.error === null) === (withWide.error === null)) continue;
    descriptions.push(`${profile.short}: ${outcomeWords(withNarrow)} instead of ${outcomeWords(withWide)}`);
  }
  return descriptions;
}
