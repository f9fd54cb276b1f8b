// What the device of a file's driver is, as far as the source says: the bus it sits on (from the driver
// structure the file registers) and the DMA masks the kernel gives such a device before its driver sets
// any. Both go into every simulation of the file's calls; what the file does not say stays unknown and
// the profile's own value is used, said so in words.
import type { DriverKind, DriverRegistration } from '../analysis/driver-bus';

export type DeviceBus = 'pci' | 'platform' | 'vio' | 'ccw';

export interface DeviceFacts {
  /** The bus the simulation uses, or null when the file does not say (the profile's own). */
  bus: DeviceBus | null;
  /** The width of the masks the device starts with, or null when unknown (the profile's own). */
  initialMaskBits: number | null;
  /** In words, naming the driver structure and the kernel function that sets the masks. */
  why: string;
}

const BY_KIND: Record<DriverKind, DeviceFacts> = {
  pci: {
    bus: 'pci',
    initialMaskBits: 32,
    why: 'a PCI function starts with 32-bit masks (drivers/pci/probe.c:pci_setup_device)',
  },
  platform: {
    bus: 'platform',
    initialMaskBits: 32,
    why: 'a platform device starts with 32-bit masks (drivers/of/platform.c:of_platform_device_create_pdata, drivers/base/platform.c:setup_pdev_dma_masks)',
  },
  amba: {
    bus: 'platform',
    initialMaskBits: 32,
    why: 'an AMBA device starts with a 32-bit mask (drivers/of/platform.c:of_amba_device_create)',
  },
  vio: {
    bus: 'vio',
    initialMaskBits: 64,
    why: 'a pseries VIO device starts with 64-bit masks and maps through its own TCE window (arch/powerpc/platforms/pseries/vio.c:vio_register_device_node)',
  },
  ccw: {
    bus: 'ccw',
    initialMaskBits: null,
    why: 'an s390 channel device; its subchannel sets the masks (drivers/s390/cio/css.c:css_alloc_subchannel)',
  },
  virtio: {
    bus: 'pci',
    initialMaskBits: 64,
    why: "DMA is done by the virtio transport's device; with virtio-pci a PCI function given 64-bit masks (drivers/virtio/virtio_pci_modern_dev.c:vp_modern_probe)",
  },
  usb: {
    bus: null,
    initialMaskBits: null,
    why: 'DMA is done by the USB host controller, whose bus and masks this file does not say',
  },
};

/** The device facts of a file from the driver structures it defines. */
export function deviceFacts(registrations: readonly DriverRegistration[]): DeviceFacts {
  const kinds = [...new Set(registrations.map((registration) => registration.kind))];
  if (kinds.length === 0)
    return { bus: null, initialMaskBits: null, why: 'no driver structure in this file: bus and masks unknown' };
  if (kinds.length > 1) {
    const names = registrations.map((registration) => `${registration.kind}_driver ${registration.name}`).join(', ');
    return { bus: null, initialMaskBits: null, why: `several buses (${names}): bus and masks unknown` };
  }
  const first = registrations[0]!;
  const facts = BY_KIND[first.kind];
  const where = first.file ? `${first.file}:${first.line + 1}, the same module` : `line ${first.line + 1}`;
  return { ...facts, why: `struct ${first.kind}_driver ${first.name} (${where}): ${facts.why}` };
}

/** Which masks the driver sets itself (with a constant or not): those do not keep their initial width. */
export interface MasksSet {
  streaming: boolean;
  coherent: boolean;
}

/** The session parameters the facts fix; the profile keeps the others. */
export function deviceOverrides(facts: DeviceFacts, set: MasksSet): Record<string, string | number> {
  const bits = facts.initialMaskBits;
  return {
    ...(facts.bus ? { bus: facts.bus } : {}),
    ...(bits !== null && !set.streaming ? { dma_mask: bits } : {}),
    ...(bits !== null && !set.coherent ? { coherent_mask: bits } : {}),
  };
}

/** What the tree's headers make of a size argument: a value with the words that explain it, or why not. */
export type SizeAnswer = { value: bigint; words: string } | { unknown: string };

/** Resolves a size argument as written in the file, for the file's platforms. */
export type SizeResolver = (text: string) => SizeAnswer;
