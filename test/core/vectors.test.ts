// Every vector of ../shared/vectors/kernel-6.1.json is a test. Cases come from the three owners' tables;
// a vector without a case fails, and the DMA-API-debug vectors are listed as covered by the server tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSession, parseRequest } from '@dmalens/core';
import type { Vector, VectorCase, VectorElsewhere } from './vector-case';
import { cases as engineCases, elsewhere } from './vector-cases-engine';
import { cases as powerpcCases } from './vector-cases-powerpc';
import { cases as virtioCases } from './vector-cases-virtio';
import { repoRoot } from '../repo-root';

const vectorFile = join(repoRoot(), '..', 'shared', 'vectors', 'kernel-6.1.json');
const vectors: Vector[] = JSON.parse(readFileSync(vectorFile, 'utf8')).vectors;

const tables: [string, VectorCase[]][] = [
  ['engine', engineCases],
  ['powerpc', powerpcCases],
  ['virtio', virtioCases],
];

const byId = new Map<string, { owner: string; entry: VectorCase }>();
for (const [owner, table] of tables) {
  for (const entry of table) {
    assert.ok(!byId.has(entry.id), `vector ${entry.id} has cases in both ${byId.get(entry.id)?.owner} and ${owner}`);
    byId.set(entry.id, { owner, entry });
  }
}
const elsewhereById = new Map<string, VectorElsewhere>(elsewhere.map((item) => [item.id, item]));

test('every case names a vector that exists', () => {
  const ids = new Set(vectors.map((vector) => vector.id));
  for (const id of [...byId.keys(), ...elsewhereById.keys()]) assert.ok(ids.has(id), `case ${id} has no vector`);
});

for (const vector of vectors) {
  const other = elsewhereById.get(vector.id);
  if (other) {
    test(`${vector.id} ${vector.platform}`, { todo: `covered by the server tests: ${other.reason}` }, () => {});
    continue;
  }
  test(`${vector.id} ${vector.platform}`, () => {
    const found = byId.get(vector.id);
    assert.ok(found, `vector ${vector.id} has no test case in any vector-cases-*.ts table`);
    const { entry } = found;
    const session = createSession(entry.profile, entry.overrides ?? {});
    const results = entry.ops.map((op) => session.run(parseRequest(op)));
    assert.ok(entry.checks.length > 0, `case ${vector.id} checks nothing`);
    for (const item of entry.checks) {
      try {
        item.check({ vector, session, results });
      } catch (error) {
        if (error instanceof Error) error.message = `${vector.id} [${item.name}]: ${error.message}`;
        throw error;
      }
    }
  });
}
