// Messages between the pipeline page and the extension. Everything the page sends is untrusted input (it
// renders strings taken from source code), so each message is checked field by field here before the
// extension acts on it; a bad message is dropped with its reasons. No vscode and no DOM: the page, the
// extension and the unit tests share it.
import type { PlatformInfo, PlatformSimulation } from '@dmalens/protocol';
import { isLink, isParamKey, isPlatformId, MAX_OVERRIDE_VALUE } from './inputs';
import { parseKernelRef } from './kernel-ref';
import { isRequestList, requestProblems } from './request-check';
import { EXAMPLE_FIELDS, MAX_PANEL_PLATFORMS, type ExampleField, type PipelineState, type SourceLabel } from './state';

/** The page asks for a simulation of its state. */
export interface SimulateMessage {
  type: 'simulate';
  state: PipelineState;
}

/** The page asks to open a stage's kernel reference: in the workspace's tree when it is there, else `href`. */
export interface OpenLinkMessage {
  type: 'openLink';
  href: string;
  /** The stage's `path:function` reference, e.g. `kernel/dma/mapping.c:dma_map_page_attrs`. */
  ref?: string;
}

/** The page asks to save the picture of one platform as an SVG file. */
export interface ExportSvgMessage {
  type: 'exportSvg';
  platform: string;
}

/** The page's script has loaded and wants its first content. */
export interface ReadyMessage {
  type: 'ready';
}

export type WebviewMessage = SimulateMessage | OpenLinkMessage | ExportSvgMessage | ReadyMessage;

/** What the extension sends to the page. */
export type HostMessage =
  | { type: 'render'; state: PipelineState; platforms: PlatformInfo[]; simulations: PlatformSimulation[] }
  | { type: 'busy' }
  | { type: 'error'; message: string };

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

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
      if (typeof input.href !== 'string' || !isLink(input.href)) return fail('openLink.href must be an https URL');
      if (input.ref !== undefined && (typeof input.ref !== 'string' || !parseKernelRef(input.ref)))
        return fail('openLink.ref must be a kernel path:function reference');
      return {
        ok: true,
        value: { type: 'openLink', href: input.href, ...(typeof input.ref === 'string' ? { ref: input.ref } : {}) },
      };
    case 'exportSvg':
      if (typeof input.platform !== 'string' || !isPlatformId(input.platform))
        return fail('exportSvg.platform must be a platform id');
      return { ok: true, value: { type: 'exportSvg', platform: input.platform } };
    default:
      return fail(`unknown message type ${JSON.stringify(String(input.type)).slice(0, 40)}`);
  }
}

/** Checks a panel state from the page or from a serialized panel; the reasons name each bad field. */
export function validatePipelineState(input: unknown): Validation<PipelineState> {
  if (!isRecord(input)) return fail('state is not an object');
  const errors: string[] = [];
  if (input.version !== 2) errors.push('state.version must be 2');
  const platforms = input.platforms;
  const platformList = Array.isArray(platforms) ? platforms.filter((id) => typeof id === 'string') : [];
  if (!Array.isArray(platforms) || platforms.length === 0 || platforms.length > MAX_PANEL_PLATFORMS)
    errors.push(`state.platforms must list 1 to ${MAX_PANEL_PLATFORMS} platform ids`);
  else if (platformList.length !== platforms.length || !platformList.every(isPlatformId))
    errors.push('state.platforms contains something that is not a platform id');
  errors.push(...requestProblems(input.requests));
  const exampleFields = Array.isArray(input.exampleFields) ? input.exampleFields : null;
  if (!exampleFields || !exampleFields.every((field) => EXAMPLE_FIELDS.some((known) => known === field)))
    errors.push(`state.exampleFields may only contain ${EXAMPLE_FIELDS.join(', ')}`);
  errors.push(...overrideErrors(input.overrides));
  if (input.source !== null && !isSourceLabel(input.source))
    errors.push('state.source must be null or {uri, line, api, function, facts?}');
  if (errors.length > 0 || !isRequestList(input.requests) || !isOverrides(input.overrides))
    return { ok: false, errors };
  return {
    ok: true,
    value: {
      version: 2,
      platforms: platformList,
      requests: structuredClone(input.requests),
      exampleFields: EXAMPLE_FIELDS.filter((field: ExampleField) => exampleFields?.includes(field)),
      overrides: copyOverrides(input.overrides),
      source: isSourceLabel(input.source) ? copySource(input.source) : null,
    },
  };
}

function overrideErrors(input: unknown): string[] {
  if (!isRecord(input)) return ['state.overrides must be an object'];
  const errors: string[] = [];
  for (const [platform, params] of Object.entries(input)) {
    if (!isPlatformId(platform)) errors.push('state.overrides has a key that is not a platform id');
    else if (!isRecord(params)) errors.push(`state.overrides.${platform} must be an object`);
    else {
      for (const [key, value] of Object.entries(params)) {
        if (!isParamKey(key)) errors.push(`state.overrides.${platform} has a key that is not a parameter name`);
        else if (typeof value !== 'string' || value.length > MAX_OVERRIDE_VALUE)
          errors.push(
            `state.overrides.${platform}.${key} must be a string of at most ${MAX_OVERRIDE_VALUE} characters`,
          );
      }
    }
  }
  return errors;
}

function isOverrides(input: unknown): input is Record<string, Record<string, string>> {
  return overrideErrors(input).length === 0;
}

function isSourceLabel(input: unknown): input is SourceLabel {
  return (
    isRecord(input) &&
    typeof input.uri === 'string' &&
    input.uri.length < 4096 &&
    typeof input.line === 'number' &&
    Number.isInteger(input.line) &&
    input.line >= 0 &&
    typeof input.api === 'string' &&
    input.api.length < 256 &&
    (input.function === null || (typeof input.function === 'string' && input.function.length < 256)) &&
    (input.facts === undefined || isFactList(input.facts))
  );
}

/** A state saved before facts were carried has none; a list is short sentences, as the server writes them. */
function isFactList(input: unknown): input is string[] {
  return (
    Array.isArray(input) &&
    input.length <= MAX_FACTS &&
    input.every((fact) => typeof fact === 'string' && fact.length <= MAX_FACT_LENGTH)
  );
}

const MAX_FACTS = 32;
const MAX_FACT_LENGTH = 2000;

/** Copies only the known fields so that nothing extra the page attached travels further. */
function copySource(source: SourceLabel): SourceLabel {
  return {
    uri: source.uri,
    line: source.line,
    api: source.api,
    function: source.function,
    ...(source.facts ? { facts: [...source.facts] } : {}),
  };
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
