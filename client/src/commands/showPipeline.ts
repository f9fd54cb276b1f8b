// Show Address Pipeline: the pipeline of the call under the cursor, or of the call last shown, or
// of the call a hover link names (the server builds those links with ShowPipelineArgs).
import * as vscode from 'vscode';
import type { ShowPipelineArgs } from '@dmalens/protocol';
import type { CallTarget, DmaLens } from '../lens';
import { stateForCall } from '../pipeline/state';
import { platformsForPanel } from './panelLimit';
import { UserFacingError } from './userCommand';

export function cursorTarget(): CallTarget | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const { line, character } = editor.selection.active;
  return { uri: editor.document.uri.toString(), position: { line, character } };
}

export async function showPipelineCommand(lens: DmaLens, args: unknown): Promise<void> {
  const fromLink = isShowPipelineArgs(args) ? args : undefined;
  const target = fromLink ?? cursorTarget() ?? lens.lastTarget;
  if (!target) throw new UserFacingError('place the cursor on a DMA-API or virtio call in a C file first.');
  let opened = await openPipeline(lens, target, fromLink?.platforms);
  if (!opened && !fromLink && lens.lastTarget && lens.lastTarget !== target)
    opened = await openPipeline(lens, lens.lastTarget, undefined);
  if (!opened)
    throw new UserFacingError('there is no DMA-API or virtio call at the cursor (and none was shown before).');
}

/** Opens the panel for the call at `target` with the server's requests for it; false when no call is there. */
export async function openPipeline(
  lens: DmaLens,
  target: CallTarget,
  platforms: readonly string[] | undefined,
): Promise<boolean> {
  const found = await lens.server.callSiteAt(target);
  if (!found.site) return false;
  if (!found.requests)
    throw new UserFacingError(`${found.site.api} has no address to simulate; hover it for what it does.`);
  const chosen = platformsForPanel(platforms && platforms.length > 0 ? platforms : found.platforms);
  const source = {
    uri: target.uri,
    line: found.site.range.start.line,
    api: found.site.api,
    function: found.site.enclosingFunction,
    facts: found.facts ?? [],
  };
  await lens.pipeline.show(stateForCall(found.requests, found.exampleFields, chosen, source));
  lens.lastTarget = target;
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
