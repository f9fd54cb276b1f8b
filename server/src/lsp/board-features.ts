// The language features of device-tree documents: diagnostics and hovers from the board each document
// resolves to (board-editor/). Resolving a board reads its includes, so diagnostics wait for a pause in
// typing, and a result for a version the user has already typed past is dropped.
import { basename } from 'node:path';
import {
  DiagnosticSeverity,
  MarkupKind,
  type Connection,
  type Diagnostic,
  type Hover,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type * as protocol from '@dmalens/protocol';
import {
  boardFindings,
  boardHover,
  boardRowId,
  dmaNodeAt,
  editorBoardProfile,
  nodeExamples,
  type BoardFinding,
} from '../board-editor';
import { pipelineCommandUri } from './pipeline-link';
import { toWire } from '../sites/wire';
import type { Origin } from '../devicetree';
import type { ServerState } from './server-state';

const SEVERITY: Record<BoardFinding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

export async function publishBoardDiagnostics(
  connection: Connection,
  state: ServerState,
  uri: string,
  log: (message: string) => void,
): Promise<void> {
  const skipped = state.boards.skipNote(uri);
  if (skipped) {
    const diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
    const message = `DMA Lens: ${skipped}.`;
    void connection.sendDiagnostics({
      uri,
      diagnostics: [{ ...diagnostic, severity: DiagnosticSeverity.Information, source: 'dmalens', message }],
    });
    return;
  }
  const pending = state.boards.board(uri);
  const version = state.boards.document(uri)?.version;
  if (!pending) return;
  try {
    const resolved = await pending;
    const document = state.boards.document(uri);
    if (!document || document.version !== version) return;
    const diagnostics = boardFindings(resolved.board, resolved.inFile).map((finding) =>
      toDiagnostic(finding, document),
    );
    void connection.sendDiagnostics({ uri, version: document.version, diagnostics });
  } catch (error) {
    log(`device tree ${uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    state.heap.afterWork();
  }
}

export async function boardHoverAt(
  state: ServerState,
  uri: string,
  position: { line: number; character: number },
): Promise<Hover | null> {
  const pending = state.boards.board(uri);
  const document = state.boards.document(uri);
  if (!pending || !document) return null;
  const resolved = await pending;
  const hover = boardHover(resolved, document.offsetAt(position));
  if (!hover) return null;
  const range = rangeOf(hover.origin, document);
  const link = pipelineCommandUri({ uri, position: range.start, platforms: [boardRowId(resolved.board, hover.node)] });
  const value = `${hover.markdown}\n\n[Open the address pipeline for this node](${link})`;
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}

/** The buffer size of the pipeline's example map for a node: a page. */
const NODE_EXAMPLE_SIZE = 4096n;

/**
 * The pipeline for a device-tree node: a dma_map_single of an example buffer (the first the hover shows) on
 * the node's board profile, in the form the client's Show Address Pipeline takes for a call in C.
 */
export async function boardCallSiteAt(
  state: ServerState,
  params: protocol.CallSiteAtParams,
): Promise<protocol.CallSiteAtResult> {
  const none: protocol.CallSiteAtResult = { site: null, requests: null, exampleFields: [], platforms: [], facts: [] };
  const pending = state.boards.board(params.uri);
  const document = state.boards.document(params.uri);
  if (!pending || !document) return none;
  const { board, inFile } = await pending;
  const found = dmaNodeAt(board.root, inFile, document.offsetAt(params.position));
  if (!found) return none;
  const { profile } = editorBoardProfile(board, found.node);
  state.rememberBoard(profile);
  const phys = nodeExamples(board, found.node).examples[0]?.phys ?? 0n;
  const range = rangeOf(found.origin, document);
  return {
    site: {
      uri: params.uri,
      api: 'dma_map_single',
      kind: 'map',
      range,
      nameRange: range,
      direction: 'to_device',
      size: { text: String(NODE_EXAMPLE_SIZE), value: String(NODE_EXAMPLE_SIZE), kind: 'constant' },
      bufferOrigin: 'unknown',
      bufferText: null,
      handle: null,
      checked: true,
      enclosingFunction: (found.bus ?? found.node).path,
      inLoop: false,
    },
    requests: toWire([{ op: 'map_single', phys, size: NODE_EXAMPLE_SIZE, dir: 'to_device' }]),
    exampleFields: ['phys', 'size', 'dir'],
    platforms: [profile.id],
    facts: [
      `Device: ${found.node.path} of ${basename(board.file)}, configured as of_dma_configure_id would configure it.`,
      'Call: an example 4 KiB DMA_TO_DEVICE dma_map_single of the first RAM the hover shows for the node.',
    ],
  };
}

function toDiagnostic(finding: BoardFinding, document: TextDocument): Diagnostic {
  return {
    range: rangeOf(finding.origin, document),
    severity: SEVERITY[finding.severity],
    code: finding.code,
    source: 'dmalens',
    message: finding.message,
  };
}

function rangeOf(origin: Origin, document: TextDocument) {
  return { start: document.positionAt(origin.start), end: document.positionAt(origin.end) };
}
