// The hover's table: small enough to read without scrolling. Platforms that agree share one row, named by
// their short labels; each row gives the path, the device address and the cost, and rows that differ from
// the first platform's are marked. The rule and the kernel's stages stay in the pipeline view, which has
// room for them.
import { costSummary, mergeCosts, outcomeText } from './format';
import { escapeMarkdown, markdownCode } from './escape';
import type { PlatformResult } from './labels';

/** Platforms that agree on path, outcome and cost, in the order the first of them was listed. */
interface OutcomeGroup {
  platforms: PlatformResult['platform'][];
  path: string;
  /** The device address, or the failure in a few words. */
  outcome: string;
  failed: boolean;
  /** A lazy IOMMU domain's IOVA: it depends on when the flush-queue timer last ran (fq_flush_timeout). */
  timing: boolean;
  cost: string;
  /** True when the group's path, outcome or cost is not the first platform's. */
  differs: boolean;
}

function outcomeGroups(rows: readonly PlatformResult[]): OutcomeGroup[] {
  const groups = new Map<string, OutcomeGroup>();
  let referenceKey: string | null = null;
  for (const { platform, result, related } of rows) {
    const cost = costSummary(mergeCosts([result, ...(related ?? [])]));
    const timing = result.details?.['timingDependent'] === true;
    const outcome = outcomeText(result);
    const key = JSON.stringify([result.path, outcome, cost, timing]);
    referenceKey ??= key;
    const group = groups.get(key);
    if (group) group.platforms.push(platform);
    else
      groups.set(key, {
        platforms: [platform],
        path: result.path,
        outcome,
        failed: result.error !== null,
        timing,
        cost,
        differs: key !== referenceKey,
      });
  }
  return [...groups.values()];
}

/** A platform's name where room is short: its short label, else its title. */
function shortName(platform: PlatformResult['platform']): string {
  return platform.short ?? platform.title;
}

export function renderHoverTable(rows: readonly PlatformResult[]): string {
  const lines = ['| platform | path | device address | cost |', '| --- | --- | --- | --- |'];
  for (const group of outcomeGroups(rows)) {
    const names = escapeMarkdown(group.platforms.map(shortName).join(', '));
    const outcome = group.failed
      ? escapeMarkdown(group.outcome)
      : `${markdownCode(group.outcome, true)}${group.timing ? ' (timing-dependent)' : ''}`;
    const cost = group.cost === 'none' ? '—' : escapeMarkdown(group.cost);
    lines.push(`| ${group.differs ? '≠ ' : ''}${names} | ${escapeMarkdown(group.path)} | ${outcome} | ${cost} |`);
  }
  return lines.join('\n');
}
