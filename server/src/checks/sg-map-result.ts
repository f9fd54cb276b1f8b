// A scatterlist map whose failure the driver cannot see. dma_map_sg() and dma_map_sg_attrs() return the
// number of mapped entries and 0 when mapping failed; they never return a negative errno
// (kernel/dma/mapping.c:dma_map_sg_attrs turns the ops' negative error into 0), so `if (ret < 0)` is never
// true. dma_map_sgtable() returns 0 or a negative errno. A result that is thrown away, or stored and never
// tested, leaves the device with the sg_dma_address() of entries that were never mapped.
import { catalogueEntry } from '@dmalens/core';
import type { CallSite } from '../analysis/callsite';
import { escapeRegExp } from '../analysis/regexp-text';
import { pairingIndex, type PairingIndex } from './pairing';
import type { CheckContext, Rule, RuleFinding } from './rule';
import type { LineIndex } from '../analysis/line-index';

export const sgMapResult: Rule = {
  id: 'sg-map-result',
  title: "Scatterlist map's failure not tested, or tested as a negative count",
  defaultSeverity: 'warning',
  platformDependent: false,
  check({ sites, lines }: CheckContext): RuleFinding[] {
    const candidates = sites.filter(isScatterlistMap);
    if (candidates.length === 0) return [];
    const index = pairingIndex(lines.text);
    return candidates.flatMap((site) => findingsOf(site, index, lines));
  },
};

function isScatterlistMap(site: CallSite): boolean {
  const returns = catalogueEntry(site.api)?.returns;
  return site.kind === 'map' && (returns === 'count' || returns === 'errno') && site.enclosingFunction !== null;
}

function findingsOf(site: CallSite, index: PairingIndex, lines: LineIndex): RuleFinding[] {
  const counts = catalogueEntry(site.api)!.returns === 'count';
  const failure = counts ? '0 when nothing was mapped' : 'a negative errno when mapping failed';
  if (site.resultUse === 'discarded')
    return [
      {
        range: site.nameRange,
        message: `${site.api}() result is discarded: it returns ${failure}, and the device would be given the sg_dma_address() of entries that were never mapped.`,
      },
    ];
  if (!counts) return untestedFinding(site, failure);
  const negative = negativeTest(site, index);
  if (negative) {
    const start = lines.positionAt(negative.offset);
    return [
      {
        range: { start, end: lines.positionAt(negative.offset + negative.text.length) },
        message:
          `'${negative.text}' is never true: ${site.api}() (line ${site.range.start.line + 1}) returns the number of ` +
          `mapped entries and 0 on failure, never a negative errno (kernel/dma/mapping.c:dma_map_sg_attrs), so a ` +
          `failed map goes on as mapped. Test for 0 instead.`,
      },
    ];
  }
  return untestedFinding(site, failure);
}

/** A stored result never tested in its function, unless the function returns it to its caller. */
function untestedFinding(site: CallSite, failure: string): RuleFinding[] {
  const stored = site.resultUse === 'assigned' || site.resultUse === 'declared';
  if (!stored || site.checked || site.handle === null) return [];
  return [
    {
      range: site.nameRange,
      message: `${site.api}() result is never tested: it returns ${failure}, and the device would be given the sg_dma_address() of entries that were never mapped.`,
    },
  ];
}

/**
 * `ret < 0` (or `if (dma_map_sg(...) < 0)`) as the test of the count, with no test for 0 beside it: the
 * result's first comparisons after the call, in its function, are all "negative" ones.
 */
function negativeTest(site: CallSite, index: PairingIndex): { offset: number; text: string } | null {
  const body = index.functionAt(site.offset);
  if (!body) return null;
  const direct = /^\s*<\s*0\b/.exec(index.code.slice(site.endOffset, site.endOffset + 20));
  if (direct) return { offset: site.endOffset + direct.index + direct[0].indexOf('<'), text: `${site.api}(…) < 0` };
  const lvalue = resultLvalue(site, index.code);
  if (!lvalue) return null;
  const code = index.code.slice(site.endOffset, body.close);
  const name = escapeRegExp(lvalue).replace(/\\?\s+/g, '\\s*');
  const mention = new RegExp(`(?<![\\w.>])${name}(?![\\w\\[.]|\\s*->)`, 'g');
  let negative: { offset: number; text: string } | null = null;
  for (const match of code.matchAll(mention)) {
    const after = code.slice(match.index + match[0].length, match.index + match[0].length + 12);
    const before = code.slice(Math.max(0, match.index - 12), match.index);
    if (/^\s*=(?!=)/.test(after)) break;
    if (/^\s*<\s*0\b/.test(after)) {
      negative ??= { offset: site.endOffset + match.index, text: `${lvalue} < 0` };
      continue;
    }
    // Any other test of the count (`!ret`, `ret == 0`, `ret <= 0`, `if (ret)`, `ret != nents`) sees a failure.
    if (/^\s*(?:[<>!=]=|>|\?|\)\s*\?)/.test(after) || /(?:!|\bif\s*\(|&&|\|\|)\s*\(?\s*$/.test(before)) return null;
  }
  return negative;
}

/** The variable the statement stores the count in, from the text before the call. */
function resultLvalue(site: CallSite, code: string): string | null {
  if (site.resultUse !== 'assigned' && site.resultUse !== 'declared') return null;
  const before = code.slice(Math.max(0, site.offset - 120), site.offset);
  return /([A-Za-z_][\w.>\-[\]]*)\s*=\s*$/.exec(before)?.[1] ?? null;
}
