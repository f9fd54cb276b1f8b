// The page's side of the webview: the API the VS Code host injects, typed with the panel's messages.
import type { WebviewMessage } from '../messages';
import type { PipelineState } from '../state';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: PipelineState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The host API; VS Code allows one acquisition per page. */
export const host: VsCodeApi = acquireVsCodeApi();
