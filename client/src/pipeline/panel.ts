// The address-pipeline webview panel: one panel, reused, showing one request on up to four
// platforms side by side. The page (media/pipeline.js) owns the controls and keeps its state with
// setState; this side validates what the page asks for, simulates through the server and sends the
// server's SVG back. A serializer restores the panel after a window reload.
import * as vscode from 'vscode';
import type { PlatformInfo, PlatformSimulation, SimulateParams } from '@dmalens/protocol';
import type { ServerApi } from '../serverApi';
import { buildPipelineHtml, createNonce, panelTitle, pipelineWebviewOptions } from './html';
import { validatePipelineState, validateWebviewMessage, type WebviewMessage } from './messages';
import { requestsFromState, type PipelineState } from './state';

export const PIPELINE_VIEW_TYPE = 'dmalens.pipeline';

/** What the extension sends to the page. */
export type HostMessage =
  | { type: 'render'; state: PipelineState; platforms: PlatformInfo[]; simulations: PlatformSimulation[] }
  | { type: 'busy' }
  | { type: 'error'; message: string };

export class PipelinePanel {
  private static current: PipelinePanel | undefined;
  private state: PipelineState;
  private simulations: PlatformSimulation[] = [];
  /** The profiles and their parameters, for the page's controls; fetched once per panel. */
  private platformInfo: PlatformInfo[] | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Opens the panel (or reuses the open one) and simulates `state` in it. */
  static show(extensionUri: vscode.Uri, server: ServerApi, state: PipelineState): void {
    const existing = PipelinePanel.current;
    if (existing) {
      existing.panel.reveal(undefined, false);
      existing.setState(state);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PIPELINE_VIEW_TYPE,
      panelTitle(state),
      vscode.ViewColumn.Beside,
      webviewOptions(extensionUri),
    );
    PipelinePanel.current = new PipelinePanel(panel, extensionUri, server, state);
  }

  static registerSerializer(extensionUri: vscode.Uri, server: ServerApi): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(PIPELINE_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: unknown) {
        // The saved state comes from the page's setState, so it is checked like any page message.
        const checked = validatePipelineState(saved);
        if (!checked.ok) {
          panel.dispose();
          return;
        }
        panel.webview.options = webviewOptions(extensionUri);
        PipelinePanel.current?.panel.dispose();
        PipelinePanel.current = new PipelinePanel(panel, extensionUri, server, checked.value);
      },
    });
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly server: ServerApi,
    state: PipelineState,
  ) {
    this.state = state;
    panel.webview.html = this.html();
    panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message), undefined, this.disposables);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
  }

  private setState(state: PipelineState): void {
    this.state = state;
    this.panel.title = panelTitle(state);
    void this.simulate();
  }

  private html(): string {
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const webview = this.panel.webview;
    return buildPipelineHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'pipeline.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'pipeline.css')).toString(),
      state: this.state,
    });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const checked = validateWebviewMessage(raw);
    if (!checked.ok) {
      // A page that sends malformed messages is a bug or an attack; neither should reach the server.
      console.warn(`DMA Lens: dropped a webview message: ${checked.errors.join('; ')}`);
      return;
    }
    const message: WebviewMessage = checked.value;
    switch (message.type) {
      case 'ready':
        await this.simulate();
        break;
      case 'simulate':
        this.state = message.state;
        this.panel.title = panelTitle(message.state);
        await this.simulate();
        break;
      case 'openLink':
        await vscode.env.openExternal(vscode.Uri.parse(message.href, true));
        break;
      case 'exportSvg':
        await this.exportSvg(message.platform);
        break;
    }
  }

  private async simulate(): Promise<void> {
    void this.post({ type: 'busy' });
    const params: SimulateParams = {
      platforms: this.state.platforms,
      requests: requestsFromState(this.state),
      overrides: this.state.overrides,
      render: { svg: true, markdown: false },
    };
    try {
      this.platformInfo ??= (await this.server.platforms()).platforms;
      const result = await this.server.simulate(params);
      this.simulations = result.simulations;
      await this.post({
        type: 'render',
        state: this.state,
        platforms: this.platformInfo,
        simulations: result.simulations,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.post({ type: 'error', message });
      void vscode.window.showErrorMessage(`DMA Lens: simulation failed: ${message}`);
    }
  }

  /** Saves the SVG the server rendered, never anything the page sends, so the file holds only core output. */
  private async exportSvg(platform: string): Promise<void> {
    const simulation = this.simulations.find((entry) => entry.platform === platform);
    if (!simulation?.svg) {
      void vscode.window.showErrorMessage(`DMA Lens: there is no picture for platform '${platform}' to export.`);
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const suggested = `dma-pipeline-${platform}.svg`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, suggested) : undefined,
      filters: { SVG: ['svg'] },
      title: 'Export address pipeline as SVG',
    });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(simulation.svg));
      void vscode.window.showInformationMessage(`DMA Lens: saved ${target.fsPath}`);
    } catch (error) {
      void vscode.window.showErrorMessage(
        `DMA Lens: could not save ${target.fsPath}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private post(message: HostMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    if (PipelinePanel.current === this) PipelinePanel.current = undefined;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return pipelineWebviewOptions(vscode.Uri.joinPath(extensionUri, 'media'));
}
