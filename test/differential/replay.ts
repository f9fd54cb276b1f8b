// Replays a guest's own sequence of DMA-API calls through the simulation core, in the guest's order, and
// compares each call with what the guest kernel did: the device address, the swiotlb slot, the IOMMU maps
// and unmaps, the VT-d IOTLB invalidations and the TCE hypercalls. Every call becomes one row; a row
// matches when every fact observed on both sides is the same.
import { createSession, type OpResult } from '@dmalens/core';
import type { Configuration } from './configurations';
import { TCE_HCALLS } from './guest-init';
import type { GuestEvent } from './trace-events';

export interface Row {
  operation: string;
  simulated: string;
  real: string;
  match: boolean;
}

/** What one call did, as either side saw it. */
export interface Observation {
  dma?: bigint | null;
  slot?: bigint | null;
  iommuMaps: number;
  iommuUnmaps: number;
  invalidations: Record<'global' | 'domain' | 'page', number>;
  hypercalls: Record<string, number>;
}

type Entry = Extract<
  GuestEvent,
  { kind: 'set_mask' | 'alloc' | 'free' | 'map' | 'unmap' | 'queue_address' | 'fq_timeout' }
>;

/** One DMA-API call of the device with the events it caused, up to the next call. */
interface Call {
  entry: Entry;
  events: GuestEvent[];
}

/** A PCI device's masks before its driver sets them: pci_setup_device leaves 32-bit streaming and coherent masks. */
const PCI_DEVICE_AT_PROBE = { dma_mask: 32, coherent_mask: 32 };

const ENTRY_KINDS = new Set(['set_mask', 'alloc', 'free', 'map', 'unmap', 'queue_address', 'fq_timeout']);
const HCALL_NAMES = new Map<number, string>(Object.entries(TCE_HCALLS).map(([name, opcode]) => [opcode, name]));

export interface Replay {
  rows: Row[];
  /** Per-call observations, for the per-request summaries of docs/fidelity.md. */
  calls: Array<{ entry: Entry; real: Observation; simulated: Observation }>;
  useDmaApi: { simulated: boolean; real: boolean };
}

export function replay(config: Configuration, events: readonly GuestEvent[]): Replay {
  const device = events.find((event) => event.kind === 'set_mask')?.dev;
  if (!device) throw new Error(`${config.id}: the trace holds no dma_set_mask call: the virtio device did not probe`);
  const calls = callsOf(events, device);
  const session = createSession(config.platform, { ...PCI_DEVICE_AT_PROBE, ...config.params });
  const rows: Row[] = [];
  const observed: Replay['calls'] = [];

  const negotiated = session.run({ op: 'virtio_negotiate', offered: config.offered, transport: 'pci-modern' });
  const simulatedUseDmaApi = negotiated.details?.['useDmaApi'] === true;
  const realUseDmaApi = calls.some((call) => call.entry.kind === 'map' || call.entry.kind === 'alloc');
  rows.push(row('virtio uses the DMA API (vring_use_dma_api)', String(simulatedUseDmaApi), String(realUseDmaApi)));

  const pool = events.find((event) => event.kind === 'swiotlb_slot' && event.pool !== null);
  if (pool?.kind === 'swiotlb_slot') {
    const simulated = session.setupResult.stages.find((stage) => stage.fn === 'swiotlb_init_remap')?.out;
    rows.push(row('swiotlb default pool start (memblock_alloc_low at boot)', fmt(simulated), fmt(pool.pool)));
  }

  const live = new Map<bigint, number>();
  let vring: OpResult | null = null;
  let mapCount = 0;
  for (const [index, call] of calls.entries()) {
    const { entry } = call;
    const real = observe(call.events);
    let result: OpResult | null = null;
    let operation = '';
    switch (entry.kind) {
      case 'set_mask':
        result = session.run({ op: 'set_mask', mask: entry.mask, which: entry.which });
        operation = `${entry.which === 'streaming' ? 'dma_set_mask' : 'dma_set_coherent_mask'}(${hex(entry.mask)})`;
        break;
      case 'alloc': {
        const returned = call.events.find((event) => event.kind === 'alloc_ret');
        const pages = pagesOf(call.events, returned);
        const isVring = calls[index + 1]?.entry.kind === 'queue_address';
        result = session.run(
          isVring
            ? { op: 'vring_alloc', num: config.queueSize, ...pages }
            : { op: 'alloc_coherent', size: entry.size, ...pages },
        );
        if (isVring) vring = result;
        operation = `dma_alloc_coherent(${hex(entry.size)})${isVring ? ' for the vring' : ''}`;
        real.dma = isVring ? (calls[index + 1]!.entry as { desc: bigint }).desc : undefined;
        break;
      }
      case 'queue_address': {
        // Without the DMA API the ring comes from alloc_pages_exact: the replay takes its pages from the guest.
        vring ??= session.run({ op: 'vring_alloc', num: config.queueSize, phys: entry.desc });
        for (const [part, address] of [
          ['desc', entry.desc],
          ['avail', entry.driver],
          ['used', entry.device],
        ] as const) {
          const simulated = vring.details?.[part];
          rows.push(
            row(`vring ${part} address of queue ${entry.index}`, fmt(simulated as bigint | undefined), fmt(address)),
          );
        }
        vring = null;
        continue;
      }
      case 'map': {
        const returned = call.events.find((event) => event.kind === 'map_ret');
        result = session.run({ op: 'map_page', phys: entry.phys, size: entry.size, dir: entry.dir });
        operation = `map #${++mapCount}: dma_map_page(phys ${hex(entry.phys)}, ${hex(entry.size)}, ${entry.dir})`;
        real.dma = returned?.kind === 'map_ret' ? returned.dma : null;
        if (returned?.kind === 'map_ret') live.set(returned.dma, session.history.length - 1);
        break;
      }
      case 'unmap': {
        const of = live.get(entry.dma);
        if (of === undefined) {
          rows.push(row(`dma_unmap_page(${hex(entry.dma)})`, 'no such mapping in the replay', 'unmapped'));
          continue;
        }
        live.delete(entry.dma);
        result = session.run({ op: 'unmap', of });
        operation = `dma_unmap_page(${hex(entry.dma)}, ${hex(entry.size)})`;
        break;
      }
      case 'free':
        continue;
      case 'fq_timeout':
        result = session.run({ op: 'fq_timeout' });
        operation = 'fq_flush_timeout (the flush-queue timer fired)';
        break;
    }
    if (!result) continue;
    const simulated = simulate(result, entry.kind);
    if (real.dma === undefined) delete simulated.dma;
    observed.push({ entry, real, simulated });
    rows.push(row(operation, describe(simulated), describe(real)));
  }
  return { rows, calls: observed, useDmaApi: { simulated: simulatedUseDmaApi, real: realUseDmaApi } };
}

