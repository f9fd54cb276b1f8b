// A streaming map whose failure is tested as a zero handle (`if (!dma)`, `dma == 0`) and never with
// dma_mapping_error(). A failed map returns DMA_MAPPING_ERROR, all ones (include/linux/dma-mapping.h), so the
// test never sees the failure; and 0 is a valid bus address on many machines (x86 without an IOMMU maps
// physical page 0 to 0, an IOMMU may hand out IOVA 0), so the test can refuse a good mapping.
import type { CallSite } from '../analysis/callsite';
import { escapeRegExp } from '../analysis/regexp-text';
import { checkFunction, isUncheckedMapping } from './api-facts';
import { pairingIndex, type PairingIndex } from './pairing';
import type { CheckContext, Rule, RuleFinding } from './rule';

export const mappingZeroCheck: Rule = {
  id: 'mapping-zero-check',
  title: 'Mapping checked against 0 instead of with dma_mapping_error()',
  defaultSeverity: 'warning',
  platformDependent: false,
  check({ sites, lines }: CheckContext): RuleFinding[] {
    const candidates = sites.filter(isUncheckedMapping);
    if (candidates.length === 0) return [];
    const index = pairingIndex(lines.text);
    return candidates.flatMap((site) => {
      const test = zeroTestOf(site, index);
      if (test === null) return [];
      const at = lines.positionAt(site.offset + test.offset);
      return [
        {
          range: { start: at, end: lines.positionAt(site.offset + test.offset + test.length) },
          message:
            `'${test.text}' tests the ${site.api}() result (line ${site.range.start.line + 1}) against 0, but a failed map returns ` +
            `DMA_MAPPING_ERROR (all ones), which this test lets through, and 0 can be a valid DMA address. ` +
            `Use ${checkFunction(site)}(${site.args[0] ?? 'dev'}, ${site.handle}).`,
        },
      ];
    });
  },
};

type ZeroTest = { offset: number; length: number; text: string };

/** Each map's answer, per file text: unchecked-mapping asks too, to leave such maps to this rule. */
const answers = new WeakMap<PairingIndex, Map<number, ZeroTest | null>>();

/** Where the rest of the map's function tests its handle against 0, or null. */
export function zeroTestOf(site: CallSite, index: PairingIndex): ZeroTest | null {
  let known = answers.get(index);
  if (!known) answers.set(index, (known = new Map()));
  if (known.has(site.offset)) return known.get(site.offset)!;
  const body = index.functionAt(site.offset);
  const answer = body && site.handle ? zeroTest(index.code.slice(site.offset, body.close), site.handle) : null;
  known.set(site.offset, answer);
  return answer;
}

/**
 * The first zero test of `handle` in `code` (comments and literals blanked, starting at the map): `!h`,
 * `!(h)`, `h == 0`, `h == NULL`, `0 == h`; none when the handle is assigned again first (a zero test then
 * asks about the new value: `dma = 0` in a path that did not map, as bookkeeping).
 */
function zeroTest(code: string, handle: string): ZeroTest | null {
  const name = escapeRegExp(handle).replace(/\s+/g, '\\s*');
  // Not a prefix of a longer name or member (`!dma_ready`, `!h->x`, `!h[i]`).
  const end = '(?![\\w\\[.]|\\s*->)';
  const pattern = new RegExp(
    `!\\s*${name}${end}|!\\s*\\(\\s*${name}${end}\\s*\\)|(?<![\\w.>\\]])${name}${end}\\s*==\\s*(?:0|NULL)\\b|\\b(?:0|NULL)\\s*==\\s*${name}${end}`,
  );
  const match = pattern.exec(code);
  if (!match) return null;
  const firstStatementEnd = code.indexOf(';');
  const reassigned = new RegExp(`(?<![\\w.>\\]])${name}${end}\\s*=(?!=)`);
  if (reassigned.test(code.slice(firstStatementEnd + 1, match.index))) return null;
  return { offset: match.index, length: match[0].length, text: match[0].trim() };
}
