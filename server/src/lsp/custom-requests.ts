// The `dmalens/*` requests the client sends (@dmalens/protocol). Each handler validates
// its params and answers in words on bad input instead of failing the request, so a client command
// can show the reason to the user.
import { pathToFileURL } from 'node:url';
import {
  allParamSpecs,
  parseRequest,
  renderMarkdown,
  renderPipelineSvg,
  type PlatformProfile,
  type Request,
} from '@dmalens/core';
import { ResponseError, ErrorCodes, type Connection } from 'vscode-languageserver/node';
import type { CallSite } from '../analysis/callsite';
import type { Finding } from '../checks/rule';
import { ruleDocUri } from '../docs/bundled-docs';
import { RULES } from '../checks/rules';
import type { WorkspaceIndex } from '../index/workspace-index';
import * as protocol from '@dmalens/protocol';
import { sarifText } from '../scan/format-sarif';
import type { ReportFile } from '../scan/scan-report';
import { paramText } from '../config/param-text';
import { contextFacts, requestsOn, simulationFor, siteSummary, sourceFacts, toWire } from '../sites';
import { boardCallSiteAt } from './board-features';
import type { ServerState } from './server-state';

const MAX_REQUESTS = 64;

function invalid(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function registerCustomRequests(connection: Connection, state: ServerState, index: WorkspaceIndex): void {
  // JSON-RPC lets a client leave params out (or send anything), so every handler takes them as possibly absent.
  connection.onRequest(protocol.SimulateRequest, (params?: protocol.SimulateParams) => simulate(state, params));
  connection.onRequest(protocol.CallSiteAtRequest, (params?: protocol.CallSiteAtParams) =>
    params?.uri && state.boards.has(params.uri) && params.position
      ? boardCallSiteAt(state, params)
      : callSiteAt(state, params),
  );
  connection.onRequest(protocol.ListSitesRequest, (params?: protocol.ListSitesParams) =>
    listSites(state, index, params ?? {}),
  );
  connection.onRequest(protocol.NegotiateVirtioRequest, (params?: protocol.NegotiateVirtioParams) =>
    negotiateVirtio(state, params),
  );
  connection.onRequest(protocol.AnalyzeWorkspaceRequest, (params?: protocol.AnalyzeWorkspaceParams) =>
    analyzeWorkspace(state, index, params ?? {}),
  );
  connection.onRequest(protocol.ExportSarifRequest, (params?: protocol.ExportSarifParams) =>
    exportSarif(state, index, params ?? {}),
  );
  connection.onRequest(protocol.PlatformsRequest, () => platforms(state));
  connection.onRequest(protocol.StatusRequest, () => statusOf(state, index));
}

export function statusOf(state: ServerState, index: WorkspaceIndex): protocol.StatusResult {
  return {
    selected: state.model.selected.map((profile) => profile.id),
    index: { ...index.status },
    settingsErrors: [...state.settingsProblems],
  };
}

function simulate(
  state: ServerState,
  params: protocol.SimulateParams | undefined,
): protocol.SimulateResult | ResponseError<void> {
  if (!params || !Array.isArray(params.platforms) || !Array.isArray(params.requests))
    return invalid('dmalens/simulate needs {platforms: string[], requests: object[]}');
  if (params.platforms.length > protocol.MAX_SIMULATED_PLATFORMS)
    return invalid(`at most ${protocol.MAX_SIMULATED_PLATFORMS} platforms per simulation`);
  if (params.requests.length === 0 || params.requests.length > MAX_REQUESTS)
    return invalid(`between 1 and ${MAX_REQUESTS} requests per simulation`);
  let requests: Request[];
  try {
    requests = params.requests.map((request) => parseRequest(request));
  } catch (error) {
    // The core's request errors already begin with "bad request:".
    return invalid(describe(error));
  }
  const wantSvg = params.render?.svg ?? true;
  const wantMarkdown = params.render?.markdown ?? true;
  const model = state.modelFor(params.platforms);
  const simulations = params.platforms.map((id): protocol.PlatformSimulation => {
    // Through the platform model: the settings' overrides are the validated ones the hovers use, and the
    // panel's own overrides are checked per platform, so one bad value costs only that platform's column.
    const run = model.run(id, requests, params.overrides?.[id] ?? {});
    const last = run.results[run.results.length - 1];
    if (run.error || !last) return { platform: id, title: run.title, results: [], error: run.error ?? 'no result' };
    const label = { id, title: run.title, short: run.short };
    return {
      platform: id,
      title: run.title,
      results: toWire(run.results),
      ...(wantSvg ? { svg: renderPipelineSvg([{ platform: label, result: last }]) } : {}),
      ...(wantMarkdown ? { markdown: renderMarkdown([{ platform: label, result: last }], { title: last.op }) } : {}),
    };
  });
  return { simulations };
}

function siteAt(state: ServerState, params: protocol.CallSiteAtParams): CallSite | null {
  const document = state.documents.get(params.uri);
  return document?.analysis?.siteAt(params.position) ?? null;
}

function callSiteAt(
  state: ServerState,
  params: protocol.CallSiteAtParams | undefined,
): protocol.CallSiteAtResult | ResponseError<void> {
  if (!params?.uri || !params.position) return invalid('dmalens/callSiteAt needs {uri, position}');
  const site = siteAt(state, params);
  // The file's own platforms (its build targets with `auto`) and board rows, as its hovers show them.
  const context = state.context(params.uri);
  const selected = context.model.selected.map((profile) => profile.id);
  if (!site) return { site: null, requests: null, exampleFields: [], platforms: selected, facts: [] };
  const simulation = simulationFor(site, context);
  // One request list serves every platform; map_resource takes the first selected platform's MMIO example.
  const first = selected[0];
  return {
    site: siteSummary(params.uri, site),
    requests: simulation ? toWire(first ? requestsOn(simulation, context.model, first) : simulation.requests) : null,
    exampleFields: simulation?.exampleFields ?? [],
    platforms: selected,
    facts: simulation ? sourceFacts(site, simulation, context) : contextFacts(context),
  };
}

function listSites(
  state: ServerState,
  index: WorkspaceIndex,
  params: protocol.ListSitesParams,
): protocol.ListSitesResult {
  const limit = params.limit && params.limit > 0 ? params.limit : 5000;
  const sites: protocol.SiteSummary[] = [];
  const files = currentFiles(state, index);
  for (const file of files) {
    if (params.uri && file.uri !== params.uri) continue;
    for (const site of file.sites) {
      if (sites.length >= limit) return { sites, truncated: true };
      sites.push(site);
    }
  }
  return { sites, truncated: false };
}

function negotiateVirtio(
  state: ServerState,
  params: protocol.NegotiateVirtioParams | undefined,
): protocol.NegotiateVirtioResult | ResponseError<void> {
  if (!params?.platform || !Array.isArray(params.offered))
    return invalid('dmalens/negotiateVirtio needs {platform, offered: string[]}');
  const base = {
    platform: params.platform,
    accepted: [] as string[],
    usesDmaApi: false,
    probeError: null,
    result: null,
  };
  let request: Request;
  try {
    request = parseRequest({
      op: 'virtio_negotiate',
      offered: params.offered,
      ...(params.transport ? { transport: params.transport } : {}),
    });
  } catch (error) {
    return { ...base, error: describe(error) };
  }
  const run = state.model.run(params.platform, [request], params.overrides ?? {});
  const result = run.results[0];
  if (run.error || !result) return { ...base, error: run.error ?? 'no result' };
  const accepted = result.details?.['accepted'];
  return {
    platform: params.platform,
    accepted: Array.isArray(accepted) ? accepted.filter((name): name is string => typeof name === 'string') : [],
    usesDmaApi: result.details?.['useDmaApi'] === true,
    probeError: result.error,
    result: toWire(result),
    markdown: renderMarkdown([{ platform: { id: params.platform, title: run.title }, result }], {
      title: 'virtio feature negotiation',
    }),
  };
}

interface CurrentFile {
  uri: string;
  sites: readonly protocol.SiteSummary[];
  findings: readonly Finding[];
}

/** Open documents (fresh) first, then indexed files not open. */
function currentFiles(state: ServerState, index: WorkspaceIndex): CurrentFile[] {
  const files: CurrentFile[] = [];
  for (const uri of state.documents.keys())
    files.push({ uri, sites: state.sites(uri).map((site) => siteSummary(uri, site)), findings: state.findings(uri) });
  const open = new Set(files.map((file) => file.uri));
  for (const file of index.entries())
    if (!open.has(file.uri)) files.push({ uri: file.uri, sites: file.sites, findings: file.diagnostics });
  return files;
}

function analyzeWorkspace(
  state: ServerState,
  index: WorkspaceIndex,
  params: protocol.AnalyzeWorkspaceParams,
): protocol.AnalyzeWorkspaceResult {
  const wanted = params.rules ? new Set(params.rules) : null;
  const files = currentFiles(state, index);
  const byRule = new Map<string, protocol.FindingLocation[]>();
  const fileSummaries = files.map((file) => {
    const counts: Record<string, number> = {};
    let findings = 0;
    for (const finding of file.findings) {
      if (wanted && !wanted.has(finding.ruleId)) continue;
      counts[finding.ruleId] = (counts[finding.ruleId] ?? 0) + 1;
      findings++;
      const list = byRule.get(finding.ruleId) ?? [];
      list.push({ uri: file.uri, range: finding.range, message: finding.message, severity: finding.severity });
      byRule.set(finding.ruleId, list);
    }
    return { uri: file.uri, sites: file.sites.length, findings, byRule: counts };
  });
  const rules = RULES.filter((rule) => byRule.has(rule.id)).map((rule) => ({
    id: rule.id,
    title: rule.title,
    severity: state.settings.rules[rule.id] ?? rule.defaultSeverity,
    docUrl: ruleDocUri(rule.id),
    count: byRule.get(rule.id)!.length,
    locations: byRule.get(rule.id)!,
  }));
  return {
    files: fileSummaries.sort((a, b) => b.findings - a.findings || a.uri.localeCompare(b.uri)),
    rules,
    totals: {
      files: files.length,
      sites: fileSummaries.reduce((sum, file) => sum + file.sites, 0),
      findings: fileSummaries.reduce((sum, file) => sum + file.findings, 0),
      skippedFiles: index.status.skippedFiles,
    },
    partial: index.status.state === 'indexing' || index.status.state === 'pending',
  };
}

function exportSarif(
  state: ServerState,
  index: WorkspaceIndex,
  params: protocol.ExportSarifParams,
): protocol.ExportSarifResult {
  const files: ReportFile[] = currentFiles(state, index)
    .filter((file) => !params.uri || file.uri === params.uri)
    // SARIF carries findings only, so the report needs no call sites.
    .map((file) => ({ path: file.uri, sites: [], diagnostics: [...file.findings] }));
  const platforms = state.model.selected.map((profile) => ({
    id: profile.id,
    title: profile.title,
    short: profile.short,
  }));
  const sarif = sarifText(platforms, files, {
    baseUri: null,
    artifactUri: (path) => (path.includes(':') ? path : pathToFileURL(path).toString()),
  });
  return { sarif };
}

function platforms(state: ServerState): protocol.PlatformsResult {
  const specs = new Map(allParamSpecs().map((spec) => [spec.key, spec]));
  const info = (profile: PlatformProfile): protocol.PlatformInfo => ({
    id: profile.id,
    title: profile.title,
    short: profile.short,
    arch: profile.arch,
    description: profile.description,
    sources: profile.sources,
    params: Object.entries(profile.params).map(([key, value]) => {
      const spec = specs.get(key);
      return {
        key,
        kind: spec?.kind ?? 'unknown',
        value: paramText(value),
        doc: spec?.doc ?? '',
        ref: spec?.ref ?? '',
        ...(spec?.values ? { values: [...spec.values] } : {}),
      };
    }),
  });
  return {
    platforms: state.model.available().map(info),
    selected: state.model.selected.map((profile) => profile.id),
    auto: state.settings.platforms === 'auto',
    boards: state.configuredBoards.rows().map((row) => info(row.profile)),
  };
}
