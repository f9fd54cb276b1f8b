// A streaming map whose handle is never passed to dma_mapping_error(). dma-debug reports this at
// unmap time as "failed to check map error" (kernel/dma/debug.c:check_unmap, spec §8 D8), and on a
// platform where the map can fail (swiotlb full, IOVA space exhausted, TCE table full) the driver then
// hands DMA_MAPPING_ERROR (all ones) to the device.
import type { CallSite } from '../analysis/callsite';
import { checkFunction, isUncheckedMapping, returnsMappingErrorValue } from './api-facts';
import { zeroTestOf } from './mapping-zero-check';
import type { CheckContext, Fix, Rule, RuleFinding } from './rule';
import type { LineIndex } from '../analysis/line-index';
import { pairingIndex, type PairingIndex } from './pairing';
import { errorExit } from './error-exit';
import { HandleSummaries, type WrapperCall } from './handle-summaries';

export const uncheckedMapping: Rule = {
  id: 'unchecked-mapping',
  title: 'Mapping not checked with dma_mapping_error()',
  defaultSeverity: 'warning',
  platformDependent: false,
  check({ sites, lines }: CheckContext): RuleFinding[] {
    const discarded = sites.filter(isDiscardedMapping).map(discardedFinding);
    const candidates = sites.filter((site) => isUncheckedMapping(site) || isReturnedMapping(site));
    if (candidates.length === 0) return discarded;
    const index = pairingIndex(lines.text);
    const summaries = new HandleSummaries(
      index,
      sites.filter((site) => site.kind === 'check'),
    );
    const findings: RuleFinding[] = [...discarded];
    const wrappersDone = new Set<string>();
    for (const site of candidates) {
      const body = index.functionAt(site.offset);
      // A handle tested against 0 is mapping-zero-check's: checked, but wrongly.
      if (!body || zeroTestOf(site, index) || (site.handle && summaries.isChecked(site.handle, body))) continue;
      const wrapper = summaries.wrapperOf(site, body);
      if (!wrapper) {
        if (site.resultUse !== 'returned') findings.push(uncheckedFinding(site, lines, { index, sites }));
      } else if (wrapper.calls && !wrappersDone.has(wrapper.name)) {
        wrappersDone.add(wrapper.name);
        findings.push(...uncheckedWrapperCalls(site, { ...wrapper, calls: wrapper.calls }, summaries, lines));
      }
    }
    return findings;
  },
};

function isReturnedMapping(site: CallSite): boolean {
  return site.kind === 'map' && returnsMappingErrorValue(site.api) && site.resultUse === 'returned';
}

function uncheckedFinding(
  site: CallSite,
  lines: LineIndex,
  file: { index: PairingIndex; sites: readonly CallSite[] },
): RuleFinding {
  const conversion = conversionAround(site, lines.text);
  if (conversion)
    return {
      range: site.nameRange,
      message:
        `${site.api}() result goes through ${conversion}() straight into '${site.handle}' and is never checked with ` +
        `${checkFunction(site)}(): ${CONSEQUENCE}`,
    };
  return {
    range: site.nameRange,
    message: `${site.api}() result '${site.handle}' is never checked with ${checkFunction(site)}(): ${CONSEQUENCE}`,
    fix: insertCheckFix(site, lines, file),
  };
}

/**
 * The byte-order conversion the map's result is stored through (`desc->addr = cpu_to_le32(dma_map_single(...))`),
 * if any. Such a store gets no quick fix: checking the descriptor's field is checking a converted value,
 * and the right fix keeps the handle in a variable first.
 */
