// Runs the rules over one file's facts, then applies the user's severities and the file's
// suppression comments. A rule that throws loses only its own findings: one bug in one rule must not
// hide the others or take the server down.
import type { SeveritySetting } from '../config/settings';
import type { CheckContext, Finding, Severity } from './rule';
import { RULES } from './rules';
import { suppressionTest } from './suppression';
import { createHash } from 'node:crypto';
import { LineIndex } from '../analysis/line-index';
import { pairingIndex } from './pairing';

export interface CheckOptions {
  /** Severity per rule id from settings; `off` disables the rule. */
  severities: Record<string, SeveritySetting>;
  /** Restrict to these rule ids (the CLI's --rules); undefined = all. */
  only?: readonly string[];
  /** Called when a rule throws, for the log. */
  onRuleError?: (ruleId: string, error: unknown) => void;
}

/** What the caller gives: the context, with the line index when it has one already. */
export type CheckInput = Omit<CheckContext, 'lines'> & { lines?: LineIndex };

export function runChecks(input: CheckInput, options: CheckOptions): Finding[] {
  const context = withLazyLines(input);
  const findings: Finding[] = [];
  let suppressed: ((line: number, ruleId: string) => boolean) | null = null;
  for (const rule of RULES) {
    if (options.only && !options.only.includes(rule.id)) continue;
    const configured = options.severities[rule.id];
    if (configured === 'off') continue;
    // On stand-in platforms (the build runs the file on none that is modelled) a platform-dependent
    // finding would speak of machines the driver never runs on.
    if (rule.platformDependent && context.driver.platforms.standIn) continue;
    const severity: Severity = configured ?? rule.defaultSeverity;
    let ruleFindings;
    try {
      ruleFindings = rule.check(context);
    } catch (error) {
      options.onRuleError?.(rule.id, error);
      continue;
    }
    for (const finding of ruleFindings) {
      suppressed ??= suppressionTest(context.lines);
      if (suppressed(finding.range.start.line, rule.id)) continue;
      findings.push({ ...finding, ruleId: rule.id, severity, fingerprint: '' });
    }
  }
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return withFingerprints(findings, context.lines);
}

/**
 * Gives each finding its fingerprint: a hash of its rule, the function it is in, its line's text (spacing
 * folded, so that re-indenting keeps it) and its rank among such findings, never the line number.
 */
function withFingerprints(findings: Finding[], lines: LineIndex): Finding[] {
  if (findings.length === 0) return findings;
  const index = pairingIndex(lines.text);
  // A line is read and hashed once, however many findings it holds (thousands, on a generated line).
  const lineDigests = new Map<number, string>();
  const lineDigest = (line: number) => {
    let digest = lineDigests.get(line);
    if (digest === undefined) {
      const text = lines.line(line).replace(/\s+/g, ' ').trim();
      lineDigests.set(line, (digest = createHash('sha256').update(text).digest('hex')));
    }
    return digest;
  };
  const seen = new Map<string, number>();
  for (const finding of findings) {
    const body = index.functionAt(lines.offsetAt(finding.range.start));
    const functionName = body ? (/(\w+)\s*\(/.exec(body.header)?.[1] ?? '') : '';
    const key = `${finding.ruleId}\u0000${functionName}\u0000${lineDigest(finding.range.start.line)}`;
    const rank = seen.get(key) ?? 0;
    seen.set(key, rank + 1);
    finding.fingerprint = createHash('sha256').update(`${key}\u0000${rank}`).digest('hex').slice(0, 24);
  }
  return findings;
}

/** Most files have no finding and need no line lookups, so the index is built on first use. */
function withLazyLines(input: CheckInput): CheckContext {
  let lines = input.lines ?? null;
  return {
    ...input,
    get lines(): LineIndex {
      return (lines ??= new LineIndex(input.text));
    },
  };
}
