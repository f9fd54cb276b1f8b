// Every vector of test/vectors/kernel-6.1.json is a test. Cases come from the owners' tables: the core's
// simulation for the platform vectors, the language server's rules for the DMA-API debug vectors. A vector
// without a case fails. The file is the project's shared vector set, copied into the repository so a clone
// anywhere runs it; when the shared set sits beside the repository, the copy must still equal it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSession, parseRequest } from '@dmalens/core';
import { analyzeFileText } from '../../server/src/analysis/file-analysis';
import { runChecks } from '../../server/src/checks/run-checks';
import { initParser } from '../../server/src/parse/parser';
import { createPlatformModel, driverContext } from '../../server/src/sites';
import type { Vector, VectorCase } from './vector-case';
import { debugCases, type DebugVectorCase } from './vector-cases-debug';
import { cases as engineCases } from './vector-cases-engine';
import { cases as powerpcCases } from './vector-cases-powerpc';
import { cases as virtioCases } from './vector-cases-virtio';
import { repoRoot } from '../repo-root';

const vectorFile = join(repoRoot(), 'test', 'vectors', 'kernel-6.1.json');
const sharedFile = join(repoRoot(), '..', 'shared', 'vectors', 'kernel-6.1.json');
const vectors: Vector[] = JSON.parse(readFileSync(vectorFile, 'utf8')).vectors;

const tables: [string, (VectorCase | DebugVectorCase)[]][] = [
  ['engine', engineCases],
  ['powerpc', powerpcCases],
  ['virtio', virtioCases],
  ['dma-debug', debugCases],
];

const byId = new Map<string, { owner: string; entry: VectorCase | DebugVectorCase }>();
for (const [owner, table] of tables) {
  for (const entry of table) {
    assert.ok(!byId.has(entry.id), `vector ${entry.id} has cases in both ${byId.get(entry.id)?.owner} and ${owner}`);
    byId.set(entry.id, { owner, entry });
  }
}

before(async () => {
  await initParser();
});

test(
  'the vectors are the shared set, when it is beside the repository',
  { skip: !existsSync(sharedFile) && `no ${sharedFile}` },
  () => {
    assert.deepEqual(
      JSON.parse(readFileSync(vectorFile, 'utf8')),
      JSON.parse(readFileSync(sharedFile, 'utf8')),
      `test/vectors/kernel-6.1.json differs from ${sharedFile}: copy the shared set again`,
    );
  },
);

test('every case names a vector that exists', () => {
  const ids = new Set(vectors.map((vector) => vector.id));
  for (const id of byId.keys()) assert.ok(ids.has(id), `case ${id} has no vector`);
});

function runPlatformCase(vector: Vector, entry: VectorCase): void {
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
}

/** The language server's rules over the case's driver, with the default platforms, as an editor runs them. */
function runDebugCase(vector: Vector, entry: DebugVectorCase): void {
  const text = entry.driver(vector);
  const { sites } = analyzeFileText(text, `${vector.id}.c`);
  const driver = driverContext(createPlatformModel(['x86_64'], {}).model, { sites, text });
  const findings = runChecks({ sites, text, driver }, { severities: {} });
  assert.ok(entry.checks.length > 0, `case ${vector.id} checks nothing`);
  for (const item of entry.checks) {
    try {
      item.check({ vector, findings });
    } catch (error) {
      if (error instanceof Error) error.message = `${vector.id} [${item.name}]: ${error.message}`;
      throw error;
    }
  }
}

for (const vector of vectors) {
  test(`${vector.id} ${vector.platform}`, () => {
    const found = byId.get(vector.id);
    assert.ok(found, `vector ${vector.id} has no test case in any vector-cases-*.ts table`);
    if ('driver' in found.entry) runDebugCase(vector, found.entry);
    else runPlatformCase(vector, found.entry);
  });
}
