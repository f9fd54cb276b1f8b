// Scaling tests: the work for a larger input must grow in proportion to it. The smallest and the largest
// input (four times the smallest, or more) are timed alternately several times and the fastest run of each
// kept, so that a busy machine (CI runs two test files at once) slows runs without deciding the result.
// Linear work takes four times as long on four times the input, quadratic work sixteen times; the limit
// sits at twice the input ratio, far from both.
import assert from 'node:assert/strict';

const RUNS = 5;

/**
 * Times `work(size)` for the first and last of `sizes` (in increasing order) and checks the time grows at
 * most about as fast as the input.
 */
export function assertLinearScaling(label: string, sizes: readonly number[], work: (size: number) => () => void): void {
  const small = sizes[0]!;
  const large = sizes.at(-1)!;
  const runSmall = work(small);
  const runLarge = work(large);
  let fastestSmall = Infinity;
  let fastestLarge = Infinity;
  for (let run = 0; run < RUNS; run++) {
    fastestSmall = Math.min(fastestSmall, timed(runSmall));
    fastestLarge = Math.min(fastestLarge, timed(runLarge));
  }
  const ratio = fastestLarge / Math.max(fastestSmall, 0.5);
  const limit = 2 * (large / small);
  assert.ok(
    ratio <= limit,
    `${label}: ${large / small}× the input took ${ratio.toFixed(1)}× the time (${small}: ${fastestSmall.toFixed(1)} ms, ${large}: ${fastestLarge.toFixed(1)} ms); linear work stays under ${limit}×`,
  );
}

function timed(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}
