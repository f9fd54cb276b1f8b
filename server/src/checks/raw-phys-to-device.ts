// A CPU physical address (virt_to_phys, __pa, page_to_phys, sg_phys) written where the device reads it:
// a descriptor field, an MMIO register write or an endianness conversion for the device. The device
// needs a DMA address, which differs from phys on every platform that translates (IOMMU, TCE, bypass
// offset, dma-ranges window) or bounces (confidential guests). The rule says which selected platforms
// break, from the core's simulation of a map of the same memory.
import type { CallSite } from '../analysis/callsite';
import { regionAround } from '../analysis/regions';
import { formatAddress } from '@dmalens/core';
import { EXAMPLE_PHYS_VALUE, outcomeWords, rawPhysOutcomes, type PlatformModel } from '../sites';
import type { CheckContext, Rule, RuleFinding } from './rule';

/**
 * isa_virt_to_bus is left out: ISA DMA addresses are physical by definition (below 16 MiB on x86), which
 * is what the helper exists for.
 */
const RAW_PHYS_HELPERS = new Set(['virt_to_phys', '__pa', 'page_to_phys', 'sg_phys', 'virt_to_bus']);

/**
 * Code whose physical addresses are read by a platform component rather than by a DMA master behind the
 * DMA API: architecture code (the CPU itself, the MMU, firmware: secondary CPU boot registers, process
 * tables, RTAS/OPAL buffers), IOMMU drivers (an IOMMU reads its own tables and invalidation descriptors by
 * physical address), interrupt controllers (the GIC ITS tables), PCI host-bridge drivers (they program the
 * inbound windows that translate physical addresses), the AGP GART bridge, s390 channel I/O (absolute
 * addresses by architecture) and firmware drivers.
 */
const PLATFORM_CODE = /(^|\/)(arch|drivers\/(iommu|irqchip|pci\/controller|char\/agp|s390|firmware))\//;

/**
 * powerpc drivers that talk to firmware or the hypervisor (OPAL, PAPR hypercalls, RTAS), which take real
 * addresses: through the architecture's headers, or through a driver's own hypercall wrappers (cxl's
 * "hcalls.h", whose guest code hands the hypervisor lists of real addresses).
 */
const ASM_FIRMWARE_HEADERS = ['opal', 'hvcall', 'rtas'];
const OWN_FIRMWARE_HEADERS = [...ASM_FIRMWARE_HEADERS, 'hcall', 'hcalls'];
const FIRMWARE_INTERFACE = new RegExp(
  `^[ \\t]*#[ \\t]*include[ \\t]*(<asm/(${ASM_FIRMWARE_HEADERS.join('|')})\\.h>|"([\\w.-]+/)*(${OWN_FIRMWARE_HEADERS.join('|')})\\.h")`,
  'm',
);

function isPlatformCode(path: string | undefined, text: string): boolean {
  // The multiline pattern tries every line start, so it runs only on files that name such a header at all.
  const namesFirmwareHeader = OWN_FIRMWARE_HEADERS.some((name) => text.includes(`${name}.h`));
  return (path !== undefined && PLATFORM_CODE.test(path)) || (namesFirmwareHeader && FIRMWARE_INTERFACE.test(text));
}

/** Calls whose argument goes to the device: endianness conversions for descriptors and MMIO writes. */
const DEVICE_SINKS =
  /^(cpu_to_(le|be)(16|32|64)|writel|writeq|writel_relaxed|writeq_relaxed|iowrite32|iowrite64|iowrite32be|iowrite64be|lo_hi_writeq|hi_lo_writeq|__raw_writel|__raw_writeq|out_le32|out_be32|out_le64|out_be64|writel_be|writeq_be)$/;
/** Helpers that only split or narrow a value on its way to a sink. */
const PASS_THROUGH = /^(lower_32_bits|upper_32_bits)$/;

export const rawPhysToDevice: Rule = {
  id: 'raw-phys-to-device',
  title: 'Physical address given to the device',
  defaultSeverity: 'warning',
  platformDependent: true,
  check({ sites, text, driver, path }: CheckContext): RuleFinding[] {
    const candidates = sites.filter((site) => RAW_PHYS_HELPERS.has(site.api));
    // The include test reads the whole file, so it runs only for the few files that use a raw helper.
    if (!candidates.length || isPlatformCode(path, text)) return [];
    const breaking = { phys: breakingPlatforms(driver.model, 'phys'), bus: breakingPlatforms(driver.model, 'bus') };
    if (!breaking.phys.length) return [];
    return candidates.flatMap((site) => {
      const sink = deviceSink(text, site);
      const platforms = site.api === 'virt_to_bus' ? breaking.bus : breaking.phys;
      if (!sink || !platforms.length || inVirtioNoDmaApiPath(text, site) || inDumpWriter(site)) return [];
      return [
        {
          range: site.nameRange,
          message:
            `${site.api}() gives a CPU physical address, and ${sink} hands it to the device, which needs a DMA address from the DMA API (dma_map_*/dma_alloc_coherent). ` +
            `On the selected platforms the device would see a different address for the same memory: ${platforms.join('; ')} (example phys ${formatAddress(EXAMPLE_PHYS_VALUE)}).`,
        },
      ];
    });
  },
};

