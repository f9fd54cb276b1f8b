// A small option parser: `--name value`, `--name=value`, repeatable options, boolean flags, and `--`.
import { UsageError } from './usage-error';

export interface OptionSpec {
  /** Options that take a value; a repeated option keeps every value. */
  values: readonly string[];
  /** Options without a value. */
  flags: readonly string[];
  /** When true, options not in the spec are returned in `rest` (with their value) instead of failing. */
  passUnknown?: boolean;
}

export interface ParsedArgs {
  values: Map<string, string[]>;
  flags: Set<string>;
  positionals: string[];
  /** Unknown options and everything after the first positional, in order, when passUnknown is set. */
  rest: string[];
}

export function parseArgs(argv: readonly string[], spec: OptionSpec, command: string): ParsedArgs {
  const parsed: ParsedArgs = { values: new Map(), flags: new Set(), positionals: [], rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      parsed.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' && spec.flags.includes('help')) {
      parsed.flags.add('help');
      continue;
    }
    // Short options are not used; `-x` is a mistake rather than a file called that (use `./-x` or `--`).
    if (/^-[A-Za-z]/.test(arg) && !(spec.passUnknown && parsed.positionals.length > 0))
      throw new UsageError(`${command}: unknown option ${arg} (see \`dmalens ${command} --help\`)`);
    if (!arg.startsWith('--') || arg === '-') {
      if (spec.passUnknown && parsed.positionals.length > 0) parsed.rest.push(arg);
      else parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (spec.flags.includes(name)) {
      if (eq >= 0) throw new UsageError(`${command}: --${name} takes no value`);
      parsed.flags.add(name);
    } else if (spec.values.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      // `--cache --progress` is a forgotten value, not a folder called --progress.
      if (value === undefined || (eq < 0 && value.startsWith('--')))
        throw new UsageError(`${command}: --${name} needs a value`);
      parsed.values.set(name, [...(parsed.values.get(name) ?? []), value]);
    } else if (spec.passUnknown && parsed.positionals.length > 0) {
      parsed.rest.push(arg);
    } else {
      throw new UsageError(`${command}: unknown option --${name} (see \`dmalens ${command} --help\`)`);
    }
  }
  return parsed;
}
