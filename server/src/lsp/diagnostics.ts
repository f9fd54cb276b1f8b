// Publishes each open document's findings as LSP diagnostics with a stable code, a documentation
// link, and the rule's configured severity. Publishing waits a few milliseconds per document so that
// changes already queued on the connection cost one check pass, while a single edit still reaches the
// client well inside the 30 ms edit-to-diagnostics budget (docs/performance.md).
import { DiagnosticSeverity, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding, Severity } from '../checks/rule';
import { ruleDocUri } from '../docs/bundled-docs';
import { publishBoardDiagnostics } from './board-features';
import type { ServerState } from './server-state';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const DEBOUNCE_MS = 5;

/**
 * Device trees wait for a pause in typing: resolving a board reads and preprocesses its includes (tens of
 * milliseconds for a real board), and every open board is checked again because an edited .dtsi can change
 * any board that includes it.
 */
const BOARD_DEBOUNCE_MS = 120;

/**
 * Findings published per document. Real drivers have at most a few hundred; a generated or mangled file
 * can have tens of thousands, which would cost the editor and the server tens of megabytes per publish.
 * The rest are counted in one information diagnostic, and `dmalens scan` lists them all.
 */
export const MAX_PUBLISHED_FINDINGS = 2000;

export function toDiagnostic(finding: Finding): Diagnostic {
  const docs = ruleDocUri(finding.ruleId);
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.ruleId,
    ...(docs ? { codeDescription: { href: docs } } : {}),
    source: 'dmalens',
    message: finding.message,
  };
}

export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private boardTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly state: ServerState,
  ) {}

  schedule(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.publishNow(uri);
      }, DEBOUNCE_MS),
    );
  }

  publishNow(uri: string): void {
    const document = this.state.documents.get(uri);
    if (!document) return;
    const findings = this.state.findings(uri);
    const diagnostics = findings.slice(0, MAX_PUBLISHED_FINDINGS).map(toDiagnostic);
    if (findings.length > MAX_PUBLISHED_FINDINGS)
      diagnostics.push({
        range: findings[MAX_PUBLISHED_FINDINGS]!.range,
        severity: DiagnosticSeverity.Information,
        source: 'dmalens',
        message: `DMA Lens: ${findings.length - MAX_PUBLISHED_FINDINGS} more findings in this file are not shown (the first ${MAX_PUBLISHED_FINDINGS} are); \`dmalens scan\` lists them all.`,
      });
    const degraded = document.analysis?.degraded;
    if (degraded) {
      // "Too slow" must never read as "nothing here": the user sees why findings may be missing.
      this.connection.console.warn(`${uri}: ${degraded}`);
      diagnostics.unshift({
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Information,
        source: 'dmalens',
        message: `DMA Lens: ${degraded}.`,
      });
    }
    void this.connection.sendDiagnostics({ uri, version: document.version, diagnostics });
    this.state.heap.afterWork();
  }

  /** Re-checks every open device-tree document once typing pauses. */
  scheduleBoards(): void {
    clearTimeout(this.boardTimer);
    this.boardTimer = setTimeout(() => {
      this.boardTimer = undefined;
      const log = (message: string) => this.connection.console.log(message);
      for (const uri of this.state.boards.uris()) void publishBoardDiagnostics(this.connection, this.state, uri, log);
    }, BOARD_DEBOUNCE_MS);
  }

  /** After a settings change every open document is re-checked. */
  publishAll(): void {
    for (const uri of this.state.documents.keys()) this.schedule(uri);
    this.scheduleBoards();
  }

  clear(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }
}
