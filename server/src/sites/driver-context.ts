// What a file's call sites are simulated with, beyond the call itself: the platforms chosen for it (its
// build targets, or the user's list, with the validated overrides), its device (bus and initial masks,
// from the driver structure it registers) and the DMA mask its driver sets. This is the one place that
// computes it; every feature takes this object, so that facts learned about the driver arrive as new
// fields here rather than as new parameters of every function that simulates.
import type { CallSite } from '../analysis/callsite';
import { driverRegistrations, type DriverRegistration } from '../analysis/driver-bus';
import { deviceFacts, deviceOverrides, type DeviceFacts, type MasksSet, type SizeResolver } from './device-facts';
import {
  filePlatforms,
  withCustomPlatforms,
  type BuildTargets,
  type FilePlatforms,
  type PlatformChoice,
} from './file-platforms';
import type { PlatformModel } from './platform-model';
import type { PlatformProfile } from '@dmalens/core';
import { wireJson } from './wire';

export interface DriverContext {
  /** The file's platforms with the user's overrides and the device's facts; the door to the core. */
  readonly model: PlatformModel;
  /** How the file's platforms were chosen: its build targets, the default set, or the user's list. */
  readonly platforms: FilePlatforms;
  /** The bus and initial masks of the driver's device. */
  readonly device: DeviceFacts;
  /** The mask the driver sets with a constant DMA_BIT_MASK(n), or null when the source does not say. */
  readonly mask: FileMask | null;
  /** The device's streaming mask in words: the driver's chain, its initial width, or unknown. */
  readonly maskWords: string;
  /** The same in a few words, for hovers: `DMA_BIT_MASK(64) (line 12; 32 where refused)`. */
  readonly maskShort: string;
  /** Size arguments through the headers of the file's kernel tree (the index memoises them); null outside one. */
  readonly sizes: SizeResolver | null;
  /** True for virtio_ring.c, whose DMA calls run only where vring_use_dma_api() is true. */
  readonly virtioRing: boolean;
  /** Board nodes the driver binds to, simulated after the file's platforms (empty outside the editor). */
  readonly boards: readonly BoardPlacement[];
  /** Equal for contexts that give equal simulations equal rows: platforms, device parameters, virtio gate. */
  readonly rowsKey: string;
}

/** Where a file sits: how platforms are chosen and what its kernel tree's build system says of it. */
export interface FilePlacement {
  choice: PlatformChoice;
  targets: BuildTargets | null;
  /** Resolves size arguments for the machines of the given platforms; absent outside a kernel tree. */
  sizesFor?: (platformIds: readonly string[]) => SizeResolver | null;
  /** The file's path or URI, when known. */
  path?: string;
  /** Device-tree board nodes to show as further platforms. */
  boards?: readonly BoardPlacement[];
  /**
   * The driver structures the other files of the file's module define (its composite object), asked only
   * when the file defines none: a helper file's device is its driver's.
   */
  moduleRegistrations?: () => readonly DriverRegistration[];
}

/** A board node as a platform, and why it is shown. */
export interface BoardPlacement {
  profile: PlatformProfile;
  /** One line for hovers: which board and node, and what brought it in. */
  why: string;
}

/** The parts of an analysed file the context reads. */
export interface AnalysedFile {
  sites: readonly CallSite[];
  text: string;
}

/**
 * The context of one file: built once per file (and per text version) and passed to every feature.
 * `model` holds the selection of the settings (the default platforms when they say `auto`).
 */
export function driverContext(
  model: PlatformModel,
  file: AnalysedFile,
  placement: FilePlacement = { choice: 'setting', targets: null },
): DriverContext {
  const selected = model.selected.map((profile) => profile.id);
  const customs = model.available().filter((profile) => profile.extends);
  const platforms = withCustomPlatforms(filePlatforms(placement.choice, selected, placement.targets), customs);
  const own = driverRegistrations(file.text);
  const device = deviceFacts(own.length > 0 ? own : (placement.moduleRegistrations?.() ?? []));
  const mask = fileStreamingMask(file.sites);
  const overrides = deviceOverrides(device, masksSet(file.sites));
  const virtioRing = /(^|\/)drivers\/virtio\/virtio_ring\.c$/.test(placement.path ?? '');
  const boards = placement.boards ?? [];
  const boardProfiles = boards.map((board) => board.profile);
  return {
    model: model.withSelection(platforms.ids, overrides, boardProfiles),
    platforms,
    device,
    mask,
    maskWords: maskWords(mask, file.sites, device),
    maskShort: maskShort(mask, file.sites, device),
    sizes: placement.sizesFor?.(platforms.ids) ?? null,
    virtioRing,
    boards,
    rowsKey: wireJson([platforms.ids, overrides, virtioRing, boardProfiles.map(({ id, params }) => [id, params])]),
  };
}

