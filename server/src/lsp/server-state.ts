// What the language server knows at one moment: validated settings, the platform model built from
// them, the open documents with their analyses, and the workspace index. Features read it; only
// configuration changes and document events write it.
import { AnalyzedDocument } from '../analysis/document';
import type { CallSite } from '../analysis/callsite';
import { fileURLToPath } from 'node:url';
import { defaultSettings, platformSelection, type Settings } from '../config/settings';
import { KernelTrees } from '../kernel-tree';
import { createPlatformModel, driverContext, type DriverContext, type PlatformModel } from '../sites';
import type { Finding } from '../checks/rule';
import { runChecks } from '../checks/run-checks';
import { HeapTrim } from '../memory/heap-trim';
import { basename } from 'node:path';
import { BoardDocuments, ConfiguredBoards, DriverBoards, treePath, type BoardRow } from '../board-editor';
import type { BoardPlacement } from '../sites/driver-context';
import type { PlatformProfile } from '@dmalens/core';
import { LruCache } from '../memory/lru-cache';

export interface OpenDocument {
  uri: string;
  version: number;
  /** Null when the document is not analysed (over the size limit, or binary); `skipNote` says why. */
  analysis: AnalyzedDocument | null;
  skipNote?: string;
  /** Findings for the current text and settings generation; recomputed on demand. */
  findings?: { generation: number; version: number; list: Finding[] };
  /** What the document's sites are simulated with, for the same text and settings generation. */
  context?: { generation: number; version: number; value: DriverContext };
}

/** Characters of open documents whose syntax trees stay in memory (a tree takes tens of bytes per character). */
const TREE_TEXT_BUDGET = 2 * 2 ** 20;

export class ServerState {
  settings: Settings = defaultSettings();
  model: PlatformModel;
  /** Problems of the current settings, in words. */
  settingsProblems: string[] = [];
  /** Bumped on every settings change so cached findings are recomputed. */
  generation = 0;
  readonly documents = new Map<string, OpenDocument>();
  /** Gives garbage back after heavy work, once the server is idle. */
  readonly heap = new HeapTrim();
  /** The kernel trees of open files, each with its build system read once. */
  readonly kernelTrees = new KernelTrees();
  /** Open device-tree documents (.dts, .dtsi, .dtso), each resolved as a board. */
  readonly boards = new BoardDocuments();
  /** Board rows of drivers, from their of_device_id compatibles; found in the background. */
  readonly driverBoards: DriverBoards;
  /** Board rows named in dmalens.boards. */
  readonly configuredBoards: ConfiguredBoards;
  /** Commands the client runs for code actions (capabilities.experimental.dmalens.commands at initialize). */
  clientCommands: ReadonlySet<string> = new Set();
  /** The client shows settings problems from the status itself (capabilities.experimental.dmalens.settingsProblems). */
  clientShowsSettingsProblems = false;
  /** The first workspace folder, where relative paths in the settings start. */
  workspaceFolder: string | null = null;
  /** Board profiles shown lately (rows, device-tree nodes), so that the pipeline view can simulate them by id. */
  private readonly boardProfiles = new LruCache<string, PlatformProfile>(64);
  /** Told when board rows arrive in the background, so that open documents are shown them. */
  onBoardsChanged: (problems: readonly string[]) => void = () => {};

  constructor(private readonly log: (message: string) => void) {
    this.model = createPlatformModel(
      platformSelection(this.settings.platforms).ids,
      this.settings.overrides,
      this.settings.customPlatforms,
    ).model;
    this.driverBoards = new DriverBoards(this.boards, () => this.boardsArrived([]), log);
    this.configuredBoards = new ConfiguredBoards(this.boards, (problems) => this.boardsArrived(problems));
  }

  private boardsArrived(problems: readonly string[]): void {
    this.settingsProblems.push(...problems);
    this.generation++;
    this.onBoardsChanged(problems);
  }

  applySettings(settings: Settings, problems: string[]): void {
    const built = createPlatformModel(
      platformSelection(settings.platforms).ids,
      settings.overrides,
      settings.customPlatforms,
    );
    this.settings = settings;
    this.model = built.model;
    this.settingsProblems = [...problems, ...built.problems];
    if (built.model.selected.length === 0) {
      // An empty or entirely unknown selection would leave hovers blank: fall back to the defaults.
      const fallback = createPlatformModel(platformSelection('auto').ids, settings.overrides, settings.customPlatforms);
      this.model = fallback.model;
      this.settingsProblems.push('dmalens.platforms: no valid platform is selected; using the default platforms.');
    }
    this.configuredBoards.set(settings.boards, this.workspaceFolder);
    this.driverBoards.clear();
    this.generation++;
  }

  open(uri: string, version: number, text: string): OpenDocument {
    this.close(uri);
    const document: OpenDocument = { uri, version, analysis: null };
    const skip = skipReason(text, this.settings['index.maxFileBytes']);
    if (skip) document.skipNote = skip;
    else document.analysis = new AnalyzedDocument(text);
    this.documents.set(uri, document);
    this.touch(uri);
    return document;
  }

  /**
   * Marks a document as the most recently used and keeps the syntax trees of open documents within
   * TREE_TEXT_BUDGET characters of text: the least recently used give theirs back first (the client decides
   * how many documents are open; the server decides how much wasm memory their trees take).
   */
  touch(uri: string): void {
    const document = this.documents.get(uri);
    if (!document) return;
    this.documents.delete(uri);
    this.documents.set(uri, document);
    let held = 0;
    for (const other of [...this.documents.values()].reverse()) {
      const analysis = other.analysis;
      if (!analysis?.holdsTree) continue;
      held += analysis.text.length;
      if (held > TREE_TEXT_BUDGET && other !== document) analysis.releaseTree();
    }
  }