function callsOf(events: readonly GuestEvent[], device: string): Call[] {
  const calls: Call[] = [];
  let current: Call | null = null;
  for (const event of events) {
    if (ENTRY_KINDS.has(event.kind)) {
      const dev = 'dev' in event ? event.dev : device;
      current = dev === device ? { entry: event as Entry, events: [] } : null;
      if (current) calls.push(current);
    } else current?.events.push(event);
  }
  return calls;
}

/** The pages of an allocation: one contiguous block from the linear map, or the pages the IOMMU mapped. */
function pagesOf(events: readonly GuestEvent[], returned: GuestEvent | undefined): { phys?: bigint; pages?: bigint[] } {
  if (returned?.kind === 'alloc_ret' && returned.phys !== null) return { phys: returned.phys };
  const maps = events.filter((event) => event.kind === 'iommu_map');
  return maps.length > 0 ? { pages: maps.map((event) => (event as { paddr: bigint }).paddr) } : {};
}

function observe(events: readonly GuestEvent[]): Observation {
  const observation = emptyObservation();
  for (const event of events) {
    if (event.kind === 'swiotlb_slot') observation.slot = event.slot;
    else if (event.kind === 'iommu_map') observation.iommuMaps++;
    else if (event.kind === 'iommu_unmap') observation.iommuUnmaps++;
    else if (event.kind === 'iotlb_inv') observation.invalidations[event.granularity]++;
    else if (event.kind === 'hcall') {
      const name = HCALL_NAMES.get(event.opcode) ?? `hcall ${event.opcode}`;
      observation.hypercalls[name] = (observation.hypercalls[name] ?? 0) + 1;
    }
  }
  return observation;
}

const IOMMU_MAP_STAGES = new Set(['iommu_map_atomic', 'iommu_map']);
const INVALIDATION_KINDS: Record<string, keyof Observation['invalidations'] | undefined> = {
  PSI: 'page',
  DSI: 'domain',
};

function simulate(result: OpResult, kind: Entry['kind']): Observation {
  const observation = emptyObservation();
  observation.dma = result.dma;
  const slot = result.stages.find((stage) => stage.fn === 'swiotlb_find_slots');
  if (slot) observation.slot = slot.out;
  observation.iommuMaps = result.stages.filter((stage) => IOMMU_MAP_STAGES.has(stage.fn)).length;
  observation.iommuUnmaps = result.stages.filter((stage) => stage.fn === 'iommu_unmap_fast').length;
  for (const flush of result.costs.iotlbFlushes) {
    // A lazy unmap that arms the flush-queue timer is charged the deferred flush; the kernel does it when
    // the timer fires, which the replay runs as its own operation where the guest's trace shows it.
    if (flush.when === 'deferred' && kind !== 'fq_timeout') continue;
    const granularity = INVALIDATION_KINDS[flush.kind];
    if (granularity) observation.invalidations[granularity] += flush.count;
  }
  for (const call of result.costs.hypercalls)
    observation.hypercalls[call.name] = (observation.hypercalls[call.name] ?? 0) + call.count;
  return observation;
}

function emptyObservation(): Observation {
  return { iommuMaps: 0, iommuUnmaps: 0, invalidations: { global: 0, domain: 0, page: 0 }, hypercalls: {} };
}

/** One line: the device address and every non-zero count, in a fixed order. */
export function describe(observation: Observation): string {
  const parts: string[] = [];
  if (observation.dma !== undefined) parts.push(observation.dma === null ? 'failed' : fmt(observation.dma));
  if (observation.slot !== undefined && observation.slot !== null) parts.push(`slot ${fmt(observation.slot)}`);
  if (observation.iommuMaps) parts.push(`${observation.iommuMaps} IOMMU map(s)`);
  if (observation.iommuUnmaps) parts.push(`${observation.iommuUnmaps} IOMMU unmap(s)`);
  for (const [granularity, count] of Object.entries(observation.invalidations))
    if (count) parts.push(`${count} ${granularity} invalidation(s)`);
  for (const name of Object.keys(observation.hypercalls).sort()) parts.push(`${observation.hypercalls[name]} ${name}`);
  return parts.join(' · ') || '—';
}

function row(operation: string, simulated: string, real: string): Row {
  return { operation, simulated, real, match: simulated === real };
}

function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

function fmt(value: bigint | undefined | null): string {
  return value === undefined || value === null ? 'none' : hex(value);
}
