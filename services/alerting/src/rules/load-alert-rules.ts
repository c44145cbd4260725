import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { AlertRule, AlertRuleKind, RuleBase, RuleScope } from "./alert-rule.ts";
import { AlertRuleError, type AlertRuleIssue } from "./alert-rule-error.ts";
import { type AlertRulesDocument, alertRulesDocumentSchema } from "./alert-rules-schema.ts";
import { parseDuration } from "./parse-duration.ts";
import { templateNames } from "./render-template.ts";

/** Labels the engine sets itself; a rule may not set them. */
export const reservedLabels: readonly string[] = [
  "alertname",
  "tenant",
  "asset",
  "severity",
  "sensor",
  "detector",
  "variable",
];

const commonTemplateNames = ["tenant", "asset", "twinClass", "alertname", "severity", "rule", "value"];

/** The `{{ name }}` placeholders each rule kind can fill in annotations. */
export const templateNamesByKind: Readonly<Record<AlertRuleKind, readonly string[]>> = {
  drift: [...commonTemplateNames, "sensor", "detector", "detectorKind", "statistic", "threshold"],
  threshold: [...commonTemplateNames, "variable", "limit", "std"],
  prognostic: [...commonTemplateNames, "variable", "limit", "std", "probability", "horizon"],
  quarantine: [...commonTemplateNames, "reason"],
};

/**
 * Parses and validates an alert rules document (YAML or JSON text); throws {@link AlertRuleError} listing every
 * problem with the file and field it is in.
 */
export function parseAlertRules(text: string, source: string): AlertRule[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new AlertRuleError(source, [{ field: "", message: `not valid YAML: ${(error as Error).message}` }]);
  }
  const parsed = alertRulesDocumentSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new AlertRuleError(
      source,
      parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join("."), message: issue.message })),
    );
  }
  const issues: AlertRuleIssue[] = [];
  const rules = parsed.data.rules.map((rule, index) => toRule(rule, `rules.${index}`, issues));
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    const first = seen.get(rule.id);
    if (first !== undefined) issues.push({ field: `rules.${index}.id`, message: `duplicate of rules.${first}.id` });
    else seen.set(rule.id, index);
  });
  if (issues.length > 0) throw new AlertRuleError(source, issues);
  return rules;
}

/** Reads and validates a rules file (see {@link parseAlertRules}). */
export function loadAlertRulesFile(path: string): AlertRule[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new AlertRuleError(path, [{ field: "", message: `cannot read: ${(error as Error).message}` }]);
  }
  return parseAlertRules(text, path);
}

/** Loads several rule files; rule ids must be unique across all of them. */
export function loadAlertRulesFiles(paths: readonly string[]): AlertRule[] {
  const all: AlertRule[] = [];
  const origin = new Map<string, string>();
  for (const path of paths) {
    const rules = loadAlertRulesFile(path);
    rules.forEach((rule, index) => {
      const other = origin.get(rule.id);
      if (other !== undefined) {
        throw new AlertRuleError(path, [
          { field: `rules.${index}.id`, message: `"${rule.id}" is also defined in ${other}` },
        ]);
      }
      origin.set(rule.id, path);
    });
    all.push(...rules);
  }
  return all;
}

type ParsedRule = AlertRulesDocument["rules"][number];

function toRule(rule: ParsedRule, at: string, issues: AlertRuleIssue[]): AlertRule {
  for (const name of Object.keys(rule.labels)) {
    if (reservedLabels.includes(name)) {
      issues.push({
        field: `${at}.labels.${name}`,
        message: `is set by the engine (reserved: ${reservedLabels.join(", ")})`,
      });
    }
  }
  const allowed = templateNamesByKind[rule.kind];
  for (const [key, template] of Object.entries(rule.annotations)) {
    for (const name of templateNames(template)) {
      if (!allowed.includes(name)) {
        issues.push({
          field: `${at}.annotations.${key}`,
          message: `unknown placeholder {{ ${name} }} (a ${rule.kind} rule knows ${allowed.join(", ")})`,
        });
      }
    }
  }
  const scope: RuleScope = {
    ...(rule.match.tenant === undefined ? {} : { tenants: rule.match.tenant }),
    ...(rule.match.twinClass === undefined ? {} : { twinClasses: rule.match.twinClass }),
    ...(rule.match.asset === undefined ? {} : { assets: rule.match.asset }),
  };
  const base: RuleBase = {
    id: rule.id,
    alertname: rule.alertname ?? rule.id,
    severity: rule.severity,
    forMs: rule.for === undefined ? 0 : parseDuration(rule.for)!,
    labels: rule.labels,
    annotations: rule.annotations,
    scope,
  };
  switch (rule.kind) {
    case "drift": {
      if (rule.for !== undefined) {
        issues.push({
          field: `${at}.for`,
          message: "not supported on drift rules (events are instants; use resolveAfter)",
        });
      }
      const m = rule.match;
      return {
        ...base,
        kind: "drift",
        resolveAfterMs: parseDuration(rule.resolveAfter)!,
        ...(m.detector === undefined ? {} : { detectors: m.detector }),
        ...(m.detectorKind === undefined ? {} : { detectorKinds: m.detectorKind }),
        ...(m.severity === undefined ? {} : { eventSeverities: m.severity }),
        ...(m.sensor === undefined ? {} : { sensors: m.sensor }),
      };
    }
    case "threshold":
    case "prognostic": {
      const limit = limitOf(rule, at, issues);
      if (rule.kind === "threshold")
        return { ...base, kind: "threshold", variable: rule.variable, ...limit, hysteresis: rule.hysteresis };
      const horizonMs = parseDuration(rule.horizon)!;
      if (horizonMs <= 0) issues.push({ field: `${at}.horizon`, message: "must be > 0" });
      return {
        ...base,
        kind: "prognostic",
        variable: rule.variable,
        ...limit,
        horizonMs,
        probability: rule.probability,
        diffusion: rule.diffusion,
        ...(rule.rateVariable === undefined ? {} : { rateVariable: rule.rateVariable }),
      };
    }
    case "quarantine":
      return { ...base, kind: "quarantine" };
  }
}

function limitOf(
  rule: { above?: number | undefined; below?: number | undefined },
  at: string,
  issues: AlertRuleIssue[],
): { direction: "above" | "below"; limit: number } {
  if (rule.above !== undefined && rule.below !== undefined) {
    issues.push({ field: `${at}.below`, message: "set either above or below, not both" });
  }
  if (rule.above === undefined && rule.below === undefined) {
    issues.push({ field: `${at}.above`, message: "required when below is not set" });
    return { direction: "above", limit: 0 };
  }
  return rule.above !== undefined
    ? { direction: "above", limit: rule.above }
    : { direction: "below", limit: rule.below! };
}
