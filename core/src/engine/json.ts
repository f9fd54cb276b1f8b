// JSON form of results (the CLI's --json contract): bigints become plain 0x hex strings.
import type { OpResult } from '../types';
import type { Params } from '../params/spec';
import { paramValueToJson } from '../params/parse';
import { hex } from './bits';

function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return hex(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, toJson(item)]),
    );
  }
  return value;
}

export function resultToJson(result: OpResult): Record<string, unknown> {
  const json: Record<string, unknown> = {
    op: result.op,
    path: result.path,
    dma: toJson(result.dma),
    error: result.error,
    rule: result.rule,
    stages: result.stages.map((stage) => toJson(stage)),
    costs: {
      hypercalls: result.costs.hypercalls.map((call) => ({
        name: call.name,
        count: call.count,
        when: call.when,
        args: call.args ?? null,
      })),
      bounceBytes: { ...result.costs.bounceBytes },
      iotlbFlushes: result.costs.iotlbFlushes.map((flush) => toJson(flush)),
      cacheLines: { ...result.costs.cacheLines },
      other: [...result.costs.other],
    },
  };
  if (result.details) json.details = toJson(result.details);
  return json;
}

export function paramsToJson(params: Params): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, paramValueToJson(value)]));
}