function maskWords(mask: FileMask | null, sites: readonly CallSite[], device: DeviceFacts): string {
  if (mask) {
    const others = mask.chain
      .filter((step) => step.line !== mask.line)
      .map((step) => `DMA_BIT_MASK(${step.bits}) on line ${step.line + 1}`);
    const fallback = others.length ? ` (where that is refused: ${others.join(', then ')})` : '';
    return `DMA_BIT_MASK(${mask.bits}) as set on line ${mask.line + 1}${fallback}`;
  }
  const setter = sites.find((site) => STREAMING_MASK_SETTERS.has(site.api));
  if (setter)
    return `set from \`${setter.args[1] ?? '?'}\` on line ${setter.range.start.line + 1}, not a constant: unknown, each platform's own mask is used`;
  if (device.initialMaskBits !== null)
    return `not set by the driver: the ${device.initialMaskBits}-bit mask the device starts with`;
  return "not set in this file, and the device's initial mask is unknown: each platform's own mask is used";
}

function maskShort(mask: FileMask | null, sites: readonly CallSite[], device: DeviceFacts): string {
  if (mask) {
    const fallbacks = mask.chain.filter((step) => step.line !== mask.line).map((step) => `${step.bits}`);
    const refused = fallbacks.length ? `; ${fallbacks.join(', then ')} where refused` : '';
    return `DMA_BIT_MASK(${mask.bits}) (line ${mask.line + 1}${refused})`;
  }
  if (sites.some((site) => STREAMING_MASK_SETTERS.has(site.api))) return 'not a constant: each platform’s own';
  if (device.initialMaskBits !== null) return `not set: the device’s initial ${device.initialMaskBits} bits`;
  return 'unknown: each platform’s own';
}

export interface FileMask {
  bits: number;
  /** Zero-based line of the call that sets it. */
  line: number;
  /** Which masks the call sets: dma_set_mask only the streaming one. */
  which: 'streaming' | 'both';
  /** Every constant mask the driver sets, in source order: the first that the platform accepts applies. */
  chain: readonly { bits: number; line: number }[];
}

/**
 * The calls that set the streaming mask, and whether they set the coherent mask too. The pci_* wrappers
 * are gone in Linux 6.1 (removed-api reports them), so they set nothing a 6.1 kernel would run.
 */
const MASK_SETTERS: ReadonlyMap<string, FileMask['which']> = new Map([
  ['dma_set_mask', 'streaming'],
  ['dma_set_mask_and_coherent', 'both'],
  ['dma_coerce_mask_and_coherent', 'both'],
]);

export const STREAMING_MASK_SETTERS: ReadonlySet<string> = new Set(MASK_SETTERS.keys());

const COHERENT_ONLY_SETTERS: ReadonlySet<string> = new Set(['dma_set_coherent_mask']);

/** Which masks the driver sets at all, whatever the value: a mask it sets is not the device's initial one. */
function masksSet(sites: readonly CallSite[]): MasksSet {
  let streaming = false;
  let coherent = false;
  for (const site of sites) {
    const which = MASK_SETTERS.get(site.api);
    if (which) streaming = true;
    if (which === 'both' || COHERENT_ONLY_SETTERS.has(site.api)) coherent = true;
  }
  return { streaming, coherent };
}

/**
 * The streaming DMA mask a file's driver sets, when the source says so unambiguously. Simulations of the
 * file's calls then run with that mask instead of the device's initial one, so a 32-bit-only driver is
 * shown TCE hypercalls on pseries and bouncing on x86 (spec §1.6, §4.3). The usual fallback idiom (try 64
 * bits, then 32) is simulated with 64 bits, what a capable platform grants; `chain` keeps the fallback.
 */
export function fileStreamingMask(sites: readonly CallSite[]): FileMask | null {
  const masks: FileMask[] = [];
  for (const site of sites) {
    const which = MASK_SETTERS.get(site.api);
    if (!which) continue;
    const bits = maskBits(site.args[1]);
    // A mask the source does not state as a constant makes the driver's mask unknown.
    if (bits === null) return null;
    masks.push({ bits, line: site.range.start.line, which, chain: [] });
  }
  if (masks.length === 0) return null;
  const chain = masks.map(({ bits, line }) => ({ bits, line }));
  const widest = masks.find((mask) => mask.bits >= 64);
  if (widest) return { ...widest, chain };
  return masks.every((mask) => mask.bits === masks[0]!.bits) ? { ...masks[0]!, chain } : null;
}

/** The bit count of a `DMA_BIT_MASK(n)` argument, or null for anything else. */
export function maskBits(text: string | undefined): number | null {
  const match = /^DMA_BIT_MASK\s*\(\s*(\d+)\s*\)$/.exec((text ?? '').trim());
  return match ? Number(match[1]) : null;
}
