// Scaling tests: the work for a larger input must grow in proportion to it. The smallest and the largest
// input (four times the smallest, or more) are timed alternately several times and the fastest run of each
// kept, so that a busy machine (CI runs two test files at once) slows runs without deciding the result.
// Linear work takes four times as long on four times the input, quadratic work sixteen times; the limit
// sits at twice the input ratio, far from both. A ratio over the limit is measured once more with three times
// the runs before it fails: a guest booting under QEMU beside the tests can take a core for a whole round.
import assert from 'node:assert/strict';

const RUNS = 5;
const RETRY_RUNS = 3 * RUNS;

/**
 * Times `work(size)` for the first and last of `sizes` (in increasing order) and checks the time grows at
 * most about as fast as the input.
 */
export function assertLinearScaling(label: string, sizes: readonly number[], work: (size: number) => () => void): void {
  const small = sizes[0]!;
  const large = sizes.at(-1)!;
  const runSmall = work(small);
  const runLarge = work(large);
  const measure = (runs: number): [number, number] => {
    let fastestSmall = Infinity;
    let fastestLarge = Infinity;
    for (let run = 0; run < runs; run++) {
      fastestSmall = Math.min(fastestSmall, timed(runSmall));
      fastestLarge = Math.min(fastestLarge, timed(runLarge));
    }
    return [fastestSmall, fastestLarge];
  };
  let times = measure(RUNS);
  if (!withinLimit(small, large, ...times)) times = measure(RETRY_RUNS);
  assertRatio(label, small, large, ...times);
}

/** The same check for work that answers asynchronously, such as a request to the built server. */
export async function assertLinearScalingAsync(
  label: string,
  sizes: readonly number[],
  work: (size: number) => Promise<() => Promise<unknown>>,
): Promise<void> {
  const small = sizes[0]!;
  const large = sizes.at(-1)!;
  const runSmall = await work(small);
  const runLarge = await work(large);
  const measure = async (runs: number): Promise<[number, number]> => {
    let fastestSmall = Infinity;
    let fastestLarge = Infinity;
    for (let run = 0; run < runs; run++) {
      fastestSmall = Math.min(fastestSmall, await timedAsync(runSmall));
      fastestLarge = Math.min(fastestLarge, await timedAsync(runLarge));
    }
    return [fastestSmall, fastestLarge];
  };
  let times = await measure(RUNS);
  if (!withinLimit(small, large, ...times)) times = await measure(RETRY_RUNS);
  assertRatio(label, small, large, ...times);
}

function ratioOf(fastestSmall: number, fastestLarge: number): number {
  return fastestLarge / Math.max(fastestSmall, 0.5);
}

/** Twice the input ratio: linear work stays well under it, quadratic work goes well over. */
function limitOf(small: number, large: number): number {
  return 2 * (large / small);
}

function withinLimit(small: number, large: number, fastestSmall: number, fastestLarge: number): boolean {
  return ratioOf(fastestSmall, fastestLarge) <= limitOf(small, large);
}

function assertRatio(label: string, small: number, large: number, fastestSmall: number, fastestLarge: number): void {
  const ratio = ratioOf(fastestSmall, fastestLarge);
  const limit = limitOf(small, large);
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

async function timedAsync(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}
