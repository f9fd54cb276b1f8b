// `dmalens simulate`: runs one operation or a sequence on one or more platforms and prints text or the
// JSON that `dmalens simulate --help` describes.
import { writeFileSync } from 'node:fs';
import {
  listProfiles,
  MAX_SVG_COLUMNS,
  paramsToJson,
  parseRequest,
  renderPipelineSvg,
  renderTextComparison,
  renderTextPipeline,
  resultToJson,
  type OpResult,
  type PlatformResult,
  type Request,
} from '@dmalens/core';
import { parseArgs } from './args';
import { SIMULATE_HELP } from './help';
import { opArgsToJson } from './op-args';
import { parseOps, readOpsSource } from './ops-input';
import { print, printJson } from './output';
import { describeRequest, platformLabel, runOn, type SessionRun } from './run';
import { boardPlatforms } from './board-platforms';
import { UsageError } from './usage-error';

function platformIds(values: readonly string[], boards: number): string[] {
  const ids = values
    .flatMap((value) => value.split(','))
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0 && boards === 0)
    throw new UsageError(
      `simulate: --platform is required, or --dts FILE --node PATH (known: ${listProfiles()
        .map((p) => p.id)
        .join(', ')})`,
    );
  return [...new Set(ids)];
}

/** `--set key=value` pairs; the core validates keys and values. */
export function overridesFrom(values: readonly string[], command: string): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const item of values) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`${command}: --set expects key=value, got '${item}'`);
    overrides[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return overrides;
}

function requestsFrom(parsed: ReturnType<typeof parseArgs>): { raw: Record<string, unknown>[]; requests: Request[] } {
  const ops = parsed.values.get('ops');
  const [op, ...extra] = parsed.positionals;
  if (ops) {
    if (ops.length > 1) throw new UsageError('simulate: --ops may be given once');
    if (op !== undefined) throw new UsageError(`simulate: give either --ops or an operation, not both (got '${op}')`);
    const source = readOpsSource(ops[0] as string);
    return parseOps(source.text, source.name);
  }
  if (op === undefined)
    throw new UsageError(
      'simulate: no operation given (e.g. map_single --phys 0x12345000 --size 0x1000 --dir to_device), or use --ops FILE',
    );
  const raw = opArgsToJson(op, [...extra, ...parsed.rest]);
  try {
    return { raw: [raw], requests: [parseRequest(raw)] };
  } catch (error) {
    throw new UsageError(`simulate ${op}: ${(error as Error).message}`);
  }
}

function textFor(runs: SessionRun[], raw: Record<string, unknown>[], overrides: Record<string, string>): string {
  const blocks: string[] = [];
  const set = Object.entries(overrides)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  if (runs.length > 1) {
    raw.forEach((request, index) => {
      const rows: PlatformResult[] = runs.map((run) => ({
        platform: platformLabel(run),
        result: run.results[index] as OpResult,
      }));
      blocks.push(
        `[${index}] ${describeRequest(request)}${set ? `   (--set ${set})` : ''}\n${renderTextComparison(rows)}`,
      );
    });
  }
  for (const run of runs) {
    const label = platformLabel(run);
    const lines = [`== ${label.id}: ${label.title}${set ? `   (--set ${set})` : ''}`];
    const setup = run.setup;
    if (setup.stages.length > 0)
      lines.push(`setup (boot and probe):\n${renderTextPipeline(setup, { outcome: false })}`);
    run.results.forEach((result, index) =>
      lines.push(`[${index}] ${describeRequest(raw[index] ?? {})}\n${renderTextPipeline(result)}`),
    );
    blocks.push(lines.join('\n\n'));
  }
  return blocks.join('\n\n');
}

/** The address pipeline of the last request on the first four platforms, as the webview draws it. */
function writeSvg(file: string, runs: SessionRun[], raw: Record<string, unknown>[]): void {
  const last = raw.length - 1;
  const rows: PlatformResult[] = runs
    .slice(0, MAX_SVG_COLUMNS)
    .map((run) => ({ platform: platformLabel(run), result: run.results[last] as OpResult }));
  try {
    writeFileSync(file, renderPipelineSvg(rows, { caption: `[${last}] ${describeRequest(raw[last] ?? {})}` }));
  } catch (error) {
    throw new UsageError(
      `simulate: --svg ${file}: cannot write the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

export async function simulateCommand(argv: readonly string[]): Promise<void> {
  const parsed = parseArgs(
    argv,
    {
      values: ['platform', 'set', 'ops', 'svg', 'dts', 'node', 'include', 'overlay', 'arch'],
      flags: ['json', 'help'],
      passUnknown: true,
    },
    'simulate',
  );
  if (parsed.flags.has('help')) return print(SIMULATE_HELP);
  const boards = await boardPlatforms(parsed, 'simulate');
  const ids = platformIds(parsed.values.get('platform') ?? [], boards.length);
  const overrides = overridesFrom(parsed.values.get('set') ?? [], 'simulate');
  const { raw, requests } = requestsFrom(parsed);
  const runs = [...boards, ...ids].map((platform) => runOn(platform, overrides, requests, 'simulate'));
  const svg = parsed.values.get('svg');
  if (svg) writeSvg(svg[svg.length - 1] as string, runs, raw);
  if (parsed.flags.has('json')) {
    const objects = runs.map((run) => ({
      platform: run.profile.id,
      params: paramsToJson(run.params),
      results: run.results.map(resultToJson),
    }));
    printJson(objects.length === 1 ? objects[0] : objects);
  } else {
    print(textFor(runs, raw, overrides));
  }
}
