/** One problem in an alert rules document: the dotted path of the field and what is wrong with it. */
export interface AlertRuleIssue {
  readonly field: string;
  readonly message: string;
}

/**
 * An alert rules document is invalid.
 *
 * Why one error with every issue: an author fixing a rules file wants all problems at once, each naming the
 * file and the field (`deploy/alerting/rules.yaml: rules.2.above: required when below is not set`).
 */
export class AlertRuleError extends Error {
  readonly code = "INVALID_ALERT_RULES";
  /** Where the document came from (a file path). */
  readonly source: string;
  readonly issues: readonly AlertRuleIssue[];

  constructor(source: string, issues: readonly AlertRuleIssue[]) {
    super(issues.map((i) => `${source}: ${i.field === "" ? "(document)" : i.field}: ${i.message}`).join("\n"));
    this.name = "AlertRuleError";
    this.source = source;
    this.issues = issues;
  }
}
