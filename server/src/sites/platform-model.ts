// The server's one door into the simulation core. Checks, hovers, hints, the client's requests, the scan
// and the CLI ask "what does platform P do with this sequence of requests" here; results are memoised
// because the same call is asked about by several features and by every keystroke's re-check.
import { LruCache } from '../memory/lru-cache';
import {
  createSession,
  listProfiles,
  ParamError,
  RequestError,
  type OpResult,
  type Params,
  type PlatformProfile,
  type Request,
  type Session,
} from '@dmalens/core';
import type { ParamOverrideValue, PlatformOverrides } from '@dmalens/protocol';
import { customPlatforms, validParams, type CustomPlatformSetting } from './custom-platforms';
import { wireJson } from './wire';

export interface PlatformRun {
  platform: string;
  title: string;
  short: string;
  /** One result per request, in order; empty when `error` is set. */
  results: OpResult[];
  /** The core's complaint about the profile, its overrides or a request, in words. */
  error?: string;
}

export interface PlatformModel {
  /** Valid selected platforms, in the user's order. */
  readonly selected: readonly PlatformProfile[];
  profile(id: string): PlatformProfile | undefined;
  /** Every platform the settings make available: the built-in profiles, then the custom ones. */
  available(): PlatformProfile[];
  /**
   * Runs the requests in order in one fresh session of the platform, with the validated settings'
   * overrides and then `extraOverrides` (which may be invalid: that is reported in `error`).
   */
  run(
    platformId: string,
    requests: readonly Request[],
    extraOverrides?: Record<string, ParamOverrideValue>,
  ): PlatformRun;
  /**
   * An MMIO address of the platform for `dma_map_resource` examples: the start of its PCI MMIO hole
   * when it has one, else the first address above RAM (the core's RAM model, spec §1.1: 6.1 refuses RAM
   * in dma_map_resource).
   */
  mmioExample(platformId: string): bigint | null;
  /**
   * Where an example buffer at `phys` lies on this platform: `phys` itself when it is in the platform's RAM,
   * else the same offset into its first bank (or 1 MiB in, for a small bank), so that a profile whose RAM
   * starts elsewhere (an arm64 board at 0x8000_0000) is not shown mapping memory it does not have.
   */
  ramExample(platformId: string, phys: bigint): bigint;
  /**
   * The same platforms, overrides and memo with another selection (a file's own targets) and parameters
   * of the file's device (its bus, its initial masks) under every run's extra overrides: ids the model
   * does not know are left out, the order is the one given. `boards` (profiles built from device-tree
   * nodes) are added after them.
   */
  withSelection(
    ids: readonly string[],
    deviceOverrides?: Record<string, ParamOverrideValue>,
    boards?: readonly PlatformProfile[],
  ): PlatformModel;
}

/** Memo size: enough for every call site of a large file on six platforms. */
const MEMO_LIMIT = 4096;

/**
 * Builds the model for a platform selection. Unknown ids and overrides the core rejects are returned as
 * problems (sentences for the user) and left out, so that the rest keeps working. Custom platforms join
 * the built-in ones under their own ids.
 */
