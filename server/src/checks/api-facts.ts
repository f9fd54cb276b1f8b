// Kernel facts about DMA-API entry points that several checks share. Names are the kernel's.
import type { CallSite } from '../analysis/callsite';
import { catalogueEntry, DIRECTION_KERNEL_NAME, type Direction } from '@dmalens/core';

/**
 * The dma-debug entry type a call creates or releases (kernel/dma/debug.c: `type2name`, 6.1 has no
 * separate "page" type: map_page and map_single both record "single").
 */
export type DebugEntryType = 'single' | 'scather-gather' | 'coherent' | 'resource';

const ENTRY_TYPE: Record<string, DebugEntryType> = {
  dma_map_single: 'single',
  dma_map_single_attrs: 'single',
  dma_map_page: 'single',
  dma_map_page_attrs: 'single',
  // Subsystem wrappers of dma_map_page (include/linux/blkdev.h, include/linux/skbuff.h).
  dma_map_bvec: 'single',
  skb_frag_dma_map: 'single',
  dma_unmap_single: 'single',
  dma_unmap_single_attrs: 'single',
  dma_unmap_page: 'single',
  dma_unmap_page_attrs: 'single',
  dma_map_sg: 'scather-gather',
  dma_map_sg_attrs: 'scather-gather',
  dma_map_sgtable: 'scather-gather',
  dma_unmap_sg: 'scather-gather',
  dma_unmap_sg_attrs: 'scather-gather',
  dma_unmap_sgtable: 'scather-gather',
  dma_alloc_coherent: 'coherent',
  dma_alloc_attrs: 'coherent',
  dma_alloc_wc: 'coherent',
  dmam_alloc_coherent: 'coherent',
  dma_free_coherent: 'coherent',
  dma_free_attrs: 'coherent',
  dma_free_wc: 'coherent',
  dma_map_resource: 'resource',
  dma_unmap_resource: 'resource',
};

export function debugEntryType(api: string): DebugEntryType | null {
  return ENTRY_TYPE[api] ?? null;
}

/** Maps whose failure is the DMA_MAPPING_ERROR value that only dma_mapping_error() recognises. */
const ERROR_VALUE_MAPS = new Set([
  'dma_map_single',
  'dma_map_single_attrs',
  'dma_map_page',
  'dma_map_page_attrs',
  'dma_map_bvec',
  'skb_frag_dma_map',
  'dma_map_resource',
  'virtqueue_dma_map_single_attrs',
]);

export function returnsMappingErrorValue(api: string): boolean {
  return ERROR_VALUE_MAPS.has(api);
}

/** Calls that create a streaming mapping of a CPU buffer given by pointer. */
export function mapsCpuPointer(api: string): boolean {
  return api === 'dma_map_single' || api === 'dma_map_single_attrs' || api === 'virtqueue_dma_map_single_attrs';
}

export function isStreamingMap(site: CallSite): boolean {
  return site.kind === 'map' && debugEntryType(site.api) !== null;
}

/** Unmap and free calls (the ones dma-debug's check_unmap sees). */
export function isRelease(site: CallSite): boolean {
  return site.kind === 'unmap' || site.kind === 'free';
}

/** Syncs that hand the buffer to the CPU, and those that hand it back to the device (the catalogue's operation). */
export function isSyncForCpu(api: string): boolean {
  return catalogueEntry(api)?.op === 'sync_for_cpu';
}

export function isSyncForDevice(api: string): boolean {
  return catalogueEntry(api)?.op === 'sync_for_device';
}

export function kernelDirectionName(direction: Direction): string {
  return DIRECTION_KERNEL_NAME[direction];
}

/**
 * A map whose handle is stored and never passed to dma_mapping_error(). Only a handle stored in a variable
 * can be judged: a handle returned or passed straight on is checked (or not) somewhere this file does not show.
 */
export function isUncheckedMapping(site: CallSite): boolean {
  const stored = site.resultUse === 'assigned' || site.resultUse === 'declared';
  return (
    site.kind === 'map' &&
    returnsMappingErrorValue(site.api) &&
    stored &&
    site.handle !== null &&
    !site.checked &&
    site.enclosingFunction !== null
  );
}

/** The function that recognises a failed map of this API. */
export function checkFunction(site: CallSite): string {
  return site.api.startsWith('virtqueue_') ? 'virtqueue_dma_mapping_error' : 'dma_mapping_error';
}
