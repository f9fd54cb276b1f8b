// Extraction on every fixture and example, driven by the inline markers: each `^` marker names a call and its
// facts, each `/*! none */` line must yield no site, and in extract-*.c files every site must be marked.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { extractCallSites } from '../../server/src/analysis/extract';
import { initParser } from '../../server/src/parse/parser';
import { readMarkers } from '../fixtures/markers';
import { cFilesIn, markerMismatches, siteForMarker } from './extract-support';

before(async () => {
  await initParser();
});

for (const dir of ['test/fixtures', 'examples']) {
  describe(`call sites in ${dir}`, () => {
    for (const file of cFilesIn(dir)) {
      test(file.name, () => {
        const sites = extractCallSites(file.text);
        const markers = readMarkers(file.text);
        const problems: string[] = [];
        for (const marker of markers.filter((m) => m.kind === '^'))
          problems.push(...markerMismatches(sites, marker, file.name));
        for (const marker of markers.filter((m) => m.kind === '!')) {
          for (const site of sites.filter((s) => s.nameRange.start.line === marker.line)) {
            problems.push(`${file.name}:${marker.line + 1}: no call site expected, found ${site.api}`);
          }
        }
        if (file.name.startsWith('extract-')) {
          const carets = markers.filter((m) => m.kind === '^');
          for (const site of sites) {
            if (!carets.some((marker) => siteForMarker([site], marker)))
              problems.push(`${file.name}:${site.nameRange.start.line + 1}: unmarked site ${site.api}`);
          }
        }
        assert.deepEqual(problems, []);
      });
    }
  });
}
