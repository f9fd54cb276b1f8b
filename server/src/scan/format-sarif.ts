// SARIF 2.1.0 (OASIS): one run, the rule table from the rule registry, results with 1-based regions in
// UTF-16 code units (what LSP positions count), and the mechanical fixes as SARIF fixes. The log is
// streamed: each file's results are written when the file arrives.
import type { Range } from '../analysis/callsite';
import { RULES } from '../checks/rules';
import type { Severity } from '../checks/rule';
import { ruleDocUri } from '../docs/bundled-docs';
import { jsonStream } from './json-stream';
import type { ReportFile, ReportPlatform, ReportWriter } from './scan-report';

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

/** The SARIF results of one file's findings. */
function fileResults(file: ReportFile, options: SarifOptions): object[] {
  const location = () => ({
    uri: options.artifactUri(file.path),
    ...(options.baseUri ? { uriBaseId: 'SRCROOT' } : {}),
  });
  return file.diagnostics.map((finding) => ({
    ruleId: finding.ruleId,
    ruleIndex: RULE_INDEX.get(finding.ruleId) ?? -1,
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [{ physicalLocation: { artifactLocation: location(), region: region(finding.range) } }],
    // Code-scanning services match results across runs by these; the line number is not part of it.
    partialFingerprints: { 'dmalensFinding/v1': finding.fingerprint },
    ...(finding.fix
      ? {
          fixes: [
            {
              description: { text: finding.fix.title },
              artifactChanges: [
                {
                  artifactLocation: location(),
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
  }));
}

const RULE_INDEX = new Map(RULES.map((rule, index) => [rule.id, index]));

/** The log around the results: one run, the rule table from the rule registry, the platforms. */
function sarifLog(platforms: readonly ReportPlatform[], options: SarifOptions, results: unknown[]): object {
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
        properties: { platforms: platforms.map((platform) => platform.id) },
      },
    ],
  };
}

/** SARIF written as the scan goes: the results of each file go out as it arrives. */
export function sarifWriter(platforms: readonly ReportPlatform[], options: SarifOptions): ReportWriter {
  const stream = jsonStream<object>((results) => sarifLog(platforms, options, results));
  return {
    file: (file) =>
      fileResults(file, options)
        .map((result) => stream.element(result))
        .join(''),
    end: () => stream.end(),
  };
}

/** The whole log at once, for reports that are small (one workspace's open files). */
export function sarifText(
  platforms: readonly ReportPlatform[],
  files: readonly ReportFile[],
  options: SarifOptions,
): string {
  const writer = sarifWriter(platforms, options);
  return files.map((file) => writer.file(file)).join('') + writer.end();
}
