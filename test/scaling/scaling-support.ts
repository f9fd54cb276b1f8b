// Scaling tests: the work for an input twice as large must take at most about twice as long. Each size
// is timed a few times and the fastest run kept, so that a busy machine (CI shares its cores) slows a
// run without failing the comparison; the limit leaves room for noise but not for a quadratic step,
// which would take four times as long.
import assert from 'node:assert/strict';

/** A linear step doubles the time; a quadratic one quadruples it. */
const MAX_RATIO = 3;
const RUNS = 3;

export function fastest(work: () => void): number {
  let best = Infinity;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/**
 * Times `work(size)` at each size (each double the one before) and checks every doubling at most about
 * doubles the time. Sizes should be large enough for the first to take a few milliseconds.
 */
export function assertLinearScaling(label: string, sizes: readonly number[], work: (size: number) => () => void): void {
  const times = sizes.map((size) => fastest(work(size)));
  const words = sizes.map((size, index) => `${size}: ${times[index]!.toFixed(1)} ms`).join(', ');
  for (let index = 1; index < sizes.length; index++) {
    const ratio = times[index]! / Math.max(times[index - 1]!, 1);
    assert.ok(ratio <= MAX_RATIO, `${label}: doubling the input multiplied the time by ${ratio.toFixed(1)} (${words})`);
  }
}
