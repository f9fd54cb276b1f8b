// What a check is: a pure function from one file's call-site facts (and its text, for the few rules
// that look at tokens rather than calls) to findings. Severity and suppression are applied outside,
// so every rule stays a small statement of one kernel fact.
import type { CallSite, Range } from '../analysis/callsite';
import type { LineIndex } from '../analysis/line-index';
import type { DriverContext } from '../sites';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A mechanical change offered as a quick fix. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RuleFinding {
  range: Range;
  message: string;
  fix?: Fix;
}

export interface CheckContext {
  sites: readonly CallSite[];
  text: string;
  /** What the file's sites are simulated with: the selected platforms, the driver's mask. */
  driver: DriverContext;
  /** The file's path or URI when known; a few rules treat architecture code differently. */
  path?: string;
  /** Line lookups of `text`, shared by the rules and the suppression test (built on first use). */
  readonly lines: LineIndex;
}

export interface Rule {
  /** Stable id: settings, suppression comments and docs/rules/<id>.md use it. */
  id: string;
  title: string;
  defaultSeverity: Severity;
  /** Whether the result depends on the selected platforms (re-run on a platform change). */
  platformDependent: boolean;
  check(context: CheckContext): RuleFinding[];
}

export interface Finding extends RuleFinding {
  ruleId: string;
  severity: Severity;
  /**
   * Stable across edits elsewhere in the file: the rule, the flagged line's text with its spacing folded,
   * and which of the equal such lines it is. A baseline of an earlier report matches findings by it.
   */
  fingerprint: string;
}
