// Typed calls of the server's custom requests (@dmalens/protocol). Every command goes through here, so a
// failed request surfaces as an Error with the method named, and a server of another protocol version
// is refused with the reason before any request is sent.
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  AnalyzeWorkspaceRequest,
  CallSiteAtRequest,
  ExportSarifRequest,
  ListSitesRequest,
  NegotiateVirtioRequest,
  PlatformsRequest,
  SimulateRequest,
  StatusRequest,
  type AnalyzeWorkspaceParams,
  type AnalyzeWorkspaceResult,
  type CallSiteAtParams,
  type CallSiteAtResult,
  type ExportSarifParams,
  type ExportSarifResult,
  type ListSitesParams,
  type ListSitesResult,
  type NegotiateVirtioParams,
  type NegotiateVirtioResult,
  type PlatformsResult,
  type SimulateParams,
  type SimulateResult,
  type StatusResult,
} from '@dmalens/protocol';
import { UserFacingError } from './commands/userCommand';
import { protocolMismatch } from './protocolVersion';

export class ServerApi {
  constructor(private readonly client: LanguageClient) {}

  simulate(params: SimulateParams): Promise<SimulateResult> {
    return this.send(SimulateRequest.method, () => this.client.sendRequest(SimulateRequest, params));
  }

  callSiteAt(params: CallSiteAtParams): Promise<CallSiteAtResult> {
    return this.send(CallSiteAtRequest.method, () => this.client.sendRequest(CallSiteAtRequest, params));
  }

  listSites(params: ListSitesParams): Promise<ListSitesResult> {
    return this.send(ListSitesRequest.method, () => this.client.sendRequest(ListSitesRequest, params));
  }

  negotiateVirtio(params: NegotiateVirtioParams): Promise<NegotiateVirtioResult> {
    return this.send(NegotiateVirtioRequest.method, () => this.client.sendRequest(NegotiateVirtioRequest, params));
  }

  analyzeWorkspace(params: AnalyzeWorkspaceParams): Promise<AnalyzeWorkspaceResult> {
    return this.send(AnalyzeWorkspaceRequest.method, () => this.client.sendRequest(AnalyzeWorkspaceRequest, params));
  }

  exportSarif(params: ExportSarifParams): Promise<ExportSarifResult> {
    return this.send(ExportSarifRequest.method, () => this.client.sendRequest(ExportSarifRequest, params));
  }

  platforms(): Promise<PlatformsResult> {
    return this.send(PlatformsRequest.method, () => this.client.sendRequest(PlatformsRequest));
  }

  status(): Promise<StatusResult> {
    return this.send(StatusRequest.method, () => this.client.sendRequest(StatusRequest));
  }

  /** Starts the client if needed; null when the server speaks this extension's protocol, else why not. */
  async mismatch(): Promise<string | null> {
    await this.client.start();
    return protocolMismatch(this.client.initializeResult?.capabilities.experimental);
  }

  private async send<R>(method: string, request: () => Promise<R>): Promise<R> {
    let problem: string | null;
    try {
      problem = await this.mismatch();
    } catch (error) {
      throw new Error(`${method} failed: the language server did not start (${describe(error)})`, { cause: error });
    }
    if (problem) throw new UserFacingError(problem);
    try {
      return await request();
    } catch (error) {
      throw new Error(`${method} failed: ${describe(error)}`, { cause: error });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
