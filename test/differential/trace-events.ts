// Reads the trace a guest printed (ftrace's text format) into events: the DMA-API calls of the traced
// device with physical addresses worked out from struct page pointers, and the swiotlb, IOMMU, VT-d
// invalidation and powerpc hypercall events between them.
import type { GuestArch } from './guest-kernels';
import { MARKERS } from './guest-init';

export type Direction = 'bidirectional' | 'to_device' | 'from_device' | 'none';
const DIRECTIONS: Direction[] = ['bidirectional', 'to_device', 'from_device', 'none'];

export type GuestEventBody =
  | { kind: 'set_mask'; dev: string; mask: bigint; which: 'streaming' | 'coherent' }
  | { kind: 'alloc'; dev: string; size: bigint }
  /** `phys` is null when the buffer is not in the linear map (dma-iommu's remapped allocation). */
  | { kind: 'alloc_ret'; phys: bigint | null }
  | { kind: 'free'; dev: string; size: bigint; dma: bigint }
  | { kind: 'queue_address'; index: number; desc: bigint; driver: bigint; device: bigint }
  | { kind: 'map'; dev: string; phys: bigint; size: bigint; dir: Direction }
  | { kind: 'map_ret'; dma: bigint }
  | { kind: 'unmap'; dev: string; dma: bigint; size: bigint; dir: Direction }
  | { kind: 'swiotlb_slot'; slot: bigint; pool: bigint | null }
  | { kind: 'iommu_map'; iova: bigint; paddr: bigint; size: bigint }
  | { kind: 'iommu_unmap'; iova: bigint; size: bigint }
  /** A VT-d IOTLB invalidation descriptor: granularity 1 global, 2 domain (DSI), 3 page-selective (PSI). */
  | { kind: 'iotlb_inv'; granularity: 'global' | 'domain' | 'page'; addr: bigint; am: number }
  | { kind: 'hcall'; opcode: number }
  /** An OPAL firmware call on bare-metal powerpc (only OPAL_PCI_TCE_KILL is traced). */
  | { kind: 'opal'; opcode: number }
  /** dma-iommu's flush-queue timer ran (fq_flush_timeout). */
  | { kind: 'fq_timeout' };

export type GuestEvent = GuestEventBody & { time: number };

interface Layout {
  pageShift: bigint;
  /** The vmemmap base when the trace does not carry it. */
  vmemmap: bigint | null;
  pageOffset: bigint | null;
}

const LAYOUT: Record<GuestArch, Layout> = {
  amd64: { pageShift: 12n, vmemmap: null, pageOffset: null },
  // Book3S-64 with 64 KiB pages: the linear map at 0xc000…, vmemmap at 0xc00c… (radix and hash alike).
  ppc64el: { pageShift: 16n, vmemmap: 0xc00c000000000000n, pageOffset: 0xc000000000000000n },
};

/** sizeof(struct page) on both 64-bit kernels. */
const STRUCT_PAGE = 64n;

const LINE = /^\s*.+?-\d+\s+\[\d+\]\s+\S+\s+(\d+\.\d+): (\w+): (.*)$/;

/** The trace printed between the markers; throws when the guest did not print it whole. */
export function traceText(console: string): string {
  const begin = console.indexOf(MARKERS.begin);
  const end = console.indexOf(MARKERS.end);
  if (begin < 0 || end < begin) throw new Error('the guest printed no trace');
  return console.slice(begin + MARKERS.begin.length, end);
}

/** Guest-side failures the init script reported. */
export function guestProblems(console: string): string[] {
  return console
    .split('\n')
    .filter((line) => line.startsWith(MARKERS.probeFailed) || line.startsWith(MARKERS.ioFailed));
}

export function parseTrace(text: string, arch: GuestArch): GuestEvent[] {
  const layout = LAYOUT[arch];
  const events: GuestEvent[] = [];
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const time = Number(match[1]);
    const event = readEvent(match[2]!, match[3]!, layout);
    if (event) events.push({ time, ...event });
  }
  return events;
}

