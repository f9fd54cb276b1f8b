// The bus a driver's device sits on, read from the driver structure the file registers: a `pci_driver`
// probes PCI functions, a `vio_driver` pseries virtual I/O devices, and so on. The bus decides the
// kernel's setup path (PCI-only offsets, the pseries VIO window) and the masks a device starts with.

/** Driver structures of the buses the simulation tells apart, and of buses whose DMA another device does. */
export type DriverKind = 'pci' | 'platform' | 'amba' | 'vio' | 'ccw' | 'virtio' | 'usb';

export interface DriverRegistration {
  kind: DriverKind;
  /** The structure's name, e.g. `ibmveth_driver`. */
  name: string;
  /** Zero-based line of the definition. */
  line: number;
  /** The file that defines it, when it is another file of the module than the one analysed. */
  file?: string;
}

// `struct pci_driver foo_driver = {` with storage classes before and attributes between name and `=`.
// Bounded pieces only, so the search stays linear on any text.
const DEFINITION = /\bstruct\s+(pci|platform|amba|vio|ccw|virtio|usb)_driver\s+(\w+)[^=;{}()\n]{0,80}=\s*\{/g;

/** Every driver structure the file defines, in source order. */
export function driverRegistrations(text: string): DriverRegistration[] {
  const found: DriverRegistration[] = [];
  // Lines are counted from the previous match on, so many matches still cost one pass over the text.
  let line = 0;
  let counted = 0;
  for (const match of text.matchAll(DEFINITION)) {
    for (
      let index = text.indexOf('\n', counted);
      index !== -1 && index < match.index;
      index = text.indexOf('\n', index + 1)
    )
      line++;
    counted = match.index;
    found.push({ kind: match[1] as DriverKind, name: match[2]!, line });
  }
  return found;
}
