// The address-pipeline webview: one panel, reused, showing one call on the chosen platforms side by
// side. The page (page/main.ts, bundled to dist/webview/pipeline.js) owns the controls and keeps its
// state with setState; this side validates what the page asks for, simulates the page's requests through
// the server as they are, and sends the server's results and SVG back. A serializer restores the panel
// after a window reload.
import * as vscode from 'vscode';
import type { PlatformInfo, PlatformSimulation, SimulateParams } from '@dmalens/protocol';
import type { ServerApi } from '../serverApi';
import { openKernelSource } from './kernel-source';
import { buildPipelineHtml, createNonce, pipelineWebviewOptions } from './html';
import { validatePipelineState, validateWebviewMessage, type HostMessage } from './messages';
import { panelTitle, type PipelineState } from './state';

export const PIPELINE_VIEW_TYPE = 'dmalens.pipeline';

/**
 * The panel opens in the editor's own group; a source file shown there as a preview (a single click in the
 * Explorer) would be replaced by it, so it is kept open first.
 */
async function keepSourceEditor(): Promise<void> {
  if (vscode.window.tabGroups.activeTabGroup.activeTab?.isPreview)
    await vscode.commands.executeCommand('workbench.action.keepEditor');
}

/** Owns the extension's one pipeline panel: opens it, reuses it, restores it after a reload. */
export class PipelineView implements vscode.Disposable {
  private current: PipelinePanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly server: ServerApi,
  ) {}

  /** Opens the panel (or reuses the open one) and simulates `state` in it. */
  async show(state: PipelineState): Promise<void> {
    if (this.current) {
      this.current.reveal(state);
      return;
    }
    await keepSourceEditor();
    const panel = vscode.window.createWebviewPanel(
      PIPELINE_VIEW_TYPE,
      panelTitle(state),
      // The editor's own group, at its full width: beside the source the column was narrow and the
      // diagrams sat below the controls, out of sight.
      vscode.ViewColumn.Active,
      webviewOptions(this.extensionUri),
    );
    this.adopt(panel, state);
  }

  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(PIPELINE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, saved: unknown) => {
        // The saved state comes from the page's setState, so it is checked like any page message.
        const checked = validatePipelineState(saved);
        if (!checked.ok) {
          panel.dispose();
          return;
        }
        panel.webview.options = webviewOptions(this.extensionUri);
        this.current?.dispose();
        this.adopt(panel, checked.value);
      },
    });
  }

  dispose(): void {
    this.current?.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, state: PipelineState): void {
    const adopted = new PipelinePanel(panel, this.extensionUri, this.server, state, () => {
      if (this.current === adopted) this.current = undefined;
    });
    this.current = adopted;
  }
}

class PipelinePanel {
  private state: PipelineState;
  private simulations: PlatformSimulation[] = [];
  /** The profiles and their parameters, for the page's controls; fetched once per panel. */
  private platformInfo: PlatformInfo[] | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly server: ServerApi,
    state: PipelineState,
    private readonly onDisposed: () => void,
  ) {
    this.state = state;
    panel.webview.html = this.html();
    panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message), undefined, this.disposables);
    panel.onDidDispose(() => this.disposed(), undefined, this.disposables);
  }

  reveal(state: PipelineState): void {
    this.panel.reveal(undefined, false);
    this.state = state;
    this.panel.title = panelTitle(state);
    void this.simulate();
  }

  dispose(): void {
    this.panel.dispose();
  }

  private html(): string {
    const webview = this.panel.webview;
    const resource = (...path: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...path)).toString();
    return buildPipelineHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: resource('dist', 'webview', 'pipeline.js'),
      styleUri: resource('media', 'pipeline.css'),
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
    const message = checked.value;
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
        await openKernelSource(message.ref, message.href);
        break;
      case 'exportSvg':
        await this.exportSvg(message.platform);
        break;
    }
  }

  private async simulate(): Promise<void> {
    void this.post({ type: 'busy' });
    const state = this.state;
    const params: SimulateParams = {
      platforms: state.platforms,
      requests: state.requests,
      overrides: state.overrides,
      render: { svg: true, markdown: false },
    };
    try {
      this.platformInfo ??= (await this.server.platforms()).platforms;
      const result = await this.server.simulate(params);
      // A newer state may have arrived while this one was simulated; only the newest is shown.
      if (state !== this.state) return;
      this.simulations = result.simulations;
      const platforms = withBoardPlatforms(this.platformInfo, result.simulations);
      await this.post({ type: 'render', state, platforms, simulations: result.simulations });
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

  private disposed(): void {
    this.onDisposed();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return pipelineWebviewOptions([
    vscode.Uri.joinPath(extensionUri, 'media'),
    vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
  ]);
}

/**
 * The built-in profiles plus the board nodes being shown (a driver's board rows, a device-tree node), which
 * the server names only in its simulations: the platform choices then offer what the panel displays.
 */
function withBoardPlatforms(
  builtIn: readonly PlatformInfo[],
  simulations: readonly PlatformSimulation[],
): PlatformInfo[] {
  const boards = simulations
    .filter((simulation) => !builtIn.some((info) => info.id === simulation.platform))
    .map((simulation) => ({
      id: simulation.platform,
      title: simulation.title,
      short: simulation.title,
      arch: '',
      description: 'A device-tree board node, configured as of_dma_configure_id configures it.',
      sources: [],
      params: [],
    }));
  return [...builtIn, ...boards];
}
