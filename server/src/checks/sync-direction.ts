// A sync whose direction the mapping does not allow: dma-debug's check_sync (kernel/dma/debug.c,
// spec §8 D15-D17). A DMA_BIDIRECTIONAL mapping may be synced either way; otherwise the direction must
// match, a sync for the CPU needs a mapping the device can write, and a sync for the device needs one
// the device can read. Only maps that certainly ran before the sync are considered (pairing.ts).
import type { Direction } from '@dmalens/core';
import type { CallSite } from '../analysis/callsite';
import { isStreamingMap, isSyncForCpu, isSyncForDevice, kernelDirectionName } from './api-facts';
import { governingMaps } from './pairing';
import type { CheckContext, Rule, RuleFinding } from './rule';

export const syncDirection: Rule = {
  id: 'sync-direction',
  title: 'Sync with a direction the mapping does not allow',
  defaultSeverity: 'warning',
  platformDependent: false,
  check({ sites, text }: CheckContext): RuleFinding[] {
    const findings: RuleFinding[] = [];
    for (const sync of sites) {
      if (sync.kind !== 'sync' || sync.direction === 'unknown') continue;
      const maps = governingMaps(sites, text, sync, (site) => isStreamingMap(site) && site.direction !== 'unknown');
      if (maps.length === 0) continue;
      const verdicts = maps.map((map) => ({ map, messages: debugMessages(map.direction as Direction, sync) }));
      if (verdicts.some((verdict) => verdict.messages.length === 0)) continue;
      const { map, messages } = verdicts[verdicts.length - 1]!;
      findings.push({
        range: sync.nameRange,
        message: `${sync.api}(${kernelDirectionName(sync.direction)}) on a mapping made with ${kernelDirectionName(map.direction as Direction)} (line ${map.range.start.line + 1}): DMA-API debug reports ${messages.map((line) => `"${line}"`).join(' and ')}.`,
      });
    }
    return findings;
  },
};

/** The check_sync messages for a mapping direction and a sync call, in the kernel's order. */
export function debugMessages(mapped: Direction, sync: CallSite): string[] {
  if (mapped === 'bidirectional' || sync.direction === 'unknown') return [];
  const synced = sync.direction;
  const toCpu = isSyncForCpu(sync.api);
  const toDevice = isSyncForDevice(sync.api);
  const tail = `[device address=0x…] [size=… bytes] [mapped with ${kernelDirectionName(mapped)}] [synced with ${kernelDirectionName(synced)}]`;
  const messages: string[] = [];
  if (synced !== mapped) messages.push(`device driver syncs DMA memory with different direction ${tail}`);
  if (toCpu && mapped !== 'from_device' && synced !== 'to_device')
    messages.push(`device driver syncs device read-only DMA memory for cpu ${tail}`);
  if (toDevice && mapped !== 'to_device' && synced !== 'from_device')
    messages.push(`device driver syncs device write-only DMA memory to device ${tail}`);
  return messages;
}