export function createPlatformModel(
  selection: readonly string[],
  overrides: PlatformOverrides,
  custom: readonly CustomPlatformSetting[] = [],
): { model: PlatformModel; problems: string[] } {
  const builtIn = new Map(listProfiles().map((profile) => [profile.id, profile]));
  const customs = customPlatforms(custom, builtIn);
  const profiles = new Map([...builtIn, ...customs.profiles.map((profile) => [profile.id, profile] as const)]);
  const problems = [...customs.problems];
  const selected: PlatformProfile[] = [];
  for (const id of selection) {
    const profile = profiles.get(id);
    if (!profile) {
      problems.push(
        `dmalens.platforms: unknown platform id '${id}' (known: ${[...profiles.keys()].join(', ')}); it is left out.`,
      );
      continue;
    }
    if (!selected.includes(profile)) selected.push(profile);
  }
  const validOverrides: PlatformOverrides = {};
  for (const [id, values] of Object.entries(overrides)) {
    const profile = profiles.get(id);
    if (!profile) {
      problems.push(`dmalens.overrides: unknown platform id '${id}'; its overrides are ignored.`);
      continue;
    }
    // One mistyped key costs that key, not the platform's whole override.
    const valid = validParams(profile, values, `dmalens.overrides.${id}`, 'its own parameters', problems);
    if (valid && Object.keys(valid).length > 0) validOverrides[id] = valid;
  }
  return { model: new MemoisedModel(profiles, selected, validOverrides, new ModelMemo()), problems };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What every selection of one model shares: results, booted sessions, RAM layouts. */
class ModelMemo {
  readonly runs = new LruCache<string, PlatformRun>(MEMO_LIMIT);
  /** A booted session per platform and overrides: cloning one costs a fraction of booting anew. */
  readonly booted = new LruCache<string, Session>(MEMO_LIMIT);
  /** Each platform's RAM as its parameters model it, by profile key (reading it boots a session). */
  readonly ram = new LruCache<string, PlatformRam | null>(MEMO_LIMIT);
}

class MemoisedModel implements PlatformModel {
  constructor(
    private readonly profiles: Map<string, PlatformProfile>,
    readonly selected: readonly PlatformProfile[],
    private readonly overrides: PlatformOverrides,
    private readonly memo: ModelMemo,
    private readonly deviceOverrides: Record<string, ParamOverrideValue> = {},
  ) {}

  profile(id: string): PlatformProfile | undefined {
    return this.profiles.get(id);
  }

  available(): PlatformProfile[] {
    // Board profiles join a selection's map for its rows; they are shown by the boards' own lists.
    return [...this.profiles.values()].filter((profile) => !profile.id.includes(':'));
  }

  withSelection(
    ids: readonly string[],
    deviceOverrides: Record<string, ParamOverrideValue> = {},
    boards: readonly PlatformProfile[] = [],
  ): PlatformModel {
    const selected = [...new Set(ids)].flatMap((id) => this.profiles.get(id) ?? []);
    if (boards.length === 0)
      return new MemoisedModel(this.profiles, selected, this.overrides, this.memo, deviceOverrides);
    const profiles = new Map(this.profiles);
    for (const board of boards) {
      profiles.set(board.id, board);
      if (!selected.includes(board)) selected.push(board);
    }
    return new MemoisedModel(profiles, selected, this.overrides, this.memo, deviceOverrides);
  }

  run(
    platformId: string,
    requests: readonly Request[],
    extraOverrides: Record<string, ParamOverrideValue> = {},
  ): PlatformRun {
    if (Object.keys(this.deviceOverrides).length > 0) extraOverrides = { ...this.deviceOverrides, ...extraOverrides };
    const key = wireJson([profileKey(platformId, this.profiles.get(platformId)), requests, extraOverrides]);
    const known = this.memo.runs.get(key);
    if (known) return known;
    const run = this.simulate(platformId, requests, extraOverrides);
    this.memo.runs.set(key, run);
    return run;
  }

  mmioExample(platformId: string): bigint | null {
    // The start of the MMIO hole when there is one, else the first address above RAM.
    return this.ramOf(platformId)?.holeStart ?? null;
  }

  ramExample(platformId: string, phys: bigint): bigint {
    const ram = this.ramOf(platformId);
    if (!ram || (phys >= ram.base && phys < ram.end && !(phys >= ram.holeStart && phys < ram.holeEnd))) return phys;
    const moved = ram.base + phys;
    return moved < ram.end && moved < ram.holeStart ? moved : ram.base + (1n << 20n);
  }

  /** The platform's RAM, read once per profile and overrides (the hovers of every call ask for it). */
  private ramOf(platformId: string): PlatformRam | null {
    const key = profileKey(platformId, this.profiles.get(platformId));
    let known = this.memo.ram.get(key);
    if (known === undefined) this.memo.ram.set(key, (known = this.readRam(platformId)));
    return known;
  }

  /** One block from ram_base, possibly with an MMIO hole (else a hole of size 0 at the end of RAM). */
  private readRam(platformId: string): PlatformRam | null {
    try {
      const params = this.freshSession(platformId, this.overrides[platformId] ?? {})?.params;
      const base = params?.['ram_base'];
      const size = params?.['ram'];
      if (typeof base !== 'bigint' || typeof size !== 'bigint') return null;
      const holeStart = params?.['mmio_hole_start'];
      const holeSize = params?.['mmio_hole_size'];
      const hole =
        typeof holeStart === 'bigint' && typeof holeSize === 'bigint' && holeSize > 0n
          ? { holeStart, holeEnd: holeStart + holeSize }
          : { holeStart: base + size, holeEnd: base + size };
      return { base, end: base + size, ...hole };
    } catch {
      return null;
    }
  }

  /** A fresh session of the platform (a clone of one booted once); null for an unknown id. */
  private freshSession(platformId: string, overrides: Record<string, ParamOverrideValue>): Session | null {
    const profile = this.profiles.get(platformId);
    if (!profile) return null;
    const key = wireJson([profileKey(platformId, profile), overrides]);
    const { booted } = this.memo;
    let session = booted.get(key);
    if (!session) {
      session = createSession(profile, overrides);
      booted.set(key, session);
    }
    return session.clone();
  }

  private simulate(
    platformId: string,
    requests: readonly Request[],
    extraOverrides: Record<string, ParamOverrideValue>,
  ): PlatformRun {
    const profile = this.profiles.get(platformId);
    const base = { platform: platformId, title: profile?.title ?? platformId, short: profile?.short ?? platformId };
    if (!profile) return { ...base, results: [], error: `unknown platform id '${platformId}'` };
    try {
      const session = this.freshSession(platformId, { ...(this.overrides[platformId] ?? {}), ...extraOverrides })!;
      return { ...base, results: requests.map((request) => session.run(request)) };
    } catch (error) {
      // A simulation failure must never take a hover or a diagnostic pass down with it.
      return { ...base, results: [], error: describe(error) };
    }
  }
}

/**
 * The memo key of a platform: its id for the built-in profiles, and for a profile built from a device tree
 * its id with a serial of that profile object, so that a board edited in the editor is never answered from
 * the memo of its previous version.
 */
function profileKey(platformId: string, profile: PlatformProfile | undefined): string {
  if (!profile || BUILT_IN.has(profile)) return platformId;
  let serial = boardSerials.get(profile);
  if (serial === undefined) boardSerials.set(profile, (serial = nextSerial++));
  return `${platformId}#${serial}`;
}

const BUILT_IN = new Set(listProfiles());
const boardSerials = new WeakMap<PlatformProfile, number>();
let nextSerial = 1;

/** A platform's RAM: [base, end), with the MMIO hole [holeStart, holeEnd) inside it (empty at `end` when none). */
interface PlatformRam {
  base: bigint;
  end: bigint;
  holeStart: bigint;
  holeEnd: bigint;
}

/** One session's run for the CLI, which also shows the boot stages and the parameters in effect. */
export interface SessionRun {
  profile: PlatformProfile;
  params: Params;
  /** Boot and probe: what the platform did before the first request. */
  setup: OpResult;
  results: OpResult[];
}

/** A request the core refused, with its place in the sequence. */
export class RequestFailure extends Error {
  constructor(
    readonly index: number,
    readonly request: Request,
    message: string,
  ) {
    super(message);
    this.name = 'RequestFailure';
  }
}

/**
 * Runs requests in one fresh, unmemoised session. A bad profile id or override throws the core's
 * ParamError (or Error); a request the core refuses throws a RequestFailure naming it.
 */
export function runSession(
  platform: string | PlatformProfile,
  overrides: Record<string, ParamOverrideValue>,
  requests: readonly Request[],
): SessionRun {
  const session = createSession(platform, overrides);
  const results = requests.map((request, index) => {
    try {
      return session.run(request);
    } catch (error) {
      if (error instanceof RequestError) throw new RequestFailure(index, request, error.message);
      throw error;
    }
  });
  return { profile: session.profile, params: session.params, setup: session.setupResult, results };
}

export { ParamError };
