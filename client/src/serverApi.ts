// Typed calls of the server's custom requests (server/src/protocol/protocol.ts). Every command goes
// through here, so a failed request surfaces as an Error with the method named.
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  AnalyzeWorkspaceMethod,
  CallSiteAtMethod,
  ExportSarifMethod,
  ListSitesMethod,
  NegotiateVirtioMethod,
  PlatformsMethod,
  SimulateMethod,
  StatusMethod,
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
} from '@dmalens/server/protocol/protocol';

export class ServerApi {
  constructor(private readonly client: LanguageClient) {}

  simulate(params: SimulateParams): Promise<SimulateResult> {
    return this.request(SimulateMethod, params);
  }

  callSiteAt(params: CallSiteAtParams): Promise<CallSiteAtResult> {
    return this.request(CallSiteAtMethod, params);
  }

  listSites(params: ListSitesParams): Promise<ListSitesResult> {
    return this.request(ListSitesMethod, params);
  }

  negotiateVirtio(params: NegotiateVirtioParams): Promise<NegotiateVirtioResult> {
    return this.request(NegotiateVirtioMethod, params);
  }

  analyzeWorkspace(params: AnalyzeWorkspaceParams): Promise<AnalyzeWorkspaceResult> {
    return this.request(AnalyzeWorkspaceMethod, params);
  }

  exportSarif(params: ExportSarifParams): Promise<ExportSarifResult> {
    return this.request(ExportSarifMethod, params);
  }

  platforms(): Promise<PlatformsResult> {
    return this.request(PlatformsMethod, {});
  }

  status(): Promise<StatusResult> {
    return this.request(StatusMethod, {});
  }

  private async request<R>(method: string, params: object): Promise<R> {
    try {
      await this.client.start();
      return await this.client.sendRequest<R>(method, params);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${method} failed: ${reason}`, { cause: error });
    }
  }
}
