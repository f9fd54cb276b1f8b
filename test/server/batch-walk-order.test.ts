// WalkOrder puts results that finish in any order back into the order their files were walked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WalkOrder } from '../../server/src/batch/walk-order';

test('results come out in walk order whatever order they finish in, files without a result are skipped', () => {
  const walk = fc.array(
    fc.record({ path: fc.constantFrom('a.c', 'b.c', 'c.h', 'd/e.c', 'f.c', 'g.h'), reports: fc.boolean() }),
    { maxLength: 40 },
  );
  fc.assert(
    fc.property(
      walk.chain((files) =>
        fc.tuple(
          fc.constant(files),
          fc.shuffledSubarray([...files.keys()], { minLength: files.length, maxLength: files.length }),
        ),
      ),
      ([files, finishOrder]) => {
        const order = new WalkOrder<{ path: string; index: number }>();
        for (const file of files) order.taken(file.path);
        // A path walked twice (two roots overlapping) settles its earliest walk first.
        const settledPerPath = new Map<string, number[]>();
        files.forEach((file, index) =>
          settledPerPath.set(file.path, [...(settledPerPath.get(file.path) ?? []), index]),
        );
        const released: { path: string; index: number }[] = [];
        const finishedByPath = new Map<string, number>();
        for (const index of finishOrder) {
          const { path } = files[index]!;
          const turn = finishedByPath.get(path) ?? 0;
          finishedByPath.set(path, turn + 1);
          const walkIndex = settledPerPath.get(path)![turn]!;
          order.settle(path, files[walkIndex]!.reports ? { path, index: walkIndex } : null, released);
        }
        const expected = files.flatMap((file, index) => (file.reports ? [{ path: file.path, index }] : []));
        assert.deepEqual(released, expected);
        assert.equal(order.pending, 0);
      },
    ),
  );
});

test('a result is held back exactly until every earlier file has settled', () => {
  const order = new WalkOrder<string>();
  for (const path of ['a.c', 'b.c', 'c.c']) order.taken(path);
  const released: string[] = [];
  order.settle('c.c', 'c', released);
  order.settle('b.c', null, released);
  assert.deepEqual(released, []);
  assert.equal(order.pending, 3);
  order.settle('a.c', 'a', released);
  assert.deepEqual(released, ['a', 'c']);
  assert.equal(order.pending, 0);
});
