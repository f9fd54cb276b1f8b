// Buffers whose origin makes a streaming map invalid (spec §1.1, §8 D9, D10, D12), whether the map call
// takes the buffer itself or a scatterlist entry is pointed at it (sg_set_buf, sg_init_one) for a later
// dma_map_sg(). Only certain origins are reported: a buffer traced to a struct field or an unknown
// expression is never flagged.
import type { BufferOrigin, CallSite } from '../analysis/callsite';
import { mapsCpuPointer } from './api-facts';
import type { CheckContext, Rule, RuleFinding } from './rule';

function mapsOf(sites: readonly CallSite[], origins: readonly BufferOrigin[], pointerMapsOnly: boolean): CallSite[] {
  return sites.filter(
    (site) =>
      origins.includes(site.bufferOrigin) &&
      (site.kind === 'sg-buffer' || (site.kind === 'map' && (!pointerMapsOnly || mapsCpuPointer(site.api)))),
  );
}

function bufferRange(site: CallSite) {
  const index = site.bufferText === null ? -1 : site.args.indexOf(site.bufferText);
  return index >= 0 && site.argRanges[index] ? site.argRanges[index] : site.nameRange;
}

/** How the buffer gets to the device, for the messages: mapped here, or through a scatterlist entry. */
function route(site: CallSite): string {
  return site.kind === 'sg-buffer'
    ? `${site.api}() points a scatterlist entry at it (virt_to_page of the address), and mapping the list hands it to the device`
    : `${site.api}() maps it for the device`;
}

export const mapStackBuffer: Rule = {
  id: 'map-stack-buffer',
  title: 'Stack memory mapped for DMA',
  defaultSeverity: 'error',
  platformDependent: false,
  check({ sites }: CheckContext): RuleFinding[] {
    return mapsOf(sites, ['stack'], false).map((site) => ({
      range: bufferRange(site),
      message:
        `'${site.bufferText}' is on the stack of ${site.enclosingFunction ?? 'this function'}(), and ${route(site)}: with CONFIG_VMAP_STACK the stack is vmalloc memory with no linear-map physical address, ` +
        `and it may share cache lines with other locals. ${debugReport(site, 'DMA-API: device driver maps memory from stack [addr=…]')} Use kmalloc'ed memory.`,
    }));
  },
};

export const mapVmallocBuffer: Rule = {
  id: 'map-vmalloc-buffer',
  title: 'vmalloc memory passed to dma_map_single() or a scatterlist',
  defaultSeverity: 'error',
  platformDependent: false,
  check({ sites }: CheckContext): RuleFinding[] {
    return mapsOf(sites, ['vmalloc'], true).map((site) => ({
      range: bufferRange(site),
      message:
        site.kind === 'sg-buffer'
          ? `'${site.bufferText}' comes from the vmalloc family, and ${route(site)}: virt_to_page() of a vmalloc address is not its page, so the device reads or writes other memory. ` +
            `${debugReport(site, 'DMA-API: device driver maps memory from vmalloc area')} Set each page with vmalloc_to_page() + sg_set_page(), or use kmalloc'ed memory.`
          : `'${site.bufferText}' comes from the vmalloc family: ${site.api}() rejects it ("rejecting DMA map of vmalloc memory", include/linux/dma-mapping.h:dma_map_single_attrs) and returns DMA_MAPPING_ERROR; ` +
            `DMA-API debug reports "device driver maps memory from vmalloc area". Map each page with vmalloc_to_page() + dma_map_page(), or use kmalloc/dma_alloc_coherent.`,
    }));
  },
};

export const mapRodataBuffer: Rule = {
  id: 'map-rodata-buffer',
  title: 'String literal or read-only data mapped for DMA',
  defaultSeverity: 'error',
  platformDependent: false,
  check({ sites }: CheckContext): RuleFinding[] {
    return mapsOf(sites, ['string', 'rodata'], false).map((site) => ({
      range: bufferRange(site),
      message:
        `${site.bufferOrigin === 'string' ? `${site.bufferText} is a string literal` : `'${site.bufferText}' is a const object with static storage`} in kernel rodata, and ${route(site)}: ` +
        `DMA-API debug reports "DMA-API: device driver maps memory from kernel text or rodata [addr=…] [len=…]", ` +
        `and rodata may sit outside the linear map (e.g. in the kernel image mapping). Copy it into a kmalloc'ed buffer first.`,
    }));
  },
};

/** What the kernel's debugging options say: CONFIG_DEBUG_SG stops at sg_set_buf() already. */
function debugReport(site: CallSite, dmaDebug: string): string {
  return site.kind === 'sg-buffer'
    ? `With CONFIG_DEBUG_SG, sg_set_buf() hits BUG_ON(!virt_addr_valid(buf)); DMA-API debug reports "${dmaDebug}" when the list is mapped.`
    : `DMA-API debug reports "${dmaDebug}".`;
}
