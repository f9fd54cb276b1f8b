// Shared by the extraction tests: fixture loading and the comparison of call sites with `^` markers.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { CallSite } from '../../server/src/analysis/callsite';
import type { Marker } from '../fixtures/markers';

/** The repository root, from out/test/server/<file>.mjs or test/server/<file>.ts. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function cFilesIn(relativeDir: string): { name: string; path: string; text: string }[] {
  const dir = join(repoRoot, relativeDir);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.c'))
    .sort()
    .map((name) => ({ name, path: join(dir, name), text: readFileSync(join(dir, name), 'utf8') }));
}

export function siteForMarker(sites: CallSite[], marker: Marker): CallSite | undefined {
  return sites.find(
    (site) =>
      site.api === marker.word &&
      site.nameRange.start.line === marker.line &&
      site.nameRange.start.character <= marker.column &&
      marker.column < site.nameRange.end.character,
  );
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

function sizeText(site: CallSite): string {
  const size = site.size;
  if (!size) return 'none';
  if (size.kind === 'page_size') return `page*${size.pages}`;
  if (size.value !== null) return size.value.toString();
  return size.kind;
}

/** The site's value for a marker key, in the marker's notation. */
export function factText(site: CallSite, key: string, sites: CallSite[]): string {
  switch (key) {
    case 'dir':
      return site.direction;
    case 'size':
      return sizeText(site);
    case 'origin':
      return site.bufferOrigin;
    case 'handle':
      return site.handle ?? 'none';
    case 'checked':
      return yesNo(site.checked);
    case 'fn':
      return site.enclosingFunction ?? 'none';
    case 'loop':
      return yesNo(site.inLoop);
    case 'recovered':
      return yesNo(site.recovered);
    case 'use':
      return site.resultUse;
    case 'macro':
      return site.macro ?? 'none';
    case 'paired':
      return site.pairedWith.length
        ? site.pairedWith
            .map((index) => sites[index]!.api)
            .sort()
            .join(',')
        : 'none';
    default:
      throw new Error(`unknown marker key ${key}`);
  }
}

/** Every difference between a marker and the sites, as readable lines (empty when the marker holds). */
export function markerMismatches(sites: CallSite[], marker: Marker, where: string): string[] {
  const site = siteForMarker(sites, marker);
  if (!site)
    return [`${where}:${marker.line + 1}: expected a ${marker.word} call covering column ${marker.column + 1}`];
  const problems: string[] = [];
  for (const [key, expected] of Object.entries(marker.fields)) {
    const wanted = key === 'paired' ? expected.split(',').sort().join(',') : expected;
    const actual = factText(site, key, sites);
    if (actual !== wanted)
      problems.push(`${where}:${marker.line + 1}: ${marker.word} ${key}: expected ${wanted}, got ${actual}`);
  }
  return problems;
}
