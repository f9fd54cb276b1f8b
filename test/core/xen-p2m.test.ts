// range_straddles_page_boundary (drivers/xen/swiotlb-xen.c) walks a buffer page by page and asks whether
// each next pfn is the next machine frame. The core answers from the p2m's listed entries instead, so a
// buffer of any size costs the size of the p2m; here it is checked against that page walk on small
// buffers, and a size of 2^64 - 1 (which the page walk would take forever on) answers at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createSession } from '@dmalens/core';
import { pfnToBfn, rangeStraddlesPageBoundary } from '../../core/src/xen/p2m';
import type { EngineSession } from '../../core/src/engine/ops';

function session(p2m: Record<string, string>): EngineSession {
  return createSession('xen-pv', { xen_p2m: p2m }) as unknown as EngineSession;
}

/** The kernel's walk, one page at a time. */
function pageWalk(xen: EngineSession, phys: bigint, size: bigint): bigint | null {
  let pfn = phys >> 12n;
  const pages = ((phys & 0xfffn) + size + 0xfffn) >> 12n;
  let next = pfnToBfn(xen, pfn);
  for (let page = 1n; page < pages; page++) {
    pfn++;
    next++;
    if (pfnToBfn(xen, pfn) !== next) return pfn;
  }
  return null;
}

test('the answer from the listed entries is the page walk’s, on any small p2m and buffer', () => {
  const entry = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 60 }));
  fc.assert(
    fc.property(
      fc.array(entry, { maxLength: 8 }),
      fc.integer({ min: 0, max: 40 * 4096 }),
      fc.integer({ min: 1, max: 12 * 4096 }),
      (entries, phys, size) => {
        const p2m = Object.fromEntries(entries.map(([pfn, bfn]) => [`0x${pfn.toString(16)}`, `0x${bfn.toString(16)}`]));
        const xen = session(p2m);
        const expected = pageWalk(xen, BigInt(phys), BigInt(size));
        assert.deepEqual(rangeStraddlesPageBoundary(xen, BigInt(phys), BigInt(size)), {
          straddles: expected !== null,
          at: expected,
        });
      },
    ),
    { numRuns: 300 },
  );
});

test('a map of 2^64 - 1 bytes on xen-pv is answered without walking its pages', () => {
  const xen = session({ '0x1': '0x80' });
  // pfn 1 maps to machine frame 0x80, so pfn 2 (unlisted: itself) is not the next frame.
  assert.deepEqual(rangeStraddlesPageBoundary(xen, 0x1000n, (1n << 64n) - 1n), { straddles: true, at: 2n });
  assert.deepEqual(rangeStraddlesPageBoundary(session({}), 0x1000n, (1n << 64n) - 1n), { straddles: false, at: null });
});
