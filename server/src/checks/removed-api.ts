// APIs that drivers still carry from older trees but that are gone from the 6.1 baseline (spec §7.5);
// the facts (version, replacement) are the API catalogue's.
// Where the successor takes the same arguments after a mechanical rewrite (the pci_* compat wrappers
// took the pci_dev and PCI_DMA_* constants), a quick fix performs it.
import type { CallSite } from '../analysis/callsite';
import { catalogueEntry, type ApiEntry } from '@dmalens/core';
import type { CheckContext, Fix, Rule, RuleFinding } from './rule';

/** How to rewrite a call into its successor, when that is mechanical. */
interface Rewrite {
  /** For pci_* wrappers: the dma_* successor taking `&pdev->dev` first. */
  successor?: string;
  /** Extra trailing argument the successor needs: pci_alloc_consistent allocated with GFP_ATOMIC. */
  appendArg?: string;
  /** Same arguments, other name. */
  rename?: string;
}

const REWRITES: Record<string, Rewrite> = {
  pci_map_single: { successor: 'dma_map_single' },
  pci_unmap_single: { successor: 'dma_unmap_single' },
  pci_map_page: { successor: 'dma_map_page' },
  pci_unmap_page: { successor: 'dma_unmap_page' },
  pci_map_sg: { successor: 'dma_map_sg' },
  pci_unmap_sg: { successor: 'dma_unmap_sg' },
  pci_dma_mapping_error: { successor: 'dma_mapping_error' },
  pci_alloc_consistent: { successor: 'dma_alloc_coherent', appendArg: 'GFP_ATOMIC' },
  pci_zalloc_consistent: { successor: 'dma_alloc_coherent', appendArg: 'GFP_ATOMIC' },
  pci_free_consistent: { successor: 'dma_free_coherent' },
  pci_set_dma_mask: { successor: 'dma_set_mask' },
  pci_set_consistent_dma_mask: { successor: 'dma_set_coherent_mask' },
  pci_dma_sync_single_for_cpu: { successor: 'dma_sync_single_for_cpu' },
  pci_dma_sync_single_for_device: { successor: 'dma_sync_single_for_device' },
  pci_dma_sync_sg_for_cpu: { successor: 'dma_sync_sg_for_cpu' },
  pci_dma_sync_sg_for_device: { successor: 'dma_sync_sg_for_device' },
  dma_zalloc_coherent: { rename: 'dma_alloc_coherent' },
};

const PCI_DIRECTIONS: Record<string, string> = {
  PCI_DMA_TODEVICE: 'DMA_TO_DEVICE',
  PCI_DMA_FROMDEVICE: 'DMA_FROM_DEVICE',
  PCI_DMA_BIDIRECTIONAL: 'DMA_BIDIRECTIONAL',
  PCI_DMA_NONE: 'DMA_NONE',
};

/** The catalogue entry of an API the 6.1 kernel no longer has, or null. */
export function removedEntry(api: string): ApiEntry | null {
  const entry = catalogueEntry(api);
  return entry?.removedIn ? entry : null;
}

export const removedApi: Rule = {
  id: 'removed-api',
  title: 'API removed from the kernel',
  defaultSeverity: 'error',
  platformDependent: false,
  check({ sites }: CheckContext): RuleFinding[] {
    return sites.flatMap((site) => {
      const entry = removedEntry(site.api);
      if (!entry) return [];
      const rewrite = REWRITES[site.api];
      return [
        {
          range: site.nameRange,
          message: `${site.api}() was removed in Linux ${entry.removedIn} (${entry.header}); use ${entry.replacement ?? 'the DMA API'}.${entry.note ? ` ${entry.note}` : ''}`,
          fix: rewrite ? replacementFix(site, rewrite) : undefined,
        },
      ];
    });
  },
};

function replacementFix(site: CallSite, removal: Rewrite): Fix | undefined {
  if (removal.rename)
    return {
      title: `Replace ${site.api} with ${removal.rename}`,
      edits: [{ range: site.nameRange, newText: removal.rename }],
    };
  if (!removal.successor || site.args.length === 0 || site.argRanges.length !== site.args.length) return undefined;
  const device = site.args[0]!.trim();
  // A plain member chain (`adapter->pdev`) binds tighter than `&` and needs no parentheses.
  const deviceArg = /^[A-Za-z_]\w*((->|\.)[A-Za-z_]\w*)*$/.test(device) ? `&${device}->dev` : `&(${device})->dev`;
  const rest = site.args.slice(1).map((arg) => PCI_DIRECTIONS[arg.trim()] ?? arg);
  const args = [deviceArg, ...rest, ...(removal.appendArg ? [removal.appendArg] : [])];
  const argsRange = { start: site.argRanges[0]!.start, end: site.argRanges[site.argRanges.length - 1]!.end };
  return {
    title: `Replace ${site.api} with ${removal.successor}`,
    edits: [
      { range: argsRange, newText: args.join(', ') },
      { range: site.nameRange, newText: removal.successor },
    ],
  };
}
