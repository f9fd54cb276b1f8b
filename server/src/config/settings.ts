// The `dmalens.*` settings: one zod schema holding every default and its description. The server
// validates what the client sends field by field, so that one bad value costs only that value: the
// rest is kept, the bad field falls back to its default, and the user is told why in words.
import { z } from 'zod';
import { RULES } from '../checks/rules';

/** The platforms a fresh install annotates: x86 without and with an IOMMU, a confidential guest, both powerpc servers and an arm64 board with dma-ranges windows. */
export const DEFAULT_PLATFORMS = [
  'x86_64',
  'x86_64-vtd',
  'x86_64-sev-guest',
  'pseries',
  'powernv',
  'rpi4-soc',
] as const;

export const SEVERITY_SETTINGS = ['error', 'warning', 'information', 'hint', 'off'] as const;
export type SeveritySetting = (typeof SEVERITY_SETTINGS)[number];

const overrideValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

/** Ids a user may give a platform: lower case, digits, `.`, `_` and `-`; never a `:` (board ids have one). */
export const CUSTOM_PLATFORM_ID = /^[a-z0-9][a-z0-9._-]{0,39}$/;

function customPlatformSchema() {
  return z
    .object({
      id: z.string().regex(CUSTOM_PLATFORM_ID),
      base: z.string().min(1),
      title: z.string().min(1).max(80).optional(),
      short: z.string().min(1).max(24).optional(),
      params: z.record(z.string(), overrideValue).default({}),
    })
    .strict();
}

/** Directory names that never hold driver sources worth indexing, in the spirit of `files.exclude`. */
export const DEFAULT_EXCLUDES = [
  '**/.git/**',
  '**/node_modules/**',
  '**/.svn/**',
  '**/.hg/**',
  '**/out/**',
  '**/.pc/**',
  '**/*.mod.c',
];

export const settingsFields = {
  platforms: z
    .union([z.literal('auto'), z.array(z.string())])
    .default('auto')
    .describe(
      'Target platforms shown in hovers, inlay hints and platform-dependent diagnostics. "auto": each file\'s own targets, as its kernel tree\'s Makefiles and Kconfig decide them (the default platforms outside a kernel tree, and among the targets of a file that builds almost everywhere). Or a list of platform profile ids, shown for every file; the first one is the reference that others are compared with.',
    ),
  overrides: z
    .record(z.string(), z.record(z.string(), overrideValue))
    .default({})
    .describe(
      'Per-platform parameter overrides: {"pseries": {"dma_mask": 32}}. Values take the forms the CLI\'s --set accepts (4096, 0x1000, 4K, 8G, 32 for a mask).',
    ),
  rules: z
    .record(z.string(), z.enum(SEVERITY_SETTINGS))
    .default({})
    .describe(
      'Severity per rule id ("error", "warning", "information", "hint" or "off"); rules not listed keep their default severity.',
    ),
  customPlatforms: z
    .array(customPlatformSchema())
    .max(32)
    .default([])
    .describe(
      'Platforms of your own, usable everywhere a built-in platform id is (dmalens.platforms, dmalens.overrides, the pipeline view, Compare Platforms): [{"id": "my-soc", "base": "arm64", "title": "My SoC, DMA window at 0x8000_0000", "params": {"dma_windows": "0x0:0x80000000:0x40000000", "coherent": false}}]. A built-in profile is the base; the parameters take the forms `dmalens simulate --set key=value` takes and are checked one by one, a bad one named and left out.',
    ),
  boards: z
    .array(z.object({ dts: z.string().min(1), node: z.string().startsWith('/') }).strict())
    .default([])
    .describe(
      'Device-tree board nodes shown as platforms beside the built-in ones, on every file: [{"dts": "arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dts", "node": "/emmc2bus/mmc@7e340000"}]. Each is simulated with the DMA configuration Linux gives that node at probe (its dma-ranges windows, bus_dma_limit, coherence, IOMMU, restricted pool) and the board\'s RAM. Relative paths start at the first workspace folder.',
    ),
  boardMatches: z
    .number()
    .int()
    .min(0)
    .max(10)
    .default(3)
    .describe(
      'Board rows a driver gets from its own kernel tree: the enabled device-tree nodes that match its of_device_id compatibles, one row per distinct DMA configuration, at most this many (0 turns the search off).',
    ),
  symbols: z
    .enum(['workspace', 'outline', 'off'])
    .default('workspace')
    .describe(
      'Where DMA call sites appear as symbols: "workspace" only in Go to Symbol in Workspace (Ctrl+T), so that the Outline and breadcrumbs show only the functions your C language server lists; "outline" in the Outline and breadcrumbs too; "off" nowhere.',
    ),
  annotations: z
    .enum(['inlayHints', 'codeLens', 'off'])
    .default('inlayHints')
    .describe(
      'How the per-platform summary after each mapping call is shown: as an inlay hint, as a code lens above the line, or not at all.',
    ),
  'index.enable': z
    .boolean()
    .default(true)
    .describe('Index the workspace in the background for workspace symbols and the workspace analysis.'),
  'index.exclude': z
    .array(z.string())
    .default(DEFAULT_EXCLUDES)
    .describe(
      'Glob patterns of files and folders the workspace index skips (in addition to files over the size limit and binary files).',
    ),
  'index.maxFiles': z
    .number()
    .int()
    .min(0)
    .default(100000)
    .describe('The index stops after this many C files; 0 means no limit.'),
  'index.maxFileBytes': z
    .number()
    .int()
    .min(1)
    .default(2 * 1024 * 1024)
    .describe('Files larger than this many bytes are skipped by the index and by open-document analysis, with a note.'),
  'index.maxTotalBytes': z
    .number()
    .int()
    .min(1)
    .default(2 * 1024 * 1024 * 1024)
    .describe('The index stops reading after this many bytes of source in total, to bound its time and memory.'),
} as const;

