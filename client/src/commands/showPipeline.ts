// Show Address Pipeline: the pipeline of the call under the cursor, or of the call last shown, or
// of the call a hover link names (the server builds those links with ShowPipelineArgs).
import * as vscode from 'vscode';
import type { ShowPipelineArgs, WirePosition } from '@dmalens/protocol';
import { PipelinePanel } from '../pipeline/panel';
import { MAX_PANEL_PLATFORMS, stateFromRequests } from '../pipeline/state';
import type { ServerApi } from '../serverApi';
import { UserFacingError } from './userCommand';

export interface CallTarget {
  uri: string;
  position: WirePosition;
}

/** The call site shown last, so that the command still works from a non-C editor. */
let lastTarget: CallTarget | undefined;

export function cursorTarget(): CallTarget | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const { line, character } = editor.selection.active;
  return { uri: editor.document.uri.toString(), position: { line, character } };
}

export async function showPipelineCommand(extensionUri: vscode.Uri, server: ServerApi, args: unknown): Promise<void> {
  const fromLink = isShowPipelineArgs(args) ? args : undefined;
  const target = fromLink ?? cursorTarget() ?? lastTarget;
  if (!target) throw new UserFacingError('place the cursor on a DMA-API or virtio call in a C file first.');
  let opened = await openPipeline(extensionUri, server, target, fromLink?.platforms);
  if (!opened && !fromLink && lastTarget && lastTarget !== target)
    opened = await openPipeline(extensionUri, server, lastTarget, undefined);
  if (!opened)
    throw new UserFacingError('there is no DMA-API or virtio call at the cursor (and none was shown before).');
}

/** Opens the panel for the call at `target`; false when no simulable call is there. */
export async function openPipeline(
  extensionUri: vscode.Uri,
  server: ServerApi,
  target: CallTarget,
  platforms: string[] | undefined,
): Promise<boolean> {
  const found = await server.callSiteAt(target);
  if (!found.site) return false;
  if (!found.requests)
    throw new UserFacingError(`${found.site.api} has no address to simulate; hover it for what it does.`);
  const chosen = (platforms && platforms.length > 0 ? platforms : found.platforms).slice(0, MAX_PANEL_PLATFORMS);
  const source = {
    uri: target.uri,
    line: found.site.range.start.line,
    api: found.site.api,
    function: found.site.enclosingFunction,
  };
  PipelinePanel.show(extensionUri, server, stateFromRequests(found.requests, chosen, source));
  lastTarget = target;
  return true;
}

/** Hover links carry JSON from the server; anything else is treated as no argument. */
function isShowPipelineArgs(value: unknown): value is ShowPipelineArgs {
  if (typeof value !== 'object' || value === null) return false;
  const args = value as Partial<ShowPipelineArgs>;
  return (
    typeof args.uri === 'string' &&
    typeof args.position?.line === 'number' &&
    typeof args.position?.character === 'number' &&
    Array.isArray(args.platforms) &&
    args.platforms.every((id) => typeof id === 'string')
  );
}
