import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "@jest/globals";
import { AlertRuleError } from "../src/rules/alert-rule-error.ts";
import { loadAlertRulesFile, loadAlertRulesFiles, parseAlertRules } from "../src/rules/load-alert-rules.ts";
import { parseDuration } from "../src/rules/parse-duration.ts";
import { renderTemplate } from "../src/rules/render-template.ts";

const exampleFile = join(import.meta.dirname, "../../../deploy/alerting/rules.yaml");

function issuesOf(text: string): string[] {
  try {
    parseAlertRules(text, "rules.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(AlertRuleError);
    return (error as AlertRuleError).message.split("\n");
  }
  throw new Error("expected an AlertRuleError");
}

describe("alert rules as data", () => {
  test("the example rules file in deploy/alerting loads with every kind", () => {
    const rules = loadAlertRulesFile(exampleFile);
    expect(rules.map((r) => r.kind).sort()).toEqual(
      ["drift", "drift", "prognostic", "prognostic", "quarantine", "threshold"].sort(),
    );
    const oven = rules.find((r) => r.id === "oven-hot");
    expect(oven).toMatchObject({ kind: "threshold", direction: "above", limit: 358.15, hysteresis: 2, forMs: 120_000 });
    const fence = rules.find((r) => r.id === "position-leaves-fence");
    expect(fence).toMatchObject({ kind: "prognostic", rateVariable: "vx", horizonMs: 300_000, probability: 0.5 });
  });

  test("errors name the file and the field", () => {
    const lines = issuesOf(`
rules:
  - id: a
    kind: threshold
    severity: loud
    variable: x
  - id: b
    kind: prognostic
    severity: info
    variable: x
    above: 1
    below: 0
    horizon: soon
    probability: 1.5
`);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rules\.yaml: rules\.0\.severity: /),
        expect.stringMatching(/^rules\.yaml: rules\.1\.horizon: must be a duration/),
        expect.stringMatching(/^rules\.yaml: rules\.1\.probability: must be in \(0, 1\)/),
      ]),
    );
  });

  test("cross-field checks: above xor below, reserved labels, unknown placeholders, for on drift, duplicate ids", () => {
    const lines = issuesOf(`
rules:
  - id: t
    kind: threshold
    severity: info
    variable: x
    labels: { tenant: other }
    annotations: { summary: "{{ asset }} {{ probability }}" }
  - id: d
    kind: drift
    severity: info
    for: 1m
  - id: t
    kind: quarantine
    severity: info
`);
    expect(lines).toEqual([
      "rules.yaml: rules.0.labels.tenant: is set by the engine (reserved: alertname, tenant, asset, severity, sensor, detector, variable)",
      expect.stringMatching(/^rules\.yaml: rules\.0\.annotations\.summary: unknown placeholder \{\{ probability \}\}/),
      "rules.yaml: rules.0.above: required when below is not set",
      "rules.yaml: rules.1.for: not supported on drift rules (events are instants; use resolveAfter)",
      "rules.yaml: rules.2.id: duplicate of rules.0.id",
    ]);
  });

  test("unknown fields and kinds are errors, not ignored", () => {
    expect(issuesOf("rules:\n  - { id: q, kind: quarantine, severity: info, treshold: 3 }\n")[0]).toMatch(
      /^rules\.yaml: rules\.0: Unrecognized key: "treshold"/,
    );
    expect(issuesOf("rules:\n  - { id: q, kind: magic, severity: info }\n")[0]).toMatch(
      /^rules\.yaml: rules\.0\.kind: /,
    );
    expect(issuesOf("rules: [\n")[0]).toMatch(/^rules\.yaml: \(document\): not valid YAML/);
  });

  test("rule ids must be unique across files", () => {
    const dir = mkdtempSync(join(tmpdir(), "alert-rules-"));
    const one = join(dir, "one.yaml");
    const two = join(dir, "two.yaml");
    writeFileSync(one, "rules:\n  - { id: q, kind: quarantine, severity: info }\n");
    writeFileSync(two, "rules:\n  - { id: q, kind: quarantine, severity: critical }\n");
    expect(() => loadAlertRulesFiles([one, two])).toThrow(`${two}: rules.0.id: "q" is also defined in ${one}`);
    expect(() => loadAlertRulesFile(join(dir, "missing.yaml"))).toThrow(/missing\.yaml: \(document\): cannot read/);
  });

  test("durations and templates", () => {
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("2d")).toBe(172_800_000);
    expect(parseDuration("5")).toBeUndefined();
    expect(parseDuration("1.5h")).toBeUndefined();
    expect(renderTemplate("{{asset}} at {{ value }} ({{ other }})", { asset: "p1", value: "3" })).toBe(
      "p1 at 3 ({{ other }})",
    );
  });
});
