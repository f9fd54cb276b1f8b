// Turns `OP --key value ...` from the command line into the JSON form of a request, which the core's
// parseRequest then validates (one validator for the CLI, `--ops` files and the language server).
import { UsageError } from './usage-error';

/** Options whose value is a list of `phys:size` ranges. */
const RANGE_LISTS = new Set(['entries', 'out', 'in']);
/** Options whose value is a comma-separated list of names. */
const NAME_LISTS = new Set(['attrs', 'offered']);
/** Options whose value is a plain integer (request indexes, counts, CPU numbers). */
const INTEGERS = new Set(['of', 'num', 'cpu']);
/** Options given without a value. */
const BOOLEANS = new Set(['packed', 'legacy', 'indirect', 'no-indirect']);

function ranges(option: string, text: string): { phys: string; size: string }[] {
  return text
    .split(',')
    .filter(Boolean)
    .map((item) => {
      const [phys, size, extra] = item.split(':');
      if (!phys || !size || extra !== undefined)
        throw new UsageError(`--${option}: expected phys:size[,phys:size...], got '${item}'`);
      return { phys, size };
    });
}

/** `map_single --phys 0x1000 --size 4096 --dir to_device` → `{op:'map_single', phys:'0x1000', size:'4096', dir:'to_device'}`. */
export function opArgsToJson(op: string, args: readonly string[]): Record<string, unknown> {
  const request: Record<string, unknown> = { op };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--'))
      throw new UsageError(`simulate ${op}: unexpected argument '${arg}' (operation arguments are --key value)`);
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq < 0 ? undefined : eq);
    if (BOOLEANS.has(key)) {
      if (key === 'no-indirect') request['indirect'] = false;
      else request[key] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`simulate ${op}: --${key} needs a value`);
    const field = key.replace(/-/g, '_');
    if (RANGE_LISTS.has(key)) request[field] = ranges(key, value);
    else if (NAME_LISTS.has(key))
      request[field] = value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
    else if (INTEGERS.has(key)) {
      if (!/^\d+$/.test(value))
        throw new UsageError(`simulate ${op}: --${key} expects a non-negative integer, got '${value}'`);
      request[field] = Number(value);
    } else request[field] = value;
  }
  // A virtqueue_add with only out or only in buffers is the common case (virtqueue_add_outbuf/_inbuf).
  if (op === 'virtqueue_add') {
    request['out'] ??= [];
    request['in'] ??= [];
  }
  return request;
}