  close(uri: string): void {
    this.driverBoards.forget(uri);
    this.documents.get(uri)?.analysis?.dispose();
    this.documents.delete(uri);
    this.heap.afterWork();
  }

  sites(uri: string): readonly CallSite[] {
    return this.documents.get(uri)?.analysis?.sites() ?? [];
  }

  /** The driver context of an open document: the platforms and the mask its sites are simulated with. */
  context(uri: string): DriverContext {
    const document = this.documents.get(uri);
    const cached = document?.context;
    if (document && cached && cached.generation === this.generation && cached.version === document.version)
      return cached.value;
    const analysis = document?.analysis;
    const file = { sites: analysis?.sites() ?? [], text: analysis?.text ?? '' };
    const targets = this.targetsOf(uri);
    const value = driverContext(this.model, file, {
      choice: platformSelection(this.settings.platforms).choice,
      targets,
      path: uri,
      sizesFor: (ids) => (targets ? this.kernelTrees.sizesFor(fileURLToPath(uri), ids) : null),
      boards: this.boardPlacements(uri, file.text),
      ...(targets ? { moduleRegistrations: () => this.kernelTrees.moduleRegistrationsOf(fileURLToPath(uri)) } : {}),
    });
    if (document) document.context = { generation: this.generation, version: document.version, value };
    return value;
  }

  /** The board rows of a file: those of dmalens.boards, then the nodes its of_device_id tables match. */
  private boardPlacements(uri: string, text: string): BoardPlacement[] {
    const matched = uri.startsWith('file:')
      ? this.driverBoards.rows(uri, fileURLToPath(uri), text, this.settings.boardMatches)
      : [];
    const rows = [...this.configuredBoards.rows(), ...matched];
    for (const row of rows) this.rememberBoard(row.profile);
    return rows.map((row) => ({ profile: row.profile, why: boardWhy(row) }));
  }

  rememberBoard(profile: PlatformProfile): void {
    this.boardProfiles.set(profile.id, profile);
  }

  /** The settings' model, knowing the board profiles among `ids` as well (for requests that name platforms). */
  modelFor(ids: readonly string[]): PlatformModel {
    const configured = new Map(this.configuredBoards.rows().map((row) => [row.profile.id, row.profile]));
    const boards = ids.flatMap((id) => configured.get(id) ?? this.boardProfiles.get(id) ?? []);
    return boards.length ? this.model.withSelection([], {}, boards) : this.model;
  }

  /** What the build system of the file's kernel tree says about it; null for other files. */
  private targetsOf(uri: string): ReturnType<KernelTrees['targetsOf']> {
    if (!uri.startsWith('file:')) return null;
    try {
      return this.kernelTrees.targetsOf(fileURLToPath(uri));
    } catch (error) {
      this.log(`targets of ${uri}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  /**
   * Build files (Makefiles, Kconfig files) changed on disk: the trees holding them are read again when next
   * asked, and every cached context and finding is recomputed. True when an open document may be affected.
   */
  buildFilesChanged(uris: readonly string[]): boolean {
    let forgotten = false;
    for (const uri of uris)
      if (uri.startsWith('file:') && this.kernelTrees.forgetTreeOf(fileURLToPath(uri))) forgotten = true;
    if (forgotten) this.generation++;
    return forgotten;
  }

  findings(uri: string): Finding[] {
    const document = this.documents.get(uri);
    if (!document?.analysis) return [];
    const cached = document.findings;
    if (cached && cached.generation === this.generation && cached.version === document.version) return cached.list;
    const list = runChecks(
      {
        sites: document.analysis.sites(),
        text: document.analysis.text,
        lines: document.analysis.lineIndex,
        driver: this.context(uri),
        path: uri,
      },
      {
        severities: this.settings.rules,
        onRuleError: (ruleId, error) =>
          this.log(
            `rule ${ruleId} failed on ${uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          ),
      },
    );
    document.findings = { generation: this.generation, version: document.version, list };
    return list;
  }
}

/** `bcm2711-rpi-4-b.dts /scb/ethernet@7d580000: matches "brcm,bcm2711-genet-v5" (line 3923)`. */
function boardWhy(row: BoardRow): string {
  // From arch/ on, so that arm and arm64 boards of one name are told apart.
  const place = `${treePath(row.board)} ${row.node}`;
  if (row.line < 0) return `${place}: from dmalens.boards`;
  const also = row.alsoOn.length ? `; the same on ${row.alsoOn.map((other) => sameAs(other, row)).join(', ')}` : '';
  return `${place}: its node matches "${row.compatible}" of the driver's of_device_id table (line ${row.line + 1})${also}`;
}

/** Another board node with a row's configuration, in few words: its board's name, and its node when it differs. */
function sameAs(other: BoardRow['alsoOn'][number], row: BoardRow): string {
  const board = basename(other.board);
  return other.node === row.node ? board : `${board} ${other.node}`;
}

/** Binary files (a NUL byte, like git and grep decide) and files over the limit are not analysed. */
export function skipReason(text: string, maxBytes: number): string | undefined {
  if (text.length > maxBytes)
    return `not analysed: ${text.length} characters exceed dmalens.index.maxFileBytes (${maxBytes})`;
  if (text.slice(0, 8000).includes('\u0000')) return 'not analysed: the file looks binary (it contains NUL bytes)';
  return undefined;
}
