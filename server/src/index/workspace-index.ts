// The background index of the workspace's C files, for workspace symbols and the workspace analysis.
// It starts after `initialized` (never inside `initialize`), runs the batch engine on one worker so the
// editor keeps a core, reports $/progress, honours the exclude globs and the size limits, stops at the
// file and byte caps, and re-scans single files when the client reports changes.
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Finding } from '../checks/rule';
import { scanTree, type FileResult } from '../batch/scan-tree';
import type { Settings } from '../config/settings';
import { siteSummary } from '../sites';
import type { IndexStatus, SiteSummary } from '@dmalens/protocol';

/**
 * What the index keeps of a file that is not open: the site summaries the client and the symbol search
 * need, and the findings without their fixes. No trees, texts or argument lists, so that a whole kernel
 * tree stays within the memory budget (docs/performance.md).
 */
export interface IndexedFile {
  uri: string;
  sites: SiteSummary[];
  diagnostics: Finding[];
}

export interface IndexReporter {
  begin(): void;
  report(message: string, percentage?: number): void;
  done(): void;
  changed(): void;
  log(message: string): void;
}

/** The settings that decide which files are indexed and what is extracted from them: a change starts afresh. */
function extractionKey(settings: Settings): string {
  return JSON.stringify([settings['index.exclude'], settings['index.maxFileBytes'], settings['index.enable']]);
}

/**
 * The settings that decide only what the findings say (platforms, their parameters, rule severities). A
 * change of them keeps the index: its sites and symbols stay in use while the findings are recomputed in
 * the background, file by file.
 */
function findingsKey(settings: Settings): string {
  return JSON.stringify([settings.platforms, settings.overrides, settings.customPlatforms, settings.rules]);
}

export class WorkspaceIndex {
  private readonly files = new Map<string, IndexedFile>();
  private abort: AbortController | null = null;
  private key = '';
  private findings = '';
  private folders: string[] = [];
  status: IndexStatus = { state: 'pending', filesIndexed: 0, filesTotal: 0, skippedFiles: 0, sites: 0 };
  /** Paths skipped with the reason, for the log and the analysis summary. */
  readonly skipped = new Map<string, string>();

  constructor(private readonly reporter: IndexReporter) {}

  entries(): IterableIterator<IndexedFile> {
    return this.files.values();
  }

  setFolders(uris: string[]): void {
    this.folders = uris.flatMap((uri) => (uri.startsWith('file:') ? [fileURLToPath(uri)] : []));
  }

  /** Starts (or restarts) indexing when the relevant settings changed; returns at once. */
  refresh(settings: Settings): void {
    const key = extractionKey(settings);
    const findings = findingsKey(settings);
    const sameFiles = key === this.key && this.status.state !== 'pending';
    if (sameFiles && findings === this.findings) return;
    this.key = key;
    this.findings = findings;
    this.abort?.abort();
    if (!sameFiles) {
      this.files.clear();
      this.skipped.clear();
    }
    if (!settings['index.enable'] || this.folders.length === 0) {
      this.status = {
        state: settings['index.enable'] ? 'done' : 'disabled',
        filesIndexed: 0,
        filesTotal: 0,
        skippedFiles: 0,
        sites: 0,
      };
      this.reporter.changed();
      return;
    }
    const abort = new AbortController();
    this.abort = abort;
    void this.run(this.folders, settings, abort).catch((error) =>
      this.reporter.log(`workspace index failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** Re-analyses changed files and forgets deleted ones (workspace/didChangeWatchedFiles). */
  async update(changed: string[], deleted: string[], settings: Settings): Promise<void> {
    for (const uri of deleted) this.files.delete(uri);
    const paths = changed.filter((uri) => uri.startsWith('file:')).map((uri) => fileURLToPath(uri));
    if (paths.length && settings['index.enable']) {
      for await (const result of scanTree(paths, this.scanOptions(settings, new AbortController())))
        this.accept(result);
    }
    this.recount();
    this.reporter.changed();
  }

  dispose(): void {
    this.abort?.abort();
  }

  private scanOptions(settings: Settings, abort: AbortController) {
    return {
      exclude: settings['index.exclude'],
      maxFileSize: settings['index.maxFileBytes'],
      // One worker: the index must leave the machine's other core to the editor and the compiler.
      workers: 1,
      analysis: {
        platforms: settings.platforms,
        overrides: settings.overrides,
        customPlatforms: settings.customPlatforms,
        severities: settings.rules,
      },
      signal: abort.signal,
    };
  }

  private async run(folders: string[], settings: Settings, abort: AbortController): Promise<void> {
    this.status = { state: 'indexing', filesIndexed: 0, filesTotal: 0, skippedFiles: 0, sites: 0 };
    // Files kept from the previous run (a platform change) count until their new results replace them.
    this.recount();
    this.reporter.begin();
    this.reporter.changed();
    const maxFiles = settings['index.maxFiles'];
    const maxBytes = settings['index.maxTotalBytes'];
    let capped = '';
    const options = {
      ...this.scanOptions(settings, abort),
      onProgress: (progress: { filesDone: number; filesSeen: number; walkDone: boolean; bytesRead: number }) => {
        this.status.filesIndexed = progress.filesDone;
        this.status.filesTotal = progress.filesSeen;
        const percentage =
          progress.walkDone && progress.filesSeen > 0
            ? Math.floor((100 * progress.filesDone) / progress.filesSeen)
            : undefined;
        this.reporter.report(`${progress.filesDone}/${progress.filesSeen} files`, percentage);
        if (maxFiles > 0 && progress.filesDone >= maxFiles) capped = `stopped at dmalens.index.maxFiles (${maxFiles})`;
        if (progress.bytesRead >= maxBytes) capped = `stopped at dmalens.index.maxTotalBytes (${maxBytes})`;
        if (capped) abort.abort();
      },
    };
    try {
      for await (const result of scanTree(folders, options)) {
        if (abort.signal.aborted && !capped) return;
        this.accept(result);
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
    if (this.abort !== abort) return;
    if (capped) this.reporter.log(`workspace index ${capped}; raise the limit in settings to index more.`);
    this.recount();
    this.status.state = 'done';
    this.reporter.done();
    this.reporter.changed();
  }

  private accept(result: FileResult): void {
    const uri = pathToFileURL(result.path).toString();
    this.status.sites -= this.files.get(uri)?.sites.length ?? 0;
    if (result.skipped) {
      this.skipped.set(result.path, result.note ?? result.skipped);
      this.reporter.log(`index skipped ${result.path}: ${result.note ?? result.skipped}`);
      this.files.delete(uri);
    } else if (result.sites.length || result.diagnostics.length) {
      this.files.set(uri, {
        uri,
        sites: result.sites.map((site) => siteSummary(uri, site)),
        diagnostics: result.diagnostics.map(({ fix: _fix, ...finding }) => finding),
      });
      this.status.sites += result.sites.length;
    } else {
      this.files.delete(uri);
    }
  }

  private recount(): void {
    this.status.skippedFiles = this.skipped.size;
    this.status.sites = [...this.files.values()].reduce((sum, file) => sum + file.sites.length, 0);
  }
}
