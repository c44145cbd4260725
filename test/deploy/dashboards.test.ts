/**
 * The Grafana dashboards (deploy/grafana/dashboards) are well-formed and query only what exists: every panel
 * has a Prometheus datasource and at least one non-empty expression, every metric and label an expression
 * uses is declared in the services' source (test/deploy/metric-catalog.ts), bands point at series of their
 * own panel, the JSON is what scripts/promtool/dashboards.ts generates, and provisioning matches.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "@jest/globals";
import { parse } from "yaml";
import { dashboards } from "../../scripts/promtool/dashboards.ts";
import { renderDashboard } from "../../scripts/promtool/grafana-model.ts";
import { type PanelJson, panelQueries, panelsOf, resolveVariables } from "../../scripts/promtool/panel-queries.ts";
import { labelsIn, type MetricInfo, metricCatalog, metricsIn, UNIVERSAL_LABELS } from "./metric-catalog.ts";

const root = join(import.meta.dirname, "..", "..");
const dir = join(root, "deploy", "grafana", "dashboards");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort();

interface DashboardJson {
  uid: string;
  title: string;
  panels: PanelJson[];
  templating: { list: Array<{ name: string; type: string; current?: { value?: unknown } }> };
}
const load = (file: string) => JSON.parse(readFileSync(join(dir, file), "utf8")) as DashboardJson;

let catalog: Map<string, MetricInfo>;
beforeAll(async () => {
  catalog = await metricCatalog(join(root, "services"));
});

describe("metric catalog", () => {
  test("reads the services' metrics, including prefixed helpers and the Kafka seam", () => {
    for (const name of [
      "twinstate_ingest_readings_rejected_total",
      "twinstate_assimilation_nis_bucket",
      "twinstate_drift_events_total",
      "twinstate_alerting_alerts_firing",
      "twinstate_kafka_consumer_lag_messages",
      "twinstate_process_cpu_seconds_total",
    ]) {
      expect(catalog.has(name)).toBe(true);
    }
    expect(catalog.get("twinstate_ingest_readings_rejected_total")?.labels.has("reason")).toBe(true);
    expect(catalog.has("twinstate_drift_events_total_bucket")).toBe(false);
  });

  test("metricsIn and labelsIn see selectors, not functions, strings or grouping labels", () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, twin_class) (rate(twinstate_assimilation_nis_bucket{twin_class=~"a.b"}[5m]))) or vector(1)';
    expect(metricsIn(expr)).toEqual(["twinstate_assimilation_nis_bucket"]);
    expect(labelsIn(expr).sort()).toEqual(["le", "twin_class"]);
  });
});

describe("dashboards", () => {
  test("there are the four dashboards of the design", () => {
    expect(files).toEqual([
      "twinstate-data-quality.json",
      "twinstate-drift-alerts.json",
      "twinstate-pipeline.json",
      "twinstate-twin-health.json",
    ]);
  });

  test("the committed JSON is what scripts/promtool/dashboards.ts generates", () => {
    for (const d of dashboards) {
      const committed = readFileSync(join(dir, `${d.uid}.json`), "utf8");
      expect(committed).toBe(`${JSON.stringify(renderDashboard(d), null, 2)}\n`);
    }
  });

  test.each(files)("%s: uid, title, unique panel ids, datasource variable", (file) => {
    const d = load(file);
    expect(`${d.uid}.json`).toBe(file);
    expect(d.title.length).toBeGreaterThan(0);
    const ids = panelsOf(d).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const ds = d.templating.list.find((v) => v.name === "datasource");
    expect(ds?.type).toBe("datasource");
  });

  test.each(files)("%s: every panel has a datasource and a target with a non-empty expr", (file) => {
    const panels = panelsOf(load(file));
    expect(panels.length).toBeGreaterThan(3);
    for (const p of panels) {
      expect({ panel: p.title, type: p.datasource?.type }).toEqual({ panel: p.title, type: "prometheus" });
      expect(p.datasource?.uid).toBeTruthy();
      const exprs = (p.targets ?? []).map((t) => t.expr?.trim() ?? "");
      expect({ panel: p.title, exprs: exprs.length > 0 && exprs.every((e) => e.length > 0) }).toEqual({
        panel: p.title,
        exprs: true,
      });
    }
  });

  test.each(files)("%s: every metric and label in an expr exists in the services' source", (file) => {
    const problems: string[] = [];
    for (const q of panelQueries(join(dir, file))) {
      const metrics = metricsIn(q.resolved);
      const constant = /^-?\s*vector\([\d.]+\)$/.test(q.resolved.trim());
      if (metrics.length === 0 && !constant) problems.push(`${q.panelTitle}/${q.refId}: selects no metric`);
      const known = new Set(UNIVERSAL_LABELS);
      for (const m of metrics) {
        const info = catalog.get(m);
        if (info === undefined) problems.push(`${q.panelTitle}/${q.refId}: unknown metric ${m}`);
        else for (const l of info.labels) known.add(l);
      }
      for (const l of labelsIn(q.resolved)) {
        if (!known.has(l))
          problems.push(`${q.panelTitle}/${q.refId}: label ${l} is not a label of ${metrics.join(", ")}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test("every fillBelowTo band points at a series of the same panel", () => {
    let bands = 0;
    for (const file of files) {
      for (const p of panelsOf(load(file)) as Array<
        PanelJson & {
          fieldConfig?: { overrides?: Array<{ properties: Array<{ id: string; value: unknown }> }> };
          targets?: Array<{ legendFormat?: string }>;
        }
      >) {
        const legends = new Set((p.targets ?? []).map((t) => t.legendFormat));
        for (const o of p.fieldConfig?.overrides ?? []) {
          for (const prop of o.properties) {
            if (prop.id !== "custom.fillBelowTo") continue;
            bands++;
            expect(legends.has(String(prop.value))).toBe(true);
          }
        }
      }
    }
    // NIS chi-square band and the ±σ uncertainty band.
    expect(bands).toBeGreaterThanOrEqual(2);
  });

  test("twin health shows NIS against the chi-square band and uncertainty as bands", () => {
    const exprs = panelQueries(join(dir, "twinstate-twin-health.json")).map((q) => q.expr);
    expect(exprs.some((e) => e.includes("twinstate_assimilation_nis_bucket"))).toBe(true);
    expect(exprs).toContain("vector(5.024)");
    expect(exprs.some((e) => e.includes("twinstate_assimilation_uncertainty_std_mean"))).toBe(true);
  });
});

describe("variable resolution for the live check", () => {
  test("label variables match everything; interval variables get fixed durations", () => {
    expect(resolveVariables('rate(x{twin_class=~"$twin_class"}[$__rate_interval])')).toBe(
      'rate(x{twin_class=~".+"}[1m])',
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax, not a JS template.
    expect(resolveVariables("increase(x[${__range}])")).toBe("increase(x[1h])");
    expect(resolveVariables('x{v=~"[[variable]]"}')).toBe('x{v=~".+"}');
  });
});

describe("provisioning", () => {
  test("the datasource uid is the dashboards' default and the dashboard provider loads files", () => {
    const ds = parse(readFileSync(join(root, "deploy/grafana/provisioning/datasources/twinstate.yaml"), "utf8"));
    expect(ds.datasources[0].uid).toBe("twinstate-prometheus");
    expect(ds.datasources[0].type).toBe("prometheus");
    for (const file of files) {
      const current = load(file).templating.list.find((v) => v.name === "datasource")?.current?.value;
      expect(current).toBe("twinstate-prometheus");
    }
    const provider = parse(readFileSync(join(root, "deploy/grafana/provisioning/dashboards/twinstate.yaml"), "utf8"));
    expect(provider.providers[0].type).toBe("file");
  });
});
