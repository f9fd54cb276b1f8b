// The Findings view in the Explorer: the workspace analysis as a tree, grouped by directory or by
// MAINTAINERS entry, then by file, with each rule's explanation once (the Rules node, whose entries open
// the rule's page) rather than once per finding. Filters by rule and severity from the view's title bar.
import { posix } from 'node:path';
import * as vscode from 'vscode';
import type { AnalyzeWorkspaceResult } from '@dmalens/protocol';
import {
  directoryOf,
  findingsOf,
  groupFindings,
  type FileGroup,
  type Finding,
  type FindingGroup,
  type FindingsFilter,
  type Grouping,
} from './grouping';
import { parseMaintainers, type Maintainers } from './maintainers';

export const FINDINGS_VIEW = 'dmalens.findings';

type Node =
  | { kind: 'rules' }
  | { kind: 'rule'; rule: AnalyzeWorkspaceResult['rules'][number] }
  | { kind: 'group'; group: FindingGroup }
  | { kind: 'file'; file: FileGroup }
  | { kind: 'finding'; finding: Finding };

export class FindingsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private result: AnalyzeWorkspaceResult | null = null;
  private findings: Finding[] = [];
  private grouping: Grouping = 'directory';
  private filter: FindingsFilter = { rules: [], severities: [] };
  private maintainers: Maintainers | null = null;
  /** The groups the tree shows, made at each refresh (new result, grouping or filter). */
  private shown: FindingGroup[] = [];
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;

  constructor() {
    this.view = vscode.window.createTreeView(FINDINGS_VIEW, { treeDataProvider: this, showCollapseAll: true });
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }

  async show(result: AnalyzeWorkspaceResult): Promise<void> {
    this.result = result;
    this.findings = findingsOf(result);
    this.maintainers = await readMaintainers();
    if (this.grouping === 'maintainer' && !this.maintainers) this.grouping = 'directory';
    this.refresh();
    await vscode.commands.executeCommand(`${FINDINGS_VIEW}.focus`);
  }

  async chooseGrouping(): Promise<void> {
    const items = [
      { label: 'Directory', grouping: 'directory' as const },
      ...(this.maintainers ? [{ label: 'MAINTAINERS entry', grouping: 'maintainer' as const }] : []),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: this.maintainers ? 'Group findings by' : 'Group findings by (the workspace has no MAINTAINERS file)',
    });
    if (!picked) return;
    this.grouping = picked.grouping;
    this.refresh();
  }

  async chooseFilter(): Promise<void> {
    if (!this.result) return;
    type Item = vscode.QuickPickItem & { rule?: string; severity?: string };
    const rules: Item[] = this.result.rules.map((rule) => ({
      label: rule.id,
      description: `${rule.count} · ${rule.title}`,
      rule: rule.id,
      picked: this.filter.rules.includes(rule.id),
    }));
    const severities: Item[] = ['error', 'warning', 'information', 'hint'].map((severity) => ({
      label: severity,
      severity,
      picked: this.filter.severities.includes(severity),
    }));
    const picked = await vscode.window.showQuickPick<Item>(
      [
        { label: 'Rules', kind: vscode.QuickPickItemKind.Separator },
        ...rules,
        { label: 'Severities', kind: vscode.QuickPickItemKind.Separator },
        ...severities,
      ],
      { canPickMany: true, title: 'Show findings of (none picked: all)' },
    );
    if (!picked) return;
    this.filter = {
      rules: picked.flatMap((item) => (item.rule ? [item.rule] : [])),
      severities: picked.flatMap((item) => (item.severity ? [item.severity] : [])),
    };
    this.refresh();
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'rules':
        return collapsed('Rules', vscode.TreeItemCollapsibleState.Collapsed, `${this.result?.rules.length ?? 0}`);
      case 'rule':
        return ruleItem(node.rule);
      case 'group':
        return collapsed(node.group.label, vscode.TreeItemCollapsibleState.Collapsed, `${node.group.count}`);
      case 'file':
        return fileItem(node.file);
      case 'finding':
        return findingItem(node.finding);
    }
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      if (!this.result) return [];
      return [{ kind: 'rules' }, ...this.shown.map((group) => ({ kind: 'group' as const, group }))];
    }
    switch (node.kind) {
      case 'rules':
        return (this.result?.rules ?? []).map((rule) => ({ kind: 'rule' as const, rule }));
      case 'group':
        return node.group.files.map((file) => ({ kind: 'file' as const, file }));
      case 'file':
        return node.file.findings.map((finding) => ({ kind: 'finding' as const, finding }));
      default:
        return [];
    }
  }

  private groups(): FindingGroup[] {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    const relativePath = (uri: string) => {
      const path = vscode.Uri.parse(uri, true).path;
      return root && path.startsWith(`${root.path}/`) ? posix.relative(root.path, path) : path;
    };
    const maintainers = this.maintainers;
    const groupOf =
      this.grouping === 'maintainer' && maintainers
        ? (path: string) => maintainers.of(path) ?? '(no MAINTAINERS entry)'
        : directoryOf;
    return groupFindings(this.findings, relativePath, groupOf, this.filter);
  }

  private refresh(): void {
    this.shown = this.groups();
    const shown = this.shown.reduce((sum, group) => sum + group.count, 0);
    const filtered = this.filter.rules.length + this.filter.severities.length > 0;
    // Shown above the tree: a view alone in its panel tab has no header for a description.
    this.view.message = this.result
      ? `${shown}${filtered ? ` of ${this.findings.length}` : ''} findings by ${this.grouping}${filtered ? ` (filtered: ${[...this.filter.rules, ...this.filter.severities].join(', ')})` : ''}${this.result.partial ? '; the index is still running' : ''}`
      : undefined;
    this.changed.fire(undefined);
  }
}

