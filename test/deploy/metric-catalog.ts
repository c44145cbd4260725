/**
 * The Prometheus metrics twinstate's services really export, read from their source: every
 * `new Counter|Gauge|Histogram|Summary({ name: ..., labelNames: [...] })` under services/, with the name
 * written as a `"twinstate_..."` literal, `metricName("...")` or a file-local prefix helper
 * (`const name = (n) => metricName(\`assimilation_${n}\`)`), plus prom-client's default process metrics
 * under the `twinstate_` prefix (as createMetricsRegistry registers them) and Prometheus's own `up`.
 *
 * Why from source: dashboards and alert rules must use only series that exist; reading the code (not a
 * hand-kept list) makes a renamed metric fail the deploy tests.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { collectDefaultMetrics, Registry } from "prom-client";

/** One metric family. */
export interface MetricInfo {
  readonly name: string;
  readonly type: "counter" | "gauge" | "histogram" | "summary";
  /** Declared labels plus those every series carries (service, job, instance; le for buckets). */
  readonly labels: ReadonlySet<string>;
  /** Where it is declared. */
  readonly source: string;
}

/** Labels every scraped twinstate series has: the registry's default label and the scrape's target labels. */
export const UNIVERSAL_LABELS: ReadonlySet<string> = new Set(["service", "job", "instance", "__name__"]);

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "gen" || entry === "test") continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (entry.endsWith(".ts") && !entry.endsWith(".test.ts") && !entry.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

const CONSTRUCTOR = /new (Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\s*\(\s*\{/g;

function nameOf(expression: string, prefixHelper: string | undefined): string | undefined {
  const literal = /^"(twinstate_[a-z0-9_]+)"$/.exec(expression);
  if (literal) return literal[1];
  const viaMetricName = /^metricName\("([a-z0-9_]+)"\)$/.exec(expression);
  if (viaMetricName) return `twinstate_${viaMetricName[1]?.replace(/^twinstate_/, "")}`;
  const viaHelper = /^name\("([a-z0-9_]+)"\)$/.exec(expression);
  if (viaHelper && prefixHelper !== undefined) return `twinstate_${prefixHelper}${viaHelper[1]}`;
  return undefined;
}

/** Metrics declared in the TypeScript sources under `servicesDir` (the repository's services/). */
export function declaredMetrics(servicesDir: string): Map<string, MetricInfo> {
  const metrics = new Map<string, MetricInfo>();
  for (const file of sourceFiles(servicesDir)) {
    const text = readFileSync(file, "utf8");
    if (!CONSTRUCTOR.test(text)) continue;
    CONSTRUCTOR.lastIndex = 0;
    const helper = /const name = \(n: string\) => metricName\(`([a-z0-9_]*)\$\{n\}`\)/.exec(text)?.[1];
    for (const match of text.matchAll(CONSTRUCTOR)) {
      const kind = (match[1] ?? "").toLowerCase() as MetricInfo["type"];
      const body = text.slice(match.index + match[0].length, text.indexOf("})", match.index));
      const nameExpr = /name:\s*([^,\n]+?),?\s*\n|name:\s*([^,]+),/.exec(body);
      const expression = (nameExpr?.[1] ?? nameExpr?.[2] ?? "").trim().replace(/,$/, "");
      const name = nameOf(expression, helper);
      if (name === undefined) throw new Error(`${file}: cannot read the metric name from ${expression}`);
      const labelList = /labelNames:\s*\[([^\]]*)\]/.exec(body)?.[1] ?? "";
      const labels = new Set([...labelList.matchAll(/"([a-z_]+)"/g)].map((m) => m[1] ?? ""));
      metrics.set(name, { name, type: kind, labels, source: file });
    }
  }
  return metrics;
}

/** prom-client's default metrics as createMetricsRegistry registers them (prefix twinstate_). */
export async function defaultMetrics(): Promise<Map<string, MetricInfo>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "twinstate_" });
  const metrics = new Map<string, MetricInfo>();
  for (const m of await registry.getMetricsAsJSON()) {
    const labels = new Set<string>();
    for (const v of m.values ?? []) for (const l of Object.keys(v.labels ?? {})) labels.add(l);
    metrics.set(m.name, {
      name: m.name,
      type: String(m.type) as MetricInfo["type"],
      labels,
      source: "prom-client default metrics",
    });
  }
  return metrics;
}

/** Every series name a query may use, mapped to its family: histogram families add _bucket, _sum and _count. */
export async function metricCatalog(servicesDir: string): Promise<Map<string, MetricInfo>> {
  const families = new Map([...(await defaultMetrics()), ...declaredMetrics(servicesDir)]);
  families.set("up", { name: "up", type: "gauge", labels: new Set(), source: "Prometheus scrape" });
  const series = new Map<string, MetricInfo>();
  for (const f of families.values()) {
    if (f.type === "histogram") {
      series.set(`${f.name}_bucket`, { ...f, labels: new Set([...f.labels, "le"]) });
      series.set(`${f.name}_sum`, f);
      series.set(`${f.name}_count`, f);
    } else if (f.type === "summary") {
      series.set(f.name, { ...f, labels: new Set([...f.labels, "quantile"]) });
      series.set(`${f.name}_sum`, f);
      series.set(`${f.name}_count`, f);
    } else {
      series.set(f.name, f);
    }
  }
  return series;
}

const PROMQL_WORDS = new Set([
  "sum",
  "avg",
  "min",
  "max",
  "count",
  "topk",
  "bottomk",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "rate",
  "irate",
  "increase",
  "delta",
  "deriv",
  "histogram_quantile",
  "vector",
  "scalar",
  "label_replace",
  "or",
  "and",
  "unless",
  "offset",
  "bool",
  "abs",
  "clamp_min",
  "clamp_max",
  "time",
  "absent",
  "stddev",
  "quantile",
  "avg_over_time",
  "max_over_time",
  "min_over_time",
  "e",
  "inf",
  "nan",
]);

/** Metric names an expression selects (identifiers outside strings, braces and grouping clauses). */
export function metricsIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "{}")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\[[^\]]*\]/g, "[]");
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:])(?!\s*\()/g)) {
    const word = m[1] ?? "";
    if (!PROMQL_WORDS.has(word.toLowerCase())) names.add(word);
  }
  return [...names];
}

/** Label names an expression uses in matchers and grouping clauses. */
export function labelsIn(expr: string): string[] {
  const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const labels = new Set<string>();
  for (const block of noStrings.matchAll(/\{([^}]*)\}/g)) {
    for (const m of (block[1] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) labels.add(m[1] ?? "");
  }
  for (const clause of noStrings.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)) {
    for (const l of (clause[1] ?? "").split(",")) if (l.trim() !== "") labels.add(l.trim());
  }
  return [...labels];
}