/**
 * Platforms whose map of the example buffer gives the device another address than the raw helper does.
 * `phys` helpers give the CPU physical address. virt_to_bus() (6.1 keeps it on ppc32 and m68k) gives the
 * physical address plus the platform's fixed bus offset (arch/powerpc/include/asm/io.h: + PCI_DRAM_OFFSET),
 * which is what dma-direct gives there too; it differs only where an IOMMU or a bounce buffer is in the way.
 */
function breakingPlatforms(model: PlatformModel, helper: 'phys' | 'bus'): string[] {
  return rawPhysOutcomes(model)
    .filter((outcome) => (helper === 'bus' ? outcome.result.path !== 'dma-direct' : !outcome.sameAsPhys))
    .map(({ profile, result }) => `${profile.short}: ${outcomeWords(result)}`);
}

/**
 * Virtio drivers choose between the DMA API and guest-physical addresses with `virtio_has_dma_quirk` (or
 * virtio_ring's `vring_use_dma_api`): without VIRTIO_F_ACCESS_PLATFORM the device reads guest-physical
 * memory by the virtio contract (spec §6), so a raw address in a function that makes that choice is the
 * contract's branch (virtio-gpu's `use_dma_api ? sg_dma_address : sg_phys`), not a mistake.
 */
function inVirtioNoDmaApiPath(text: string, site: CallSite): boolean {
  const definition = regionAround(text, site.offset);
  return /\b(virtio_has_dma_quirk|vring_use_dma_api)\s*\(/.test(text.slice(definition.start, definition.end));
}

/**
 * A function that writes a crash or device-core dump (etnaviv_core_dump, *_devcoredump): the addresses it
 * records in little-endian are for the reader of the dump in user space, not for the device.
 */
function inDumpWriter(site: CallSite): boolean {
  return /dump/i.test(site.enclosingFunction ?? '');
}

/** Describes where the value goes when that place is device-visible, else null. */
function deviceSink(text: string, site: CallSite): string | null {
  const prefix = statementTail(text, site.offset);
  let callee = enclosingCallee(prefix);
  let depth = 0;
  while (callee && PASS_THROUGH.test(callee.name) && depth++ < 3)
    callee = enclosingCallee(prefix.slice(0, callee.openParen));
  if (callee && DEVICE_SINKS.test(callee.name)) return `${callee.name}()`;
  const assignment = /([A-Za-z_][\w.\->[\]]*)\s*=\s*(\([^()]*\)\s*)?$/.exec(prefix);
  if (assignment && /desc|\bbd\b|sge\b|ring\[/.test(assignment[1]!)) return `the descriptor field '${assignment[1]}'`;
  return null;
}

/**
 * How far back the statement before a call is read. A sink (`desc->addr = cpu_to_le64(` or
 * `writel(`) sits within a line or two of the call; reading further made a long statement before
 * virt_to_phys cost time quadratic in its length.
 */
const STATEMENT_TAIL = 256;
const STATEMENT_ENDS = new Set([0x3b, 0x7b, 0x7d]); // ; { }

/** The text from the start of the statement holding `start` (at most STATEMENT_TAIL characters back). */
function statementTail(text: string, start: number): string {
  const floor = Math.max(0, start - STATEMENT_TAIL);
  for (let at = start - 1; at >= floor; at--)
    if (STATEMENT_ENDS.has(text.charCodeAt(at))) return text.slice(at + 1, start);
  return text.slice(floor, start);
}

/** The innermost call whose argument list is still open at the end of `prefix`. */
function enclosingCallee(prefix: string): { name: string; openParen: number } | null {
  let depth = 0;
  for (let index = prefix.length - 1; index >= 0; index--) {
    const char = prefix[index];
    if (char === ')') depth++;
    else if (char === '(') {
      if (depth === 0) {
        const name = /([A-Za-z_]\w*)\s*$/.exec(prefix.slice(0, index));
        return name ? { name: name[1]!, openParen: index } : null;
      }
      depth--;
    }
  }
  return null;
}
