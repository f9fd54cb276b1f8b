// Call-site extraction over pathological input, as fuzzing produced it: one call buried under thousands
// of calls, thousands of calls nested in each other, and thousands of calls left open on one line. Walking
// up from each name to the root was quadratic in its depth (and again in the number of nested names), and
// each name on a long line rescanned the line for comments and literals; doubling the input must now at
// most about double the time, and a deeply nested call is still found.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initParser } from '../../server/src/parse/parser';
import { extractCallSites } from '../../server/src/analysis/extract';
import { regionAround } from '../../server/src/analysis/regions';
import { assertLinearScaling } from './scaling-support';

const FUNCTION_START = 'static void demo_fill(struct device *dev, void *buf)\n{\n\t';

/** One map call inside `depth` calls of a wrapper. */
function buriedCall(depth: number): string {
  const map = 'dma_map_single(dev, buf, 64, DMA_TO_DEVICE)';
  return `${FUNCTION_START}dma_addr_t handle = ${'demo_wrap('.repeat(depth)}${map}${')'.repeat(depth)};\n}\n`;
}

/** `count` map calls, each the size argument of the one before. */
function chainedCalls(count: number): string {
  return `${FUNCTION_START}dma_addr_t handle = ${'dma_map_single(dev, buf, '.repeat(count)}64${', DMA_TO_DEVICE)'.repeat(count)};\n}\n`;
}

/** `count` map calls left open on one line. */
function unclosedCalls(count: number): string {
  return `${FUNCTION_START}${'dma_map_single(dev, buf, "a(", '.repeat(count)}\n}\n`;
}

before(() => initParser());

test('a map call nested 1,000 calls deep is still found, in its function', () => {
  const sites = extractCallSites(buriedCall(1000));
  assert.equal(sites.length, 1);
  assert.equal(sites[0]!.api, 'dma_map_single');
  assert.equal(sites[0]!.enclosingFunction, 'demo_fill');
});

test('extraction scales linearly in the depth of one buried call', () => {
  assertLinearScaling('nesting depth above one call', [500, 1000, 2000], (depth) => {
    const text = buriedCall(depth);
    return () => extractCallSites(text);
  });
});

test('extraction scales linearly in the number of calls nested in each other', () => {
  assertLinearScaling('calls nested in each other', [500, 1000, 2000], (count) => {
    const text = chainedCalls(count);
    return () => extractCallSites(text);
  });
});

test('extraction scales linearly in the number of calls left open on one line', () => {
  assertLinearScaling('unclosed calls on one line', [1000, 2000, 4000], (count) => {
    const text = unclosedCalls(count);
    return () => extractCallSites(text);
  });
});

test('finding the region around a call scales linearly in a long generated line above it', () => {
  // Thousands of `; /* x */` on one line made the end-of-item pattern backtrack over every pair of them.
  assertLinearScaling('`; /* x */` pairs on the line above', [5000, 10_000, 20_000], (pairs) => {
    const text = `static int t[] = { ${'0; /* x */ '.repeat(pairs)}};\nstatic void g(void)\n{\n\tdma_map_single(d, b, 4, DMA_TO_DEVICE);\n}\n`;
    return () => regionAround(text, text.indexOf('dma_map_single'));
  });
});
