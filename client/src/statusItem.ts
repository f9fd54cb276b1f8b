// The language status item next to the language mode: the selected platforms and the state of the
// background index, updated by the server's dmalens/statusChanged notification, which it passes on to
// whatever else follows the status (the settings problems).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { StatusChangedNotification, type StatusResult } from '@dmalens/protocol';
import { DOCUMENT_SELECTOR } from './languageClient';
import type { ServerApi } from './serverApi';

export function createStatusItem(
  client: LanguageClient,
  server: ServerApi,
  onStatus: (status: StatusResult) => void,
): vscode.Disposable {
  const item = vscode.languages.createLanguageStatusItem('dmalens.status', DOCUMENT_SELECTOR);
  item.name = 'DMA Lens';
  item.text = 'DMA Lens: starting';
  item.busy = true;
  item.command = { title: 'Select platforms', command: 'dmalens.selectPlatforms' };
  const show = (status: StatusResult) => {
    showStatus(item, status);
    onStatus(status);
  };
  const subscription = client.onNotification(StatusChangedNotification, show);
  server.status().then(show, (error: unknown) => {
    item.busy = false;
    item.severity = vscode.LanguageStatusSeverity.Error;
    item.text = 'DMA Lens: server not usable';
    item.detail = error instanceof Error ? error.message : String(error);
  });
  return vscode.Disposable.from(item, subscription);
}

export function showStatus(item: vscode.LanguageStatusItem, status: StatusResult): void {
  const { index } = status;
  item.text = `$(circuit-board) ${status.selected.join(', ') || 'no platform'}`;
  item.busy = index.state === 'indexing' || index.state === 'pending';
  const progress =
    index.state === 'indexing'
      ? `indexing ${index.filesIndexed}/${index.filesTotal} files`
      : index.state === 'done'
        ? `${index.sites} DMA sites in ${index.filesIndexed} files${index.skippedFiles ? ` (${index.skippedFiles} skipped)` : ''}`
        : index.state === 'disabled'
          ? 'workspace index off'
          : 'index pending';
  item.detail =
    status.settingsErrors.length > 0 ? `${progress} · settings: ${status.settingsErrors.join('; ')}` : progress;
  item.severity =
    status.settingsErrors.length > 0
      ? vscode.LanguageStatusSeverity.Warning
      : vscode.LanguageStatusSeverity.Information;
}