function conversionAround(site: CallSite, text: string): string | null {
  const before = text.slice(Math.max(0, site.offset - 80), site.offset);
  return /\b(cpu_to_[lb]e\w*|lower_32_bits)\s*\(\s*$/.exec(before)?.[1] ?? null;
}

const CONSEQUENCE =
  `with CONFIG_DMA_API_DEBUG the unmap reports "DMA-API: device driver failed to check map error[device address=0x…] [size=… bytes] [mapped as single]", ` +
  `and when the map fails (swiotlb full, IOVA or TCE space exhausted) the device receives DMA_MAPPING_ERROR (all ones).`;

/**
 * The calls of a file's map wrapper whose result is never checked where it lands (a wrapper that only
 * passes it on by `return` leaves it to its own callers, which are not followed further).
 */
function uncheckedWrapperCalls(
  map: CallSite,
  wrapper: { name: string; through: string; calls: readonly WrapperCall[] },
  summaries: HandleSummaries,
  lines: LineIndex,
): RuleFinding[] {
  const made = `${wrapper.name}() ${wrapper.through} the handle of its ${map.api}() (line ${map.range.start.line + 1})`;
  return wrapper.calls.flatMap((call): RuleFinding[] => {
    const range = { start: lines.positionAt(call.nameStart), end: lines.positionAt(call.nameEnd) };
    if (call.use.kind === 'discarded')
      return [
        { range, message: `${made}, and this call discards it: the mapping can be neither checked nor unmapped.` },
      ];
    if (call.use.kind !== 'stored' || summaries.isChecked(call.use.lvalue, call.caller)) return [];
    return [
      {
        range,
        message: `${made}, and '${call.use.lvalue}' is never checked with ${checkFunction(map)}(): ${CONSEQUENCE}`,
      },
    ];
  });
}

/** A map called as a statement of its own in a function (not the body of a macro): its handle is thrown away. */
function isDiscardedMapping(site: CallSite): boolean {
  return (
    site.kind === 'map' &&
    returnsMappingErrorValue(site.api) &&
    site.resultUse === 'discarded' &&
    site.enclosingFunction !== null
  );
}

function discardedFinding(site: CallSite): RuleFinding {
  return {
    range: site.nameRange,
    message:
      `${site.api}() result is discarded: the mapping can be neither checked with ${checkFunction(site)}() nor ` +
      `unmapped, so the swiotlb slot, IOVA or TCE entry it holds stays taken; with CONFIG_DMA_API_DEBUG unbinding ` +
      `the driver reports "DMA-API: device driver has pending DMA allocations while released from device [count=…]" ` +
      `(kernel/dma/debug.c:dma_debug_device_change).`,
  };
}

/**
 * Inserts `if (dma_mapping_error(dev, handle))` and the function's own way out after the statement holding the
 * map (error-exit.ts); no fix where that way out cannot be derived.
 */
function insertCheckFix(
  site: CallSite,
  lines: LineIndex,
  file: { index: PairingIndex; sites: readonly CallSite[] },
): Fix | undefined {
  const device = site.args[0];
  if (!device || !site.handle) return undefined;
  const body = file.index.functionAt(site.offset);
  if (!body) return undefined;
  const exit = errorExit({ index: file.index, body, site, sites: file.sites });
  if (!exit) return undefined;
  const statementEnd = findStatementEnd(lines.text, lines.offsetAt(site.range.end));
  if (statementEnd === null) return undefined;
  const end = lines.positionAt(statementEnd + 1);
  const indent = lines.indentation(site.range.start.line);
  const innerIndent = indent.includes('\t') || indent === '' ? `${indent}\t` : `${indent}    `;
  const newline = lines.text.includes('\r\n') ? '\r\n' : '\n';
  const condition = `${newline}${indent}if (${checkFunction(site)}(${device}, ${site.handle}))`;
  const branch =
    exit.statements.length === 1
      ? `${newline}${innerIndent}${exit.statements[0]}`
      : ` {${exit.statements.map((statement) => `${newline}${innerIndent}${statement}`).join('')}${newline}${indent}}`;
  return {
    title: `Insert ${checkFunction(site)}() check after ${site.api}() (${exit.summary})`,
    edits: [{ range: { start: end, end }, newText: `${condition}${branch}` }],
  };
}

/** Offset of the `;` ending the statement that contains `offset`, skipping nested parentheses. */
function findStatementEnd(text: string, offset: number): number | null {
  let depth = 0;
  for (let index = offset; index < text.length && index < offset + 2000; index++) {
    const char = text[index];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ';' && depth <= 0) return index;
    else if ((char === '{' || char === '}') && depth <= 0) return null;
  }
  return null;
}
