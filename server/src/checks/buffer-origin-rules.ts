// Buffers whose origin makes a streaming map invalid (spec §1.1, §8 D9, D10, D12). Only certain origins
// are reported: a buffer traced to a struct field or an unknown expression is never flagged.
import type { BufferOrigin, CallSite } from '../analysis/callsite';
import { mapsCpuPointer } from './api-facts';
import type { CheckContext, Rule, RuleFinding } from './rule';

function mapsOf(sites: readonly CallSite[], origin: BufferOrigin, pointerMapsOnly: boolean): CallSite[] {
  return sites.filter(
    (site) => site.kind === 'map' && site.bufferOrigin === origin && (!pointerMapsOnly || mapsCpuPointer(site.api)),
  );
}

function bufferRange(site: CallSite) {
  const index = site.bufferText === null ? -1 : site.args.indexOf(site.bufferText);
  return index >= 0 && site.argRanges[index] ? site.argRanges[index] : site.nameRange;
}

export const mapStackBuffer: Rule = {
  id: 'map-stack-buffer',
  title: 'Stack memory mapped for DMA',
  defaultSeverity: 'error',
  platformDependent: false,
  check({ sites }: CheckContext): RuleFinding[] {
    return mapsOf(sites, 'stack', false).map((site) => ({
      range: bufferRange(site),
      message:
        `'${site.bufferText}' is on the stack of ${site.enclosingFunction ?? 'this function'}(): with CONFIG_VMAP_STACK the stack is vmalloc memory with no linear-map physical address, ` +
        `and it may share cache lines with other locals. DMA-API debug reports "DMA-API: device driver maps memory from stack [addr=…]". Use kmalloc'ed memory.`,
    }));
  },
};

export const mapVmallocBuffer: Rule = {
  id: 'map-vmalloc-buffer',
  title: 'vmalloc memory passed to dma_map_single()',
  defaultSeverity: 'error',
  platformDependent: false,
  check({ sites }: CheckContext): RuleFinding[] {
    return mapsOf(sites, 'vmalloc', true).map((site) => ({
      range: bufferRange(site),
      message:
        `'${site.bufferText}' comes from the vmalloc family: ${site.api}() rejects it ("rejecting DMA map of vmalloc memory", include/linux/dma-mapping.h:dma_map_single_attrs) and returns DMA_MAPPING_ERROR; ` +
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
    return mapsOf(sites, 'string', false).map((site) => ({
      range: bufferRange(site),
      message:
        `${site.bufferText} is a string literal in kernel rodata: DMA-API debug reports "DMA-API: device driver maps memory from kernel text or rodata [addr=…] [len=…]", ` +
        `and rodata may sit outside the linear map (e.g. in the kernel image mapping). Copy it into a kmalloc'ed buffer first.`,
    }));
  },
};