export const settingsSchema = z.object(settingsFields);
export type Settings = z.output<typeof settingsSchema>;

/** The platforms the settings select for the model, and whether each file's own targets replace them. */
export function platformSelection(platforms: Settings['platforms']): { choice: 'auto' | 'setting'; ids: string[] } {
  return platforms === 'auto'
    ? { choice: 'auto', ids: [...DEFAULT_PLATFORMS] }
    : { choice: 'setting', ids: [...platforms] };
}

export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}

export interface SettingsOutcome {
  settings: Settings;
  /** One sentence per problem, naming the setting, what was wrong and what is used instead. */
  problems: string[];
}

/**
 * Validates raw settings as the client sends them (the `dmalens` section, possibly with nested `index`
 * objects). Unknown keys are reported and ignored; each bad field keeps its default.
 */
export function parseSettings(raw: unknown): SettingsOutcome {
  const problems: string[] = [];
  const settings = defaultSettings() as Record<string, unknown>;
  if (raw === undefined || raw === null) return { settings: settings as Settings, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('dmalens: the settings must be an object; using the defaults.');
    return { settings: settings as Settings, problems };
  }
  const flat = flattenSettings(raw as Record<string, unknown>);
  for (const [key, value] of Object.entries(flat)) {
    // Own keys only: `toString` or `constructor` must not find Object's methods and break every setting.
    const field = Object.hasOwn(settingsFields, key) ? (settingsFields as Record<string, z.ZodType>)[key] : undefined;
    if (!field) {
      problems.push(`dmalens.${key} is not a DMA Lens setting; it is ignored.`);
      continue;
    }
    if (key === 'customPlatforms' && Array.isArray(value)) {
      settings[key] = eachValid(value, customPlatformSchema(), `dmalens.${key}`, problems);
      continue;
    }
    const parsed = field.safeParse(value);
    if (parsed.success)
      settings[key] = key === 'rules' ? knownRules(parsed.data as RuleSettings, problems) : parsed.data;
    else problems.push(`dmalens.${key}: ${describeIssues(parsed.error)}; using the default.`);
  }
  return { settings: settings as Settings, problems };
}

/** The entries of a list that pass their schema; each that does not is named with its reason and left out. */
function eachValid<T>(items: readonly unknown[], schema: z.ZodType<T>, where: string, problems: string[]): T[] {
  return items.flatMap((item, index) => {
    const parsed = schema.safeParse(item);
    if (parsed.success) return [parsed.data];
    problems.push(`${where}[${index}]: ${describeIssues(parsed.error)}; it is left out.`);
    return [];
  });
}

type RuleSettings = Record<string, SeveritySetting>;

/** The severities of known rules; an unknown id is named in a problem and ignored, like an unknown setting. */
function knownRules(rules: RuleSettings, problems: string[]): RuleSettings {
  const ids = new Set(RULES.map((rule) => rule.id));
  const known: RuleSettings = {};
  for (const [id, severity] of Object.entries(rules)) {
    if (ids.has(id)) known[id] = severity;
    else problems.push(`dmalens.rules: unknown rule id '${id}' (known: ${[...ids].join(', ')}); it is ignored.`);
  }
  return known;
}

/** VS Code sends `index.enable` either flat or as `{index: {enable}}`; both forms are accepted. */
function flattenSettings(raw: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'index' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>))
        flat[`index.${inner}`] = innerValue;
    } else if (key === 'trace') {
      // `dmalens.trace.server` belongs to the client's language client, not to the server.
      continue;
    } else {
      flat[key] = value;
    }
  }
  return flat;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `at ${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
