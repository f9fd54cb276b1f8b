// The vector test-case format. A case says how one vector of test/vectors/kernel-6.1.json is run
// (profile, overrides, requests in the CLI's JSON op form) and which of its expectations are checked;
// the expected values themselves are read from the vector by the checks, never written in the case.
import type { OpResult } from '@dmalens/core';
import type { Session } from '@dmalens/core';

/** One vector as stored in kernel-6.1.json. */
export interface Vector {
  id: string;
  platform: string;
  config: Record<string, unknown>;
  call: string;
  input: Record<string, unknown>;
  expect: {
    path: string;
    dma_addr_or_rule: string;
    costs: {
      hypercalls: { name: string; count: number | string; when?: string; args?: string; condition?: string }[];
      bounce_bytes_map: number;
      bounce_bytes_unmap: number;
      iotlb_flushes: { when: string; type: string; addr?: string; am?: number; count: number | string }[];
      cache_ops: { op: string; lines: number; when: string }[];
      other: string[];
    };
  };
  confidence: string;
  notes?: string;
}

/** What a check sees: the vector, the session after the run, and every request's result in order. */
export interface CaseRun {
  vector: Vector;
  session: Session;
  results: OpResult[];
}

/** A named assertion; it throws (node:assert) when the simulation disagrees with the vector. */
export interface VectorCheck {
  name: string;
  check(run: CaseRun): void;
}

export interface VectorCase {
  id: string;
  profile: string;
  overrides?: Record<string, unknown>;
  /** Requests in the JSON op form of the CLI (parsed with parseRequest). */
  ops: unknown[];
  /** Why the configuration looks the way it does, when the vector's config needs interpreting. */
  note?: string;
  checks: VectorCheck[];
}