function collapsed(label: string, state: vscode.TreeItemCollapsibleState, description: string): vscode.TreeItem {
  const item = new vscode.TreeItem(label, state);
  item.description = description;
  return item;
}

function ruleItem(rule: AnalyzeWorkspaceResult['rules'][number]): vscode.TreeItem {
  const item = new vscode.TreeItem(rule.id, vscode.TreeItemCollapsibleState.None);
  item.description = `${rule.count} · ${rule.title}`;
  item.tooltip = `${rule.title} (${rule.severity}). Open the rule's page: what it finds, why, and how to fix it.`;
  if (rule.docUrl)
    item.command = { title: 'Show Rule Documentation', command: 'dmalens.showRuleDocs', arguments: [rule.docUrl] };
  return item;
}

function fileItem(file: FileGroup): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.Uri.parse(file.uri, true), vscode.TreeItemCollapsibleState.Collapsed);
  item.description = `${file.findings.length} · ${directoryOf(file.path)}`;
  return item;
}

function findingItem(finding: Finding): vscode.TreeItem {
  const item = new vscode.TreeItem(finding.rule, vscode.TreeItemCollapsibleState.None);
  item.description = `Ln ${finding.range.start.line + 1} · ${firstSentence(finding.message)}`;
  item.tooltip = finding.message;
  item.iconPath = new vscode.ThemeIcon(SEVERITY_ICONS[finding.severity] ?? 'info');
  const { start, end } = finding.range;
  item.command = {
    title: 'Open',
    command: 'vscode.open',
    arguments: [
      vscode.Uri.parse(finding.uri, true),
      { selection: new vscode.Range(start.line, start.character, end.line, end.character) },
    ],
  };
  return item;
}

const SEVERITY_ICONS: Record<string, string> = {
  error: 'error',
  warning: 'warning',
  information: 'info',
  hint: 'lightbulb',
};

function firstSentence(message: string): string {
  const end = message.search(/[.:;](\s|$)/);
  const sentence = end < 0 ? message : message.slice(0, end);
  return sentence.length > 120 ? `${sentence.slice(0, 117)}…` : sentence;
}

async function readMaintainers(): Promise<Maintainers | null> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root) return null;
  try {
    const maintainers = parseMaintainers(
      new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, 'MAINTAINERS'))),
    );
    return maintainers.size > 0 ? maintainers : null;
  } catch {
    return null;
  }
}
