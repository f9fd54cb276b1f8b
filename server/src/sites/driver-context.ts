// What a file's call sites are simulated with, beyond the call itself: the platforms selected for it
// (with their validated overrides) and the streaming DMA mask its driver sets. Every feature takes this
// one object, so that facts learned about the driver (its target platforms, bus, resolved sizes, boards)
// arrive as new fields here rather than as new parameters of every function that simulates.
import type { CallSite } from '../analysis/callsite';
import type { PlatformModel } from './platform-model';

export interface DriverContext {
  /** The selected platforms with the user's overrides; the door to the core. */
  readonly model: PlatformModel;
  /** The streaming mask the driver sets with a constant DMA_BIT_MASK(n), or null when the source does not say. */
  readonly mask: FileMask | null;
}

/** The context of one file: built once per file (and per text version) and passed to every feature. */
export function driverContext(model: PlatformModel, sites: readonly CallSite[]): DriverContext {
  return { model, mask: fileStreamingMask(sites) };
}

export interface FileMask {
  bits: number;
  /** Zero-based line of the call that sets it. */
  line: number;
}

export const STREAMING_MASK_SETTERS: ReadonlySet<string> = new Set([
  'dma_set_mask',
  'dma_set_mask_and_coherent',
  'dma_coerce_mask_and_coherent',
]);

/**
 * The streaming DMA mask a file's driver sets, when the source says so unambiguously. Simulations of the
 * file's calls then run with that mask instead of the profile's default, so a 32-bit-only driver is shown
 * TCE hypercalls on pseries and bouncing on x86 (spec §1.6, §4.3). The usual fallback idiom (try 64
 * bits, then 32) counts as 64 bits: that is what a capable platform grants.
 */
export function fileStreamingMask(sites: readonly CallSite[]): FileMask | null {
  const masks: FileMask[] = [];
  for (const site of sites) {
    if (!STREAMING_MASK_SETTERS.has(site.api)) continue;
    const bits = maskBits(site.args[1]);
    // A mask the source does not state as a constant makes the driver's mask unknown.
    if (bits === null) return null;
    masks.push({ bits, line: site.range.start.line });
  }
  if (masks.length === 0) return null;
  const widest = masks.find((mask) => mask.bits >= 64);
  if (widest) return widest;
  return masks.every((mask) => mask.bits === masks[0]!.bits) ? masks[0]! : null;
}

/** The bit count of a `DMA_BIT_MASK(n)` argument, or null for anything else. */
export function maskBits(text: string | undefined): number | null {
  const match = /^DMA_BIT_MASK\s*\(\s*(\d+)\s*\)$/.exec((text ?? '').trim());
  return match ? Number(match[1]) : null;
}
