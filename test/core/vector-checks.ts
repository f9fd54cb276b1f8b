// Reusable checks that read their expected values from the vector (dma_addr_or_rule, costs), so a case
// only says which result each expectation applies to.
import assert from 'node:assert/strict';
import type { CaseRun, VectorCheck } from './vector-case';
import { swiotlbPool } from '../../core/src/dma/swiotlb';

/** All 0x-hex numbers in a text, in order. */
export function hexTokens(text: string): bigint[] {
  return [...text.matchAll(/0x[0-9a-fA-F_]+/g)].map((match) => BigInt(match[0].replace(/_/g, '')));
}

function result(run: CaseRun, index: number) {
  const value = run.results[index];
  assert.ok(value, `${run.vector.id}: no result ${index}`);
  return value;
}

/** dma equals the n-th hex number of dma_addr_or_rule (the vector's exact address). */
export function dmaIsVectorHex(resultIndex: number, token = 0): VectorCheck {
  return {
    name: `result ${resultIndex} dma = hex #${token} of dma_addr_or_rule`,
    check(run) {
      const expected = hexTokens(run.vector.expect.dma_addr_or_rule)[token];
      assert.ok(
        expected !== undefined,
        `${run.vector.id}: no hex token ${token} in '${run.vector.expect.dma_addr_or_rule}'`,
      );
      assert.equal(result(run, resultIndex).error, null, `${run.vector.id}: unexpected error`);
      assert.equal(result(run, resultIndex).dma, expected);
    },
  };
}

/** dma is the swiotlb pool start S (+ slot * 2048): the vector says "S" and the profile defines S. */
export function dmaIsPoolStart(resultIndex: number, plus: (run: CaseRun) => bigint = () => 0n): VectorCheck {
  return {
    name: `result ${resultIndex} dma = S (the session's pool start)`,
    check(run) {
      assert.match(run.vector.expect.dma_addr_or_rule, /\bS\b|slot|tlb|pool/);
      // S comes from swiotlb_start or, where the profile sets swiotlb_end, from the top-down placement.
      const pool = swiotlbPool(run.session);
      assert.ok(pool, `${run.vector.id}: no swiotlb pool`);
      const start = pool.start;
      assert.equal(result(run, resultIndex).dma, start + plus(run));
    },
  };
}

/** The map failed with DMA_MAPPING_ERROR; when the vector quotes the kernel text in costs.other, it matches. */
export function failsWithVectorText(resultIndex: number): VectorCheck {
  return {
    name: `result ${resultIndex} fails with the vector's message`,
    check(run) {
      assert.match(run.vector.expect.dma_addr_or_rule, /DMA_MAPPING_ERROR/);
      const got = result(run, resultIndex);
      assert.equal(got.dma, null);
      assert.equal(got.path, 'error');
      const quoted = run.vector.expect.costs.other
        .map((text) => /'(.*)'/.exec(text)?.[1])
        .find((text) => text !== undefined);
      if (quoted !== undefined) assert.equal(got.error, quoted);
    },
  };
}

/** Bounce bytes at map (result mapIndex) and unmap (result unmapIndex) equal the vector's costs. */
export function bounceBytes(mapIndex: number, unmapIndex: number | null): VectorCheck {
  return {
    name: 'bounce bytes at map/unmap = vector costs',
    check(run) {
      assert.equal(result(run, mapIndex).costs.bounceBytes.map, run.vector.expect.costs.bounce_bytes_map);
      if (unmapIndex !== null)
        assert.equal(result(run, unmapIndex).costs.bounceBytes.unmap, run.vector.expect.costs.bounce_bytes_unmap);
    },
  };
}

/** No hypercalls, flushes or cache maintenance anywhere when the vector lists none. */
export function noOtherCosts(): VectorCheck {
  return {
    name: 'no hypercalls / flushes / cache ops beyond the vector',
    check(run) {
      const costs = run.vector.expect.costs;
      for (const got of run.results) {
        if (costs.hypercalls.length === 0)
          assert.deepEqual(got.costs.hypercalls, [], `${run.vector.id} ${got.op}: hypercalls`);
        if (costs.iotlb_flushes.length === 0)
          assert.deepEqual(got.costs.iotlbFlushes, [], `${run.vector.id} ${got.op}: IOTLB flushes`);
        if (costs.cache_ops.length === 0)
          assert.deepEqual(
            got.costs.cacheLines,
            { clean: 0, invalidate: 0 },
            `${run.vector.id} ${got.op}: cache lines`,
          );
      }
    },
  };
}

/** Cache lines per the vector's cache_ops (clean or invalidate at map/unmap). */
export function cacheOps(mapIndex: number, unmapIndex: number | null): VectorCheck {
  return {
    name: 'cache lines = vector cache_ops',
    check(run) {
      for (const op of run.vector.expect.costs.cache_ops) {
        const index = op.when === 'map' ? mapIndex : unmapIndex;
        assert.ok(index !== null, `${run.vector.id}: no result for ${op.when}`);
        const kind = /inval/i.test(op.op) ? 'invalidate' : 'clean';
        assert.equal(result(run, index).costs.cacheLines[kind], op.lines, `${run.vector.id}: ${op.op}`);
      }
    },
  };
}

/** IOTLB flushes per the vector (kind, when, addr, am). */
export function iotlbFlushes(indexFor: Record<string, number>): VectorCheck {
  return {
    name: 'IOTLB flushes = vector iotlb_flushes',
    check(run) {
      for (const flush of run.vector.expect.costs.iotlb_flushes) {
        const index = indexFor[flush.when];
        assert.ok(index !== undefined, `${run.vector.id}: no result for flush at ${flush.when}`);
        const kind = flush.type.split(' ')[0]!;
        const got = result(run, index).costs.iotlbFlushes.filter(
          (item) => item.kind === kind && item.when === flush.when,
        );
        assert.equal(
          got.length,
          1,
          `${run.vector.id}: one ${kind} flush at ${flush.when}, got ${JSON.stringify(result(run, index).costs.iotlbFlushes, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}`,
        );
        if (typeof flush.count === 'number') assert.equal(got[0]!.count, flush.count);
        if (flush.addr !== undefined) assert.equal(got[0]!.addr, BigInt(flush.addr));
        if (flush.am !== undefined) assert.equal(got[0]!.am, flush.am);
      }
    },
  };
}

/** Hypercalls per the vector (name and count). */
export function hypercalls(index: number): VectorCheck {
  return {
    name: 'hypercalls = vector hypercalls',
    check(run) {
      for (const call of run.vector.expect.costs.hypercalls) {
        const got = result(run, index).costs.hypercalls.find((item) => item.name === call.name);
        assert.ok(got, `${run.vector.id}: missing hypercall ${call.name}`);
        if (typeof call.count === 'number') assert.equal(got.count, call.count);
      }
    },
  };
}

/** The path of a result, as the vector names it. */
export function pathIs(index: number, path: string, vectorWord: RegExp): VectorCheck {
  return {
    name: `result ${index} path ${path}`,
    check(run) {
      assert.match(run.vector.expect.path, vectorWord);
      assert.equal(result(run, index).path, path);
    },
  };
}

/** A free-form check with its reason. */
export function custom(name: string, check: (run: CaseRun) => void): VectorCheck {
  return { name, check };
}
