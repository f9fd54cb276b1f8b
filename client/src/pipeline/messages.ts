// Messages between the pipeline webview and the extension. Everything the webview sends is
// untrusted input (its page renders strings taken from source code), so each message is checked
// field by field here before the extension acts on it; a bad message is dropped with its reasons.
// No vscode import: the unit tests run this module in plain node.
import {
  DIRECTIONS,
  MAX_PANEL_PLATFORMS,
  PANEL_OPS,
  PANEL_VIRTIO_FEATURES,
  type PipelineState,
  type SourceLabel,
} from './state';

/** The webview asks for a simulation of its controls' state. */
export interface SimulateMessage {
  type: 'simulate';
  state: PipelineState;
}

/** The webview asks to open a stage's kernel reference or spec section. */
export interface OpenLinkMessage {
  type: 'openLink';
  href: string;
}

/** The webview asks to save the picture of one platform as an SVG file. */
export interface ExportSvgMessage {
  type: 'exportSvg';
  platform: string;
}

/** The webview's script has loaded and wants its first content. */
export interface ReadyMessage {
  type: 'ready';
}

export type WebviewMessage = SimulateMessage | OpenLinkMessage | ExportSvgMessage | ReadyMessage;

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const PLATFORM_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const PARAM_KEY = /^[a-z][a-z0-9_]{0,63}$/;
const HEX_ADDRESS = /^0x[0-9a-f]{1,16}$/i;
const SIZE = /^(0x[0-9a-f]{1,16}|[0-9]{1,20})$/i;
const MASK = /^(0x[0-9a-f]{1,16}|[0-9]{1,2})$/i;
/** Links the panel may open: the kernel source browser and the project's docs, both over https. */
const LINK = /^https:\/\/[^\s"'<>]{1,2000}$/;
const MAX_OVERRIDE_VALUE = 1000;

export function validateWebviewMessage(input: unknown): Validation<WebviewMessage> {
  if (!isRecord(input)) return fail('message is not an object');
  switch (input.type) {
    case 'ready':
      return { ok: true, value: { type: 'ready' } };
    case 'simulate': {
      const state = validatePipelineState(input.state);
      return state.ok ? { ok: true, value: { type: 'simulate', state: state.value } } : state;
    }
    case 'openLink':
      if (typeof input.href !== 'string' || !LINK.test(input.href)) return fail('openLink.href must be an https URL');
      return { ok: true, value: { type: 'openLink', href: input.href } };
    case 'exportSvg':
      if (typeof input.platform !== 'string' || !PLATFORM_ID.test(input.platform))
        return fail('exportSvg.platform must be a platform id');
      return { ok: true, value: { type: 'exportSvg', platform: input.platform } };
    default:
      return fail(`unknown message type ${JSON.stringify(String(input.type)).slice(0, 40)}`);
  }
}

/** Checks a panel state from the webview or from a serialized panel; the reasons name each bad field. */
export function validatePipelineState(input: unknown): Validation<PipelineState> {
  if (!isRecord(input)) return fail('state is not an object');
  const errors: string[] = [];
  if (input.version !== 1) errors.push('state.version must be 1');
  const platforms = input.platforms;
  if (!Array.isArray(platforms) || platforms.length === 0 || platforms.length > MAX_PANEL_PLATFORMS) {
    errors.push(`state.platforms must list 1 to ${MAX_PANEL_PLATFORMS} platform ids`);
  } else if (!platforms.every((id) => typeof id === 'string' && PLATFORM_ID.test(id))) {
    errors.push('state.platforms contains something that is not a platform id');
  }
  if (!(PANEL_OPS as readonly unknown[]).includes(input.op))
    errors.push(`state.op must be one of ${PANEL_OPS.join(', ')}`);
  if (typeof input.phys !== 'string' || !HEX_ADDRESS.test(input.phys))
    errors.push('state.phys must be a 0x hex address of at most 64 bits');
  if (typeof input.size !== 'string' || !SIZE.test(input.size) || BigInt(input.size) === 0n)
    errors.push('state.size must be a positive decimal or 0x hex byte count');
  if (!(DIRECTIONS as readonly unknown[]).includes(input.dir))
    errors.push(`state.dir must be one of ${DIRECTIONS.join(', ')}`);
  if (input.mask !== null && !(typeof input.mask === 'string' && validMask(input.mask)))
    errors.push('state.mask must be null, a bit count 1..64 or a 0x hex mask');
  const features = input.features;
  if (
    !Array.isArray(features) ||
    !features.every((name) => (PANEL_VIRTIO_FEATURES as readonly unknown[]).includes(name))
  ) {
    errors.push(`state.features may only contain ${PANEL_VIRTIO_FEATURES.join(', ')}`);
  }
  errors.push(...overrideErrors(input.overrides));
  if (input.source !== null && !isSourceLabel(input.source))
    errors.push('state.source must be null or {uri, line, api, function}');
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      version: 1,
      platforms: [...(platforms as string[])],
      op: input.op as PipelineState['op'],
      phys: (input.phys as string).toLowerCase(),
      size: input.size as string,
      dir: input.dir as PipelineState['dir'],
      mask: input.mask as string | null,
      features: [...(features as string[])],
      overrides: copyOverrides(input.overrides as Record<string, Record<string, string>>),
      source: input.source === null ? null : copySource(input.source as SourceLabel),
    },
  };
}

function validMask(mask: string): boolean {
  if (!MASK.test(mask)) return false;
  if (mask.toLowerCase().startsWith('0x')) return BigInt(mask) > 0n;
  const bits = Number(mask);
  return bits >= 1 && bits <= 64;
}

function overrideErrors(input: unknown): string[] {
  if (!isRecord(input)) return ['state.overrides must be an object'];
  const errors: string[] = [];
  for (const [platform, params] of Object.entries(input)) {
    if (!PLATFORM_ID.test(platform)) errors.push('state.overrides has a key that is not a platform id');
    else if (!isRecord(params)) errors.push(`state.overrides.${platform} must be an object`);
    else {
      for (const [key, value] of Object.entries(params)) {
        if (!PARAM_KEY.test(key)) errors.push(`state.overrides.${platform} has a key that is not a parameter name`);
        else if (typeof value !== 'string' || value.length > MAX_OVERRIDE_VALUE)
          errors.push(
            `state.overrides.${platform}.${key} must be a string of at most ${MAX_OVERRIDE_VALUE} characters`,
          );
      }
    }
  }
  return errors;
}

function isSourceLabel(input: unknown): boolean {
  return (
    isRecord(input) &&
    typeof input.uri === 'string' &&
    input.uri.length < 4096 &&
    Number.isInteger(input.line) &&
    (input.line as number) >= 0 &&
    typeof input.api === 'string' &&
    input.api.length < 256 &&
    (input.function === null || (typeof input.function === 'string' && input.function.length < 256))
  );
}

/** Copies only the known fields so that nothing extra the webview attached travels further. */
function copySource(source: SourceLabel): SourceLabel {
  return { uri: source.uri, line: source.line, api: source.api, function: source.function };
}

function copyOverrides(overrides: Record<string, Record<string, string>>): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(overrides).map(([platform, params]) => [platform, { ...params }]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(reason: string): { ok: false; errors: string[] } {
  return { ok: false, errors: [reason] };
}