type Body = Record<string, string>;

function fields(text: string): Body {
  const body: Body = {};
  for (const [, key, value] of text.matchAll(/(\w+)=("[^"]*"|\S+)/g)) body[key!] = value!.replace(/^"|"$/g, '');
  return body;
}

const big = (value: string | undefined): bigint => BigInt(value ?? 'x');

function readEvent(name: string, rest: string, layout: Layout): GuestEventBody | null {
  const f = fields(rest);
  switch (name) {
    case 'set_mask':
    case 'set_coherent_mask':
      return {
        kind: 'set_mask',
        dev: f.dev!,
        mask: big(f.mask),
        which: name === 'set_mask' ? 'streaming' : 'coherent',
      };
    case 'dma_alloc':
      return { kind: 'alloc', dev: f.dev!, size: big(f.size) };
    case 'dma_alloc_ret':
      return { kind: 'alloc_ret', phys: linearToPhys(big(f.virt), f.pob ? big(f.pob) : layout.pageOffset!) };
    case 'dma_free':
      return { kind: 'free', dev: f.dev!, size: big(f.size), dma: big(f.dma) };
    case 'queue_address':
      return {
        kind: 'queue_address',
        index: Number(f.index),
        desc: big(f.desc),
        driver: big(f.driver),
        device: big(f.device),
      };
    case 'dma_map': {
      const vmemmap = f.vmemmap ? big(f.vmemmap) : layout.vmemmap!;
      const pfn = (big(f.page) - vmemmap) / STRUCT_PAGE;
      return {
        kind: 'map',
        dev: f.dev!,
        phys: (pfn << layout.pageShift) + big(f.off),
        size: big(f.size),
        dir: DIRECTIONS[Number(f.dir)]!,
      };
    }
    case 'dma_map_ret':
      return { kind: 'map_ret', dma: big(f.dma) };
    case 'dma_unmap':
      return { kind: 'unmap', dev: f.dev!, dma: big(f.dma), size: big(f.size), dir: DIRECTIONS[Number(f.dir)]! };
    case 'swiotlb_slot':
      return { kind: 'swiotlb_slot', slot: big(f.slot), pool: f.pool ? big(f.pool) : null };
    case 'map':
      return rest.startsWith('IOMMU:')
        ? { kind: 'iommu_map', iova: big(f.iova), paddr: big(f.paddr), size: big(f.size) }
        : null;
    case 'unmap':
      return rest.startsWith('IOMMU:') ? { kind: 'iommu_unmap', iova: big(f.iova), size: big(f.size) } : null;
    case 'qi_submit':
      return readInvalidation(rest);
    case 'fq_timeout':
      return { kind: 'fq_timeout' };
    case 'hcall_entry':
      return { kind: 'hcall', opcode: Number(f.opcode) };
    case 'opal_entry':
      return { kind: 'opal', opcode: Number(f.opcode) };
    default:
      return null;
  }
}

/** Physical address of a linear-map address; null for vmalloc or other mappings. */
function linearToPhys(virt: bigint, pageOffset: bigint): bigint | null {
  const offset = virt - pageOffset;
  return offset >= 0n && offset < 1n << 46n ? offset : null;
}

const GRANULARITY = { 1: 'global', 2: 'domain', 3: 'page' } as const;

/** `iotlb_inv dmar0: qw0 qw1 qw2 qw3`: QI_IOTLB_GRAN in qw0 bits 4-5, address and AM in qw1. */
function readInvalidation(rest: string): GuestEventBody | null {
  const match = /^iotlb_inv \S+: (0x[0-9a-f]+) (0x[0-9a-f]+)/.exec(rest);
  if (!match) return null;
  const qw0 = BigInt(match[1]!);
  const qw1 = BigInt(match[2]!);
  const granularity = GRANULARITY[Number((qw0 >> 4n) & 3n) as 1 | 2 | 3];
  return { kind: 'iotlb_inv', granularity, addr: qw1 & ~0xfffn, am: Number(qw1 & 0x3fn) };
}
