/** The comparison operators of an Alertmanager matcher. */
export const matchOperators = ["=", "!=", "=~", "!~"] as const;
/** How a matcher compares a label value. */
export type MatchOperatorSymbol = (typeof matchOperators)[number];

/** One label matcher as in Alertmanager; a missing label has the value "". */
export interface LabelMatcherSpec {
  readonly name: string;
  readonly value: string;
  readonly operator: MatchOperatorSymbol;
}

/**
 * Compiles matchers into one predicate over a label set (all must match). Regular expressions are anchored
 * (`^(?:…)$`, a full match as in Alertmanager); they are JavaScript regexes, which accept RE2's common syntax.
 * Throws `SyntaxError` on an invalid regex (callers turn it into INVALID_ARGUMENT).
 */
export function compileMatchers(
  matchers: readonly LabelMatcherSpec[],
): (labels: Readonly<Record<string, string>>) => boolean {
  const tests = matchers.map((m) => {
    if (m.operator === "=") return (v: string) => v === m.value;
    if (m.operator === "!=") return (v: string) => v !== m.value;
    const re = new RegExp(`^(?:${m.value})$`, "u");
    return m.operator === "=~" ? (v: string) => re.test(v) : (v: string) => !re.test(v);
  });
  return (labels) => matchers.every((m, i) => tests[i]!(labels[m.name] ?? ""));
}
