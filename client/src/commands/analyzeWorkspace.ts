// Analyze Workspace: DMA sites and findings per file and per rule, with links to each site, and
// Export SARIF for CI dashboards and code-scanning tools.
import * as vscode from 'vscode';
import type { AnalyzeWorkspaceResult } from '@dmalens/protocol';
import { escapeMarkdown, type ReportProvider } from '../reports';
import type { ServerApi } from '../serverApi';

const REPORT_NAME = 'workspace-analysis.md';

export async function analyzeWorkspaceCommand(server: ServerApi, reports: ReportProvider): Promise<void> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'DMA Lens: analysing the workspace' },
    () => server.analyzeWorkspace({}),
  );
  await reports.show(
    REPORT_NAME,
    analysisReport(result, (uri, line) => reports.linkFrom(REPORT_NAME, vscode.Uri.parse(uri), line)),
  );
  const choice = await vscode.window.showInformationMessage(
    `DMA Lens: ${result.totals.sites} DMA sites, ${result.totals.findings} findings in ${result.totals.files} files.`,
    'Export SARIF…',
  );
  if (choice) await exportSarifCommand(server);
}

export async function exportSarifCommand(server: ServerApi): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, 'dmalens.sarif') : undefined,
    filters: { SARIF: ['sarif', 'json'] },
    title: 'Export DMA Lens findings as SARIF 2.1.0',
  });
  if (!target) return;
  const { sarif } = await server.exportSarif({});
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(sarif));
  void vscode.window.showInformationMessage(`DMA Lens: saved ${target.fsPath}`);
}

/** Gives the link target of a line of a file (or of the whole file), relative to the report. */
export type SiteLinker = (uri: string, line?: number) => string;

export function analysisReport(result: AnalyzeWorkspaceResult, link: SiteLinker): string {
  const lines = ['# DMA Lens workspace analysis', ''];
  if (result.partial)
    lines.push('> The background index is still running: this summary covers the files indexed so far.', '');
  const { totals } = result;
  lines.push(
    `${totals.files} files, ${totals.sites} DMA sites, ${totals.findings} findings (${totals.skippedFiles} files skipped by size or exclude).`,
    '',
  );
  lines.push('## Findings per rule', '');
  for (const rule of result.rules) {
    lines.push(
      `### ${ruleHeading(link, rule.id, rule.docUrl)} — ${escapeMarkdown(rule.title)} (${rule.count}, ${rule.severity})`,
      '',
    );
    for (const location of rule.locations) {
      lines.push(`- ${siteLink(link, location.uri, location.range.start.line)}: ${escapeMarkdown(location.message)}`);
    }
    lines.push('');
  }
  lines.push('## Files', '', '| file | sites | findings | rules |', '|---|---:|---:|---|');
  for (const file of result.files) {
    const rules = Object.entries(file.byRule)
      .map(([id, count]) => `${escapeMarkdown(id)} ×${count}`)
      .join(', ');
    lines.push(`| ${siteLink(link, file.uri, 0)} | ${file.sites} | ${file.findings} | ${rules} |`);
  }
  return lines.join('\n');
}

/**
 * The rule id, linked to its documentation page when the docs shipped with the server (docUrl is null
 * otherwise). The page is linked relatively: the markdown preview refuses `file:` links.
 */
function ruleHeading(link: SiteLinker, id: string, docUrl: string | null): string {
  return docUrl === null ? escapeMarkdown(id) : `[${escapeMarkdown(id)}](<${link(docUrl)}>)`;
}

/** A link the markdown preview opens at the line, labelled with the workspace-relative path. */
function siteLink(link: SiteLinker, uri: string, line: number): string {
  const label = vscode.workspace.asRelativePath(vscode.Uri.parse(uri), false);
  return `[${escapeMarkdown(label)}:${line + 1}](<${link(uri, line)}>)`;
}
