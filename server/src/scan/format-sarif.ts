// SARIF 2.1.0 (OASIS): one run, the rule table from the rule registry, results with 1-based regions in
// UTF-16 code units (what LSP positions count), and the mechanical fixes as SARIF fixes.
import type { Range } from '../analysis/callsite';
import { RULES } from '../checks/rules';
import type { Severity } from '../checks/rule';
import { ruleDocUri } from '../docs/bundled-docs';
import type { ReportFile, ReportPlatform, ReportWriter, ScanReport } from './scan-report';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const TOOL_VERSION = '0.1.0';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

function region(range: Range) {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

export interface SarifOptions {
  /** Turns a report path into the artifact URI: relative paths stay relative to `baseUri`. */
  artifactUri(path: string): string;
  /** Absolute file: URI (ending in /) that relative artifact URIs resolve against, or null when URIs are absolute. */
  baseUri: string | null;
}

export function buildSarif(report: ScanReport, options: SarifOptions): object {
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.id, index]));
  const location = (path: string) => ({
    uri: options.artifactUri(path),
    ...(options.baseUri ? { uriBaseId: 'SRCROOT' } : {}),
  });
  const results = report.files.flatMap((file) =>
    file.diagnostics.map((finding) => ({
      ruleId: finding.ruleId,
      ruleIndex: ruleIndex.get(finding.ruleId) ?? -1,
      level: LEVEL[finding.severity],
      message: { text: finding.message },
      locations: [{ physicalLocation: { artifactLocation: location(file.path), region: region(finding.range) } }],
      ...(finding.fix
        ? {
            fixes: [
              {
                description: { text: finding.fix.title },
                artifactChanges: [
                  {
                    artifactLocation: location(file.path),
                    replacements: finding.fix.edits.map((edit) => ({
                      deletedRegion: region(edit.range),
                      insertedContent: { text: edit.newText },
                    })),
                  },
                ],
              },
            ],
          }
        : {}),
    })),
  );
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dmalens',
            version: TOOL_VERSION,
            rules: RULES.map((rule) => {
              const help = ruleDocUri(rule.id);
              return {
                id: rule.id,
                name: rule.id.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase()),
                shortDescription: { text: rule.title },
                ...(help ? { helpUri: help } : {}),
                defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
              };
            }),
          },
        },
        ...(options.baseUri ? { originalUriBaseIds: { SRCROOT: { uri: options.baseUri } } } : {}),
        columnKind: 'utf16CodeUnits',
        results,
        properties: { platforms: report.platforms.map((platform) => platform.id) },
      },
    ],
  };
}

/** SARIF is one JSON object holding the results of every file, so the files are kept until the end. */
export function sarifWriter(platforms: ReportPlatform[], options: SarifOptions): ReportWriter {
  const files: ReportFile[] = [];
  return {
    file(file) {
      files.push(file);
      return '';
    },
    end() {
      return `${JSON.stringify(buildSarif({ platforms, files }, options), null, 2)}\n`;
    },
  };
}
