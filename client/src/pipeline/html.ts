// The HTML shell of the address-pipeline webview. It carries no simulation content itself: the page's
// script (page/main.ts, bundled to dist/webview/pipeline.js) receives the state and the server's SVG by
// message. The shell's job is security: a deny-by-default Content-Security-Policy, one crypto nonce on
// every script and style, and escaping of the few strings it shows. No vscode import: the unit tests run
// it in plain node.
import { randomBytes } from 'node:crypto';
import { panelTitle, type PipelineState } from './state';

export interface PipelineHtmlInput {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  cspSource: string;
  /** A fresh value from `createNonce()` for every HTML document. */
  nonce: string;
  /** `webview.asWebviewUri` of dist/webview/pipeline.js and media/pipeline.css. */
  scriptUri: string;
  styleUri: string;
  /** The state the page starts with; the script also receives it by message. */
  state: PipelineState;
}

/**
 * Webview options for the panel: scripts on (the page is our own script), command URIs off, and the
 * folders of the page's script and style as the only local resource roots, so the page cannot read the
 * workspace or the rest of the extension. Generic over the URI type so that this module stays free of
 * vscode.
 */
export function pipelineWebviewOptions<U>(resourceFolders: readonly U[]): {
  enableScripts: true;
  enableCommandUris: false;
  localResourceRoots: U[];
} {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [...resourceFolders] };
}

/** 128 random bits from the operating system's generator: a nonce must not be guessable. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The CSP: nothing is allowed unless listed. Scripts only with the nonce (no inline handlers, no
 * eval); styles from the extension's media folder or with the nonce; images from the media folder
 * or data URIs (the exported SVG preview); no network, no frames, no forms posting anywhere.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
}

export function buildPipelineHtml(input: PipelineHtmlInput): string {
  const { cspSource, nonce, scriptUri, styleUri, state } = input;
  const title = panelTitle(state);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(styleUri)}" nonce="${escapeHtml(nonce)}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<header>
  <h1 id="title">${escapeHtml(title)}</h1>
  <ul id="facts" aria-label="What the source says of the call"></ul>
  <p id="status" role="status" aria-live="polite"></p>
</header>
<form id="controls" aria-label="Simulation controls"></form>
<main id="pipelines" aria-label="Address pipelines"></main>
<script type="application/json" id="initial-state" nonce="${escapeHtml(nonce)}">${jsonForScript(state)}</script>
<script src="${escapeHtml(scriptUri)}" nonce="${escapeHtml(nonce)}"></script>
</body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * JSON inside a script element ends at the first `</script`, whatever JSON thinks; escaping `<`, `>`
 * and `&` as \u sequences keeps the text inert and still valid JSON. U+2028/2029 are escaped too so
 * that older parsers never see a line break inside a string.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
