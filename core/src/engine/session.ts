// A session is one simulated device on one platform: resolved parameters, the device's DMA state
// (§0), the allocator state (swiotlb slots, IOVA tree, TCE tables, grant refs, pages) and the
// history of requests, so that sequences behave like the kernel and unmap/sync find what map did.
import type { PlatformProfile } from '../profiles/profile';
import type { Params } from '../params/spec';
import { ParamError } from '../params/parse';
import type { OpResult, Request } from '../types';
import { TraceBuilder } from './trace';
import {
  lookupArch,
  lookupDmaOps,
  type ArchHooks,
  type DeviceState,
  type DmaContext,
  type DmaMapOps,
  type EngineSession,
  type MappingRecord,
  type SessionState,
} from './ops';
import { dispatchRequest } from './dispatch';
import { checkBus, initialDeviceState } from './device';
import { recordPoolSetup } from '../dma/swiotlb';
import { cloneRecord } from './record';

/** One executed request: what was asked, what the kernel did, and what it left behind. */
export interface HistoryEntry {
  request: Request;
  result: OpResult;
  record: MappingRecord | null;
}

export class Session implements EngineSession {
  readonly dev: DeviceState;
  readonly arch: ArchHooks;
  private readonly store: Map<string, SessionState>;
  private readonly entries: HistoryEntry[];
  /** Boot/probe-time work (pool setup, DDW pre-mapping, initial dma_set_mask), as a trace. */
  setupResult: OpResult;

  private constructor(
    readonly profile: PlatformProfile,
    readonly params: Params,
    dev: DeviceState,
    store: Map<string, SessionState>,
    entries: HistoryEntry[],
    setupResult: OpResult,
  ) {
    this.dev = dev;
    this.store = store;
    this.entries = entries;
    this.setupResult = setupResult;
    const archName = params.arch_dma as string;
    const arch = lookupArch(archName);
    if (!arch)
      throw new ParamError(
        `bad value '${archName}' for parameter 'arch_dma': no arch hooks of that name are registered`,
      );
    this.arch = arch;
  }

  /** Builds the device as the kernel would at boot and probe: arch setup, then the dma_map_ops setup. */
  static create(profile: PlatformProfile, params: Params): Session {
    checkBus(params);
    const dev = initialDeviceState(params);
    const session = new Session(profile, params, dev, new Map(), [], new TraceBuilder('setup').finish(null));
    if (dev.dmaOps !== null && !lookupDmaOps(dev.dmaOps)) {
      throw new ParamError(
        `bad value '${dev.dmaOps}' for parameter 'dma_ops': no dma_map_ops of that name are registered`,
      );
    }
    const trace = new TraceBuilder('setup');
    const ctx: DmaContext = { session, trace, cpu: params.cpu as number };
    session.arch.setup?.(ctx);
    recordPoolSetup(ctx);
    session.ops()?.setup?.(ctx);
    session.setupResult = trace.finish(null);
    return session;
  }

  state<T extends SessionState>(key: string, init: () => T): T {
    let value = this.store.get(key);
    if (value === undefined) {
      value = init();
      this.store.set(key, value);
    }
    return value as T;
  }

  peekState<T extends SessionState>(key: string): T | undefined {
    return this.store.get(key) as T | undefined;
  }

  ops(): DmaMapOps | null {
    if (this.dev.dmaOps === null) return null;
    return lookupDmaOps(this.dev.dmaOps) ?? null;
  }

  /** Runs one request against the current state and records it in the history. */
  run(request: Request): OpResult {
    const index = this.entries.length;
    const { result, record } = dispatchRequest(this, request, index);
    this.entries.push({ request, result, record });
    return result;
  }

  /** The executed requests in order; `of` in a request is an index into this list. */
  get history(): readonly HistoryEntry[] {
    return this.entries;
  }

  /** An independent copy: later requests on either session do not affect the other. */
  clone(): Session {
    const store = new Map<string, SessionState>();
    for (const [key, value] of this.store) store.set(key, value.clone());
    const entries = this.entries.map((entry) => ({
      ...entry,
      record: entry.record ? cloneRecord(entry.record) : null,
    }));
    const dev: DeviceState = {
      ...this.dev,
      dmaRangeMap: this.dev.dmaRangeMap ? this.dev.dmaRangeMap.map((window) => ({ ...window })) : null,
    };
    return new Session(this.profile, this.params, dev, store, entries, this.setupResult);
  }

  /** Canonical description of the resources live mappings hold (see SessionState.fingerprint). */
  fingerprint(): string {
    // States that hold nothing (a pool created by the first map, an emptied rcache) do not count.
    return [...this.store.keys()]
      .sort()
      .map((key) => [key, this.store.get(key)!.fingerprint()])
      .filter(([, print]) => print !== '')
      .map(([key, print]) => `${key}:${print}`)
      .join('|');
  }
}
