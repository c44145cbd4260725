/**
 * The Prometheus alert rules (deploy/prometheus/rules/twinstate.rules.yml) query only metrics and labels the
 * services export, each alert has a runbook section in docs/OPERATIONS.md and a promtool unit test, and the
 * Helm chart's PrometheusRule carries the same file (promtool itself runs in scripts/promtool/check.sh).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "@jest/globals";
import { parse } from "yaml";
import { labelsIn, metricCatalog, metricsIn, UNIVERSAL_LABELS } from "./metric-catalog.ts";

const root = join(import.meta.dirname, "..", "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");
const rulesText = read("deploy/prometheus/rules/twinstate.rules.yml");

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; description: string; runbook_url: string };
}
const rules = (parse(rulesText) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, "")
    .replace(/ /g, "-");

describe("alert rules", () => {
  test("cover lag, quarantine, drift rate, dead letters, service down and aborts", () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        "TwinstateConsumerLagHigh",
        "TwinstateTwinsQuarantined",
        "TwinstateDriftEventStorm",
        "TwinstateDeadLetterRateHigh",
        "TwinstateServiceDown",
        "TwinstateTransactionAborts",
      ]),
    );
  });

  test("use only metrics and labels the services export", async () => {
    const catalog = await metricCatalog(join(root, "services"));
    const problems: string[] = [];
    for (const r of rules) {
      const known = new Set(UNIVERSAL_LABELS);
      for (const m of metricsIn(r.expr)) {
        const info = catalog.get(m);
        if (info === undefined) problems.push(`${r.alert}: unknown metric ${m}`);
        else for (const l of info.labels) known.add(l);
      }
      for (const l of labelsIn(r.expr)) if (!known.has(l)) problems.push(`${r.alert}: unknown label ${l}`);
    }
    expect(problems).toEqual([]);
  });

  test("every alert has a severity, a summary and a runbook section in docs/OPERATIONS.md", () => {
    const anchors = new Set(
      read("docs/OPERATIONS.md")
        .split("\n")
        .filter((l) => l.startsWith("#"))
        .map((l) => anchor(l.replace(/^#+/, ""))),
    );
    for (const r of rules) {
      expect(["warning", "critical"]).toContain(r.labels.severity);
      expect(r.annotations.summary.length).toBeGreaterThan(10);
      const [file, section] = r.annotations.runbook_url.split("#");
      expect(file).toBe("docs/OPERATIONS.md");
      expect({ alert: r.alert, section: anchors.has(section ?? "") }).toEqual({ alert: r.alert, section: true });
    }
  });

  test("every alert has a promtool unit test that expects it to fire", () => {
    const tests = parse(read("deploy/prometheus/rules/tests/twinstate.rules.test.yml")) as {
      tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
    };
    const firing = new Set(
      tests.tests.flatMap((t) => t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)),
    );
    for (const r of rules)
      expect({ alert: r.alert, tested: firing.has(r.alert) }).toEqual({ alert: r.alert, tested: true });
  });

  test("the Helm chart's PrometheusRule embeds the same file, byte for byte", () => {
    expect(read("helm/twinstate/files/twinstate.rules.yml")).toBe(rulesText);
    expect(read("helm/twinstate/templates/prometheusrule.yaml")).toContain('.Files.Get "files/twinstate.rules.yml"');
  });
});
