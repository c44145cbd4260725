import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One panel query as scripts/promtool/list-panel-queries.ts prints it (one JSON object per line). */
export interface PanelQuery {
  readonly dashboard: string;
  readonly panelId: number;
  readonly panelTitle: string;
  readonly refId: string;
  readonly expr: string;
  /** The expression with Grafana's variables resolved: what is sent to Prometheus. */
  readonly resolved: string;
}

/** What Prometheus answered for one panel query. */
export interface PanelQueryResult {
  readonly query: PanelQuery;
  /** Parsed and returned at least one series (or a scalar/string). */
  readonly ok: boolean;
  /** Series returned (vector/matrix), 1 for a scalar. */
  readonly series: number;
  /** Why it failed: Prometheus's error (parse or evaluation) or "empty result" with the metrics it names. */
  readonly problem?: string;
}

/** Every panel query of every dashboard, from the promtool helper's lister (the one extraction of them). */
export async function listPanelQueries(repoRoot: string): Promise<PanelQuery[]> {
  const { stdout } = await run(process.execPath, [join(repoRoot, "scripts/promtool/list-panel-queries.ts")], {
    cwd: repoRoot,
    maxBuffer: 16 << 20,
  });
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as PanelQuery);
}

/** Metric names an expression refers to: every `twinstate_*` identifier, and `up` when selected. */
export function metricNamesOf(expr: string): string[] {
  const names = new Set<string>(expr.match(/\btwinstate_[a-zA-Z0-9_:]+/g) ?? []);
  if (/\bup\s*[{[]/.test(expr)) names.add("up");
  return [...names];
}

interface PromResponse {
  readonly status: "success" | "error";
  readonly errorType?: string;
  readonly error?: string;
  readonly data?: { readonly resultType: string; readonly result: unknown };
}

/** Runs one instant query through Prometheus's HTTP API (`POST /api/v1/query`). */
export async function instantQuery(prometheusUrl: string, expr: string): Promise<PromResponse> {
  const response = await fetch(`${prometheusUrl}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: expr }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  return (await response.json()) as PromResponse;
}

/** Whether a series of this name exists in Prometheus now (any labels). */
async function seriesExists(prometheusUrl: string, metric: string): Promise<boolean> {
  const r = await instantQuery(prometheusUrl, `count({__name__="${metric}"})`);
  return r.status === "success" && Array.isArray(r.data?.result) && (r.data.result as unknown[]).length > 0;
}

/**
 * Evaluates one panel query: it must parse and return data. When the result is empty, the problem names the
 * metrics of the expression that have no series at all (the usual cause: a metric that is not exported, or
 * a labelled counter that was never incremented).
 */
export async function checkPanelQuery(prometheusUrl: string, query: PanelQuery): Promise<PanelQueryResult> {
  let r: PromResponse;
  try {
    r = await instantQuery(prometheusUrl, query.resolved);
  } catch (error) {
    return { query, ok: false, series: 0, problem: `request failed: ${(error as Error).message}` };
  }
  if (r.status !== "success" || r.data === undefined) {
    return { query, ok: false, series: 0, problem: `${r.errorType ?? "error"}: ${r.error ?? "no data"}` };
  }
  const { resultType, result } = r.data;
  const series = resultType === "vector" || resultType === "matrix" ? (result as unknown[]).length : 1;
  if (series > 0) return { query, ok: true, series };
  const missing: string[] = [];
  for (const metric of metricNamesOf(query.resolved)) {
    if (!(await seriesExists(prometheusUrl, metric))) missing.push(metric);
  }
  return {
    query,
    ok: false,
    series: 0,
    problem:
      missing.length > 0
        ? `empty result; no series at all for ${missing.join(", ")}`
        : "empty result (every metric has series, but not the selected labels/rates)",
  };
}

/** Evaluates every query, a few at a time. */
export async function checkPanelQueries(
  prometheusUrl: string,
  queries: readonly PanelQuery[],
): Promise<PanelQueryResult[]> {
  const results: PanelQueryResult[] = [];
  for (let i = 0; i < queries.length; i += 8) {
    results.push(...(await Promise.all(queries.slice(i, i + 8).map((q) => checkPanelQuery(prometheusUrl, q)))));
  }
  return results;
}

/** One line per query: PASS/FAIL, dashboard, panel, refId, series or problem. */
export function formatResults(results: readonly PanelQueryResult[]): string {
  return results
    .map((r) => {
      const where = `${r.query.dashboard} / ${r.query.panelTitle} [${r.query.refId}]`;
      return r.ok ? `PASS ${where}: ${r.series} series` : `FAIL ${where}: ${r.problem}\n     ${r.query.resolved}`;
    })
    .join("\n");
}
