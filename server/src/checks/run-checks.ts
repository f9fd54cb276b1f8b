// Runs the rules over one file's facts, then applies the user's severities and the file's
// suppression comments. A rule that throws loses only its own findings: one bug in one rule must not
// hide the others or take the server down.
import type { SeveritySetting } from '../config/settings';
import type { CheckContext, Finding, Severity } from './rule';
import { RULES } from './rules';
import { suppressionTest } from './suppression';
import { LineIndex } from '../analysis/line-index';

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
      findings.push({ ...finding, ruleId: rule.id, severity });
    }
  }
  return findings.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
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
