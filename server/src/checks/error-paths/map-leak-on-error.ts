// A mapping left in place when the function gives up: the handle lives in a local variable, the map was
// checked and succeeded, and before the handle is released, stored or passed on, the function returns (or
// jumps to a label whose cleanup never mentions it). Nothing can unmap it afterwards: the swiotlb slot,
// IOVA or TCE entry stays taken, and DMA-API debug reports "device driver has pending DMA allocations while
// released from device" when the driver is unbound (kernel/dma/debug.c:dma_debug_device_change).
import type { CallSite } from '../../analysis/callsite';
import { escapeRegExp } from '../../analysis/regexp-text';
import { matchingParen } from '../../analysis/origin';
import { returnsMappingErrorValue } from '../api-facts';
import { pairingIndex, type PairingIndex } from '../pairing';
import type { CheckContext, Rule, RuleFinding } from '../rule';
import { pathEvents } from './path-events';

export const mapLeakOnError: Rule = {
  id: 'map-leak-on-error',
  title: 'Mapping left in place on an error path',
  defaultSeverity: 'warning',
  platformDependent: false,
  check({ sites, lines }: CheckContext): RuleFinding[] {
    const maps = sites.filter(isLocalHandleMap);
    if (maps.length === 0) return [];
    const index = pairingIndex(lines.text);
    return maps.flatMap((map) => {
      const exit = leakingExit(map, index);
      if (!exit) return [];
      const start = lines.positionAt(exit.offset);
      return [
        {
          range: { start, end: lines.positionAt(exit.offset + exit.text.length) },
          message:
            `'${exit.text}' leaves the ${map.api}() mapping of '${map.handle}' (line ${map.range.start.line + 1}) in place: ` +
            `nothing on this path unmaps it, and '${map.handle}' is a local no one else holds. The swiotlb slot, IOVA or TCE entry ` +
            `stays taken, and with CONFIG_DMA_API_DEBUG unbinding the driver reports "DMA-API: device driver has pending DMA allocations while released from device".`,
        },
      ];
    });
  },
};

function isLocalHandleMap(site: CallSite): boolean {
  return (
    site.kind === 'map' &&
    returnsMappingErrorValue(site.api) &&
    site.checked &&
    site.handle !== null &&
    /^[A-Za-z_]\w*$/.test(site.handle) &&
    (site.resultUse === 'assigned' || site.resultUse === 'declared') &&
    site.enclosingFunction !== null
  );
}

/** The first exit after the map's successful check that leaves the mapping held; null when there is none. */
function leakingExit(map: CallSite, index: PairingIndex): { offset: number; text: string } | null {
  const body = index.functionAt(map.offset);
  const block = index.innermostBlock(map.offset);
  if (!body || !block || !isLocalAt(index.code, body, map)) return null;
  const failure = failureBranch(index, map, block.close);
  if (!failure) return null;
  // From the map on, so that a handle stored before its check (`desc->addr = cpu_to_be32(addr)`) counts;
  // the failure branch is another path.
  const events = pathEvents({
    index,
    handle: map.handle!,
    from: map.endOffset,
    to: block.close,
    body,
    skip: [failure],
  });
  for (const event of events) {
    if (event.kind === 'release' || event.kind === 'escape' || event.kind === 'assigned') return null;
    if (event.kind === 'return') return event;
    if (event.kind === 'goto' && !event.cleanupMentions) return { offset: event.offset, text: `goto ${event.label};` };
  }
  return null;
}

/** Where each function declares each handle, found once per text: a file can hold thousands of maps. */
const declarations = { code: '', offsets: new Map<string, number>() };

/** A local of the function (declared in its body before the map), not a parameter or a global. */
function isLocalAt(code: string, body: { open: number; close: number }, map: CallSite): boolean {
  if (declarations.code !== code) Object.assign(declarations, { code, offsets: new Map() });
  const key = `${body.open}:${map.handle}`;
  let offset = declarations.offsets.get(key);
  if (offset === undefined) {
    const declaration = new RegExp(
      `\\b(?:dma_addr_t|u64|u32|phys_addr_t|unsigned\\s+long)\\b[^;(){}=]*\\b${escapeRegExp(map.handle!)}\\b`,
    );
    const found = declaration.exec(code.slice(body.open, body.close));
    offset = found ? body.open + found.index : Infinity;
    declarations.offsets.set(key, offset);
  }
  return offset < map.offset;
}

/**
 * The branch the map's own check takes on failure: `if (dma_mapping_error(dev, h)) stmt;` or `{ … }`. Null
 * when the check is written any other way (negated, stored in a variable first): then which code runs on
 * failure is not known, and nothing is said.
 */
function failureBranch(index: PairingIndex, map: CallSite, limit: number): { open: number; close: number } | null {
  const { code } = index;
  // The check follows within a few statements: a bounded window keeps this linear in the file.
  const after = code.slice(map.endOffset, Math.min(limit, map.endOffset + 600));
  const check = new RegExp(
    `\\bif\\s*\\(\\s*(?:unlikely\\s*\\(\\s*)?(?:dma_mapping_error|pci_dma_mapping_error|virtqueue_dma_mapping_error)\\s*\\([^;]*?\\b${escapeRegExp(map.handle!)}\\s*\\)`,
  ).exec(after);
  // The check must be the next statement or close to it: a check far below may be another mapping's.
  if (!check || after.slice(0, check.index).split(';').length > 3) return null;
  const at = matchingParen(code, map.endOffset + check.index + check[0].indexOf('('));
  if (at < 0) return null;
  let next = at + 1;
  while (/\s/.test(code[next] ?? '')) next++;
  if (code[next] === '{') {
    const close = index.closingBrace(next);
    return close === null ? null : { open: next, close: close + 1 };
  }
  const end = code.indexOf(';', next);
  return end < 0 ? null : { open: next, close: end + 1 };
}
