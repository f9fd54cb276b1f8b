// Shows the workspace index's progress with server-initiated $/progress (window/workDoneProgress/create)
// when the client supports it, and pushes dmalens/statusChanged for the client's status item.
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import type { IndexReporter } from '../index/workspace-index';
import { StatusChangedNotification, type StatusResult } from '@dmalens/protocol';

export class IndexProgress implements IndexReporter {
  private reporter: Promise<WorkDoneProgressServerReporter> | null = null;
  private started = 0;

  constructor(
    private readonly connection: Connection,
    private readonly status: () => StatusResult,
  ) {}

  begin(): void {
    this.started = performance.now();
    this.reporter = this.connection.window.createWorkDoneProgress().then((reporter) => {
      reporter.begin('DMA Lens: indexing DMA call sites', 0, 'starting', false);
      return reporter;
    });
    this.reporter.catch(() => undefined);
  }

  report(message: string, percentage?: number): void {
    void this.reporter
      ?.then((reporter) => (percentage === undefined ? reporter.report(message) : reporter.report(percentage, message)))
      .catch(() => undefined);
  }

  done(): void {
    void this.reporter?.then((reporter) => reporter.done()).catch(() => undefined);
    this.reporter = null;
    // The figures a user asks about first: how much was indexed, how long it took, what was left out.
    const { index } = this.status();
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    this.log(
      `workspace index: ${index.filesIndexed} of ${index.filesTotal} files, ${index.sites} DMA call sites, ${index.skippedFiles} skipped, in ${seconds} s`,
    );
  }

  changed(): void {
    this.statusChanged();
  }

  statusChanged(): void {
    void this.connection.sendNotification(StatusChangedNotification, this.status());
  }

  log(message: string): void {
    this.connection.console.log(message);
  }
}
