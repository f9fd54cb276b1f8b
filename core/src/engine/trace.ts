// Collects the stages and costs of one request while the kernel-named stage functions run.
import {
  emptyCosts,
  type Costs,
  type DmaPath,
  type Hypercall,
  type IotlbFlush,
  type OpResult,
  type Stage,
  type When,
} from '../types';

export class TraceBuilder {
  readonly stages: Stage[] = [];
  readonly costs: Costs = emptyCosts();
  path: DmaPath = 'dma-direct';
  rule = '';
  error: string | null = null;
  details: Record<string, unknown> = {};

  constructor(readonly op: string) {}

  stage(fn: string, input: bigint | null, output: bigint | null, note: string, ref: string, spec?: string): void {
    this.stages.push(
      spec === undefined ? { fn, in: input, out: output, note, ref } : { fn, in: input, out: output, note, ref, spec },
    );
  }

  hypercall(call: Hypercall): void {
    this.costs.hypercalls.push(call);
  }

  flush(flush: IotlbFlush): void {
    this.costs.iotlbFlushes.push(flush);
  }

  bounce(when: 'map' | 'unmap' | 'sync', bytes: number): void {
    this.costs.bounceBytes[when] += bytes;
  }

  cacheLines(kind: 'clean' | 'invalidate' | 'flush', lines: number): void {
    if (kind !== 'invalidate') this.costs.cacheLines.clean += lines;
    if (kind !== 'clean') this.costs.cacheLines.invalidate += lines;
  }

  note(text: string, when?: When): void {
    this.costs.other.push(when ? `${when}: ${text}` : text);
  }

  /** Records the kernel's exact failure text; the result's dma becomes null and path 'error'. */
  fail(message: string): void {
    this.error = message;
  }

  finish(dma: bigint | null): OpResult {
    const failed = this.error !== null;
    const result: OpResult = {
      op: this.op,
      path: failed ? 'error' : this.path,
      dma: failed ? null : dma,
      error: this.error,
      rule: this.rule,
      stages: this.stages,
      costs: this.costs,
    };
    if (Object.keys(this.details).length > 0) result.details = this.details;
    return result;
  }
}
