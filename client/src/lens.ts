// What the extension holds while it runs, in one object handed to every command: the connection to the
// language server, the report writer, the pipeline view, the Findings view, and the call shown last.
import type { WirePosition } from '@dmalens/protocol';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { FindingsView } from './findings-view/provider';
import type { PipelineView } from './pipeline/panel';
import type { ReportProvider } from './reports';
import type { ServerApi } from './serverApi';

/** A call site: the document and the position of the call's name. */
export interface CallTarget {
  uri: string;
  position: WirePosition;
}

export interface DmaLens {
  readonly client: LanguageClient;
  readonly server: ServerApi;
  readonly reports: ReportProvider;
  readonly pipeline: PipelineView;
  /** The Findings view of the workspace analysis. */
  readonly findings: FindingsView;
  /** The call site shown last, so that Show Address Pipeline still works from a non-C editor. */
  lastTarget: CallTarget | undefined;
}
