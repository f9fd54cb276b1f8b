// The batch prefilter must accept exactly the texts in which the extractor would find a catalogue name
// (or a check would find one of the identifiers it reads from the text): a file it rejects is never
// analysed, so a miss here is a missed call site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_CATALOGUE } from '@dmalens/core';
import { findCandidateNames } from '../../server/src/analysis/prefilter';
import { SCAN_ANCHORS, mayNeedAnalysis } from '../../server/src/batch/scan-prefilter';
import { TEXT_RULE_IDENTIFIERS } from '../../server/src/batch/text-rule-identifiers';
import { repoRoot } from '../repo-root';

const repo = repoRoot();

const CATALOGUE_NAMES = [...new Set(API_CATALOGUE.map((api) => api.name))];

/** The reference the anchor searches must agree with: a plain whole-identifier regular expression. */
function wholeIdentifiers(names: readonly string[]): RegExp {
  return new RegExp(`\\b(?:${names.join('|')})\\b`, 'g');
}

function referenceOccurrences(text: string): { offset: number; name: string }[] {
  return [...text.matchAll(wholeIdentifiers(CATALOGUE_NAMES))].map((match) => ({
    offset: match.index!,
    name: match[0],
  }));
}

function referenceNeedsAnalysis(text: string): boolean {
  return wholeIdentifiers([...CATALOGUE_NAMES, ...TEXT_RULE_IDENTIFIERS]).test(text);
}

test('every catalogue name and every text-rule identifier is accepted on its own, in code context', () => {
  for (const name of [...API_CATALOGUE.map((api) => api.name), ...TEXT_RULE_IDENTIFIERS]) {
    assert.equal(mayNeedAnalysis(`\tret = ${name}(dev, x);\n`), true, name);
    assert.equal(mayNeedAnalysis(`${name}`), true, `${name} alone`);
  }
});

test('every name holds one of the chosen anchors, so no name becomes an anchor of its own', () => {
  // A name outside the anchors is searched for on its own: one more pass over every byte of a tree, at the
  // speed of its first letter (docs/performance.md).
  for (const name of [...CATALOGUE_NAMES, ...TEXT_RULE_IDENTIFIERS]) {
    assert.ok(
      SCAN_ANCHORS.some((anchor) => name.includes(anchor)),
      `${name} holds none of ${SCAN_ANCHORS.join(', ')}`,
    );
  }
});

test('a name inside a longer identifier is not a name', () => {
  for (const text of [
    'xdma_map_single(a)',
    'dma_map_single_count = 1;',
    'my__pa(x)',
    'page_to_physx',
    'VIRTIO_F_IOMMU_PLATFORMS',
    'dev_err(dev, "x");',
    'get_user(x, p);',
    'set_bit(1, &f);',
  ]) {
    assert.equal(mayNeedAnalysis(text), false, text);
  }
});

test('on the fixtures and examples both searches agree with a whole-identifier regular expression', () => {
  const files: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.[ch]$/.test(entry.name)) files.push(path);
    }
  };
  visit(join(repo, 'test/fixtures'));
  visit(join(repo, 'examples'));
  assert.ok(files.length > 5);
  for (const path of files) {
    const text = readFileSync(path, 'latin1');
    assert.deepEqual(findCandidateNames(text), referenceOccurrences(text), path);
    assert.equal(mayNeedAnalysis(text), referenceNeedsAnalysis(text), path);
    // Every line on its own too, which exercises names at the start and end of the text.
    for (const line of text.split('\n')) {
      assert.deepEqual(findCandidateNames(line), referenceOccurrences(line), `${path}: ${line}`);
      assert.equal(mayNeedAnalysis(line), referenceNeedsAnalysis(line), `${path}: ${line}`);
    }
  }
});

test('raw bytes are judged as their text is, with non-ASCII bytes never part of an identifier', () => {
  // `\w` is ASCII only, so a name next to a UTF-8 or latin1 letter still stands as a whole identifier.
  for (const [text, expected] of [
    ['é dma_map_single(d, p, 4, DMA_TO_DEVICE)', true],
    ['édma_map_single(d)', true],
    ['dma_map_singleé', true],
    ['xdma_map_single(d)', false],
    ['/* no names here, only dmaengine and pci_dev */', false],
    ['__pa(x)', true],
    ['__packed __pa_symbol(x)', false],
  ] as const) {
    assert.equal(mayNeedAnalysis(Buffer.from(text, 'utf8')), expected, `utf8: ${text}`);
    assert.equal(mayNeedAnalysis(Buffer.from(text, 'latin1')), expected, `latin1: ${text}`);
    assert.equal(mayNeedAnalysis(text), expected, `string: ${text}`);
  }
  for (const name of [...API_CATALOGUE.map((api) => api.name), ...TEXT_RULE_IDENTIFIERS]) {
    assert.equal(mayNeedAnalysis(Buffer.from(`x = ${name} (a);`, 'latin1')), true, name);
    assert.equal(mayNeedAnalysis(Buffer.from(`x = ${name}_x (a);`, 'latin1')), false, `${name}_x`);
  }
});
