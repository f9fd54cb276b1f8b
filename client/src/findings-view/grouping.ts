// The workspace's findings as the Findings view shows them: grouped by directory (or by MAINTAINERS entry),
// then by file, filtered by rule and severity. No vscode: unit-tested.
import type { AnalyzeWorkspaceResult, FindingLocation } from '@dmalens/protocol';

export type Grouping = 'directory' | 'maintainer';

export interface FindingsFilter {
  /** Rule ids to show; empty shows every rule. */
  rules: readonly string[];
  /** Severities to show; empty shows every severity. */
  severities: readonly string[];
}

export interface Finding extends FindingLocation {
  rule: string;
}

export interface FileGroup {
  uri: string;
  /** The path relative to the workspace folder. */
  path: string;
  findings: Finding[];
}

export interface FindingGroup {
  label: string;
  files: FileGroup[];
  count: number;
}

/** Every finding of the result with its rule, in rule order then location order. */
export function findingsOf(result: AnalyzeWorkspaceResult): Finding[] {
  return result.rules.flatMap((rule) => rule.locations.map((location) => ({ ...location, rule: rule.id })));
}

export function groupFindings(
  findings: readonly Finding[],
  relativePath: (uri: string) => string,
  groupOf: (path: string) => string,
  filter: FindingsFilter,
): FindingGroup[] {
  const shown = findings.filter(
    (finding) =>
      (filter.rules.length === 0 || filter.rules.includes(finding.rule)) &&
      (filter.severities.length === 0 || filter.severities.includes(finding.severity)),
  );
  const groups = new Map<string, Map<string, FileGroup>>();
  for (const finding of shown) {
    const path = relativePath(finding.uri);
    const label = groupOf(path);
    const files = groups.get(label) ?? new Map<string, FileGroup>();
    groups.set(label, files);
    const file = files.get(finding.uri) ?? { uri: finding.uri, path, findings: [] };
    files.set(finding.uri, file);
    file.findings.push(finding);
  }
  return [...groups]
    .map(([label, files]) => {
      const sorted = [...files.values()].sort((a, b) => a.path.localeCompare(b.path));
      for (const file of sorted) file.findings.sort((a, b) => a.range.start.line - b.range.start.line);
      return { label, files: sorted, count: sorted.reduce((sum, file) => sum + file.findings.length, 0) };
    })
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/** The directory of a relative path, `.` for the top. */
export function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '.' : path.slice(0, slash);
}
