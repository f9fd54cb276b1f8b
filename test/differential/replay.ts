// Replays a guest's own sequence of DMA-API calls through the simulation core, in the guest's order, and
// compares each call with what the guest kernel did: the device address, the swiotlb slot, the IOMMU maps
// and unmaps, the VT-d IOTLB invalidations, the TCE hypercalls and OPAL TCE kills. Every call becomes one row; a row
// matches when every fact observed on both sides is the same.
import { createSession, type OpResult, type Session } from '@dmalens/core';
import { POOL_FROM_GUEST, type Configuration } from './configurations';
import { OPAL_PCI_TCE_KILL, TCE_HCALLS } from './guest-init';
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
  /** OPAL_PCI_TCE_KILL firmware calls (bare-metal POWER9). */
  opalTceKills: number;
}

/** The guest events that are DMA-API calls of the device; every other event belongs to the call before it. */
const ENTRY_KINDS = ['set_mask', 'alloc', 'free', 'map', 'unmap', 'queue_address', 'fq_timeout'] as const;

type Entry = Extract<GuestEvent, { kind: (typeof ENTRY_KINDS)[number] }>;

/** One DMA-API call of the device with the events it caused, up to the next call. */
interface Call {
  entry: Entry;
  events: GuestEvent[];
}

/** A PCI device's masks before its driver sets them: pci_setup_device leaves 32-bit streaming and coherent masks. */
const PCI_DEVICE_AT_PROBE = { dma_mask: 32, coherent_mask: 32 };

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
  const replayer = new Replayer(config, paramsFromGuest(config, events));
  const useDmaApi = replayer.negotiate(calls);
  if (config.params['swiotlb_start'] !== POOL_FROM_GUEST) replayer.comparePool(events);
  calls.forEach((call, index) => replayer.replay(call, calls[index + 1]));
  return { rows: replayer.rows, calls: replayer.calls, useDmaApi };
}

/** The configuration's parameters with those it leaves to the guest filled in from the trace. */
function paramsFromGuest(config: Configuration, events: readonly GuestEvent[]): Record<string, unknown> {
  if (config.params['swiotlb_start'] !== POOL_FROM_GUEST) return config.params;
  const first = events.find((event) => event.kind === 'swiotlb_slot');
  if (first?.kind !== 'swiotlb_slot')
    throw new Error(`${config.id}: no bounce was traced, so the pool start is unknown`);
  return { ...config.params, swiotlb_start: `0x${(first.pool ?? first.slot).toString(16)}` };
}

/** What a replayed call ran, as the row names it, and the device address the guest returned, if any. */
interface Replayed {
  operation: string;
  result: OpResult;
  realDma?: bigint | null;
}

/** One session that runs the guest's calls in order, remembering which request made each live handle. */
class Replayer {
  readonly rows: Row[] = [];
  readonly calls: Replay['calls'] = [];
  private readonly session: Session;
  /** Guest device address -> the index of the request that mapped it. */
  private readonly live = new Map<bigint, number>();
  private vring: OpResult | null = null;
  private maps = 0;

  constructor(
    private readonly config: Configuration,
    params: Record<string, unknown>,
  ) {
    this.session = createSession(config.platform, { ...PCI_DEVICE_AT_PROBE, ...params });
  }

  negotiate(calls: readonly Call[]): Replay['useDmaApi'] {
    const { config } = this;
    const real = calls.some((call) => call.entry.kind === 'map' || call.entry.kind === 'alloc');
    // A driver that is not virtio always maps through the DMA API.
    if (!config.offered) return { simulated: true, real };
    const negotiated = this.session.run({ op: 'virtio_negotiate', offered: config.offered, transport: 'pci-modern' });
    const simulated = negotiated.details?.['useDmaApi'] === true;
    this.rows.push(row('virtio uses the DMA API (vring_use_dma_api)', String(simulated), String(real)));
    return { simulated, real };
  }

  comparePool(events: readonly GuestEvent[]): void {
    const pool = events.find((event) => event.kind === 'swiotlb_slot' && event.pool !== null);
    if (pool?.kind !== 'swiotlb_slot') return;
    const simulated = this.session.setupResult.stages.find((stage) => stage.fn === 'swiotlb_init_remap')?.out;
    this.rows.push(row('swiotlb default pool start (memblock_alloc_low at boot)', fmt(simulated), fmt(pool.pool)));
  }

  replay(call: Call, next: Call | undefined): void {
    const replayed = this.run(call, next);
    if (!replayed) return;
    const real = observe(call.events);
    if (replayed.realDma !== undefined) real.dma = replayed.realDma;
    const simulated = simulate(replayed.result, call.entry.kind);
    if (real.dma === undefined) delete simulated.dma;
    this.calls.push({ entry: call.entry, real, simulated });
    this.rows.push(row(replayed.operation, describe(simulated), describe(real)));
  }

  private run(call: Call, next: Call | undefined): Replayed | null {
    const { entry } = call;
    switch (entry.kind) {
      case 'set_mask':
        return {
          operation: `${entry.which === 'streaming' ? 'dma_set_mask' : 'dma_set_coherent_mask'}(${hex(entry.mask)})`,
          result: this.session.run({ op: 'set_mask', mask: entry.mask, which: entry.which }),
        };
      case 'alloc':
        return this.alloc(entry.size, call.events, next?.entry.kind === 'queue_address' ? next.entry : null);
      case 'queue_address':
        this.compareVring(entry);
        return null;
      case 'map':
        return this.map(entry, call.events);
      case 'unmap':
        return this.release(entry.dma, 'unmap', `dma_unmap_page(${hex(entry.dma)}, ${hex(entry.size)})`);
      case 'free':
        return this.release(entry.dma, 'free_coherent', `dma_free_coherent(${hex(entry.size)}, ${hex(entry.dma)})`);
      case 'fq_timeout':
        return {
          operation: 'fq_flush_timeout (the flush-queue timer fired)',
          result: this.session.run({ op: 'fq_timeout' }),
        };
    }
  }

  /** A coherent allocation; virtio's is its ring, whose address the next queue_address call shows. */
  private alloc(size: bigint, events: readonly GuestEvent[], queue: QueueAddress | null): Replayed {
    const returned = events.find((event) => event.kind === 'alloc_ret');
    const pages = pagesOf(events, returned);
    const result = this.session.run(
      queue ? { op: 'vring_alloc', num: ringSize(queue), ...pages } : { op: 'alloc_coherent', size, ...pages },
    );
    if (queue) this.vring = result;
    return {
      operation: `dma_alloc_coherent(${hex(size)})${queue ? ' for the vring' : ''}`,
      result,
      ...(queue ? { realDma: queue.desc } : {}),
    };
  }

  private compareVring(entry: QueueAddress): void {
    // Without the DMA API the ring comes from alloc_pages_exact: the replay takes its pages from the guest.
    const vring = this.vring ?? this.session.run({ op: 'vring_alloc', num: ringSize(entry), phys: entry.desc });
    for (const [part, address] of [
      ['desc', entry.desc],
      ['avail', entry.driver],
      ['used', entry.device],
    ] as const) {
      const simulated = vring.details?.[part] as bigint | undefined;
      this.rows.push(row(`vring ${part} address of queue ${entry.index}`, fmt(simulated), fmt(address)));
    }
    this.vring = null;
  }

  private map(entry: Extract<Entry, { kind: 'map' }>, events: readonly GuestEvent[]): Replayed {
    const returned = events.find((event) => event.kind === 'map_ret');
    const result = this.session.run({ op: 'map_page', phys: entry.phys, size: entry.size, dir: entry.dir });
    const realDma = returned?.kind === 'map_ret' ? returned.dma : null;
    if (realDma !== null) this.live.set(realDma, this.session.history.length - 1);
    return {
      operation: `map #${++this.maps}: dma_map_page(phys ${hex(entry.phys)}, ${hex(entry.size)}, ${entry.dir})`,
      result,
      realDma,
    };
  }

  private release(dma: bigint, op: 'unmap' | 'free_coherent', operation: string): Replayed | null {
    const of = this.live.get(dma);
    if (of === undefined) {
      this.rows.push(row(operation, 'no such handle in the replay', 'released'));
      return null;
    }
    this.live.delete(dma);
    return { operation, result: this.session.run({ op, of }) };
  }
}

type QueueAddress = Extract<Entry, { kind: 'queue_address' }>;

/** The queue's size as the driver set it up: the descriptor table (16 bytes each) ends where the avail ring starts. */
function ringSize(queue: QueueAddress): number {
  return Number((queue.driver - queue.desc) / 16n);
}

function callsOf(events: readonly GuestEvent[], device: string): Call[] {
  const calls: Call[] = [];
  let current: Call | null = null;
  for (const event of events) {
    if ((ENTRY_KINDS as readonly string[]).includes(event.kind)) {
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
    } else if (event.kind === 'opal' && event.opcode === OPAL_PCI_TCE_KILL) observation.opalTceKills++;
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
    if (flush.kind.startsWith('opal_pci_tce_kill')) observation.opalTceKills += flush.count;
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
  return {
    iommuMaps: 0,
    iommuUnmaps: 0,
    invalidations: { global: 0, domain: 0, page: 0 },
    hypercalls: {},
    opalTceKills: 0,
  };
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
  if (observation.opalTceKills) parts.push(`${observation.opalTceKills} opal_pci_tce_kill`);
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
