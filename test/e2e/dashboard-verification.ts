import { E2eCluster, repoRoot } from "./e2e-cluster.ts";
import { checkPanelQueries, listPanelQueries, type PanelQueryResult } from "./panel-query-check.ts";

/** Options of {@link verifyDashboardsLive}. */
export interface VerifyDashboardsOptions {
  readonly brokers: readonly string[];
  /** How long the demo may run before the failing queries are reported (default 75 s). */
  readonly maxWaitMs?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** What {@link verifyDashboardsLive} found. */
export interface VerifyDashboardsReport {
  readonly results: readonly PanelQueryResult[];
  /** Seconds from the demo's start to the last evaluation. */
  readonly demoSeconds: number;
  readonly prometheusUrl: string;
}

/** The demo's settings for the check: a small, fast, nuisance-rich fleet whose first faults come early. */
export const verificationDemoEnv: Readonly<Record<string, string>> = {
  DEMO_ASSETS_PER_CLASS: "2",
  DEMO_TICK_MS: "250",
  DEMO_BAD_INPUT_RATIO: "0.05",
  DEMO_LATE_RATIO: "0.05",
  DEMO_GAP_RATIO: "0.002",
  DEMO_FIRST_FAULT_WITHIN_S: "10",
  DEMO_FAULT_INTERVAL_S: "20",
};

/**
 * The live "every dashboard panel returns data" check: starts an isolated cluster (the four services, a real
 * Alertmanager, a real Prometheus scraping every process every 2 s, the demo generator) on `brokers`, then
 * evaluates every panel query of every dashboard through Prometheus's HTTP API every 5 s until all of them
 * return data or `maxWaitMs` passed, and returns the last results. Stops everything it started.
 */
export async function verifyDashboardsLive(options: VerifyDashboardsOptions): Promise<VerifyDashboardsReport> {
  const log = options.log ?? (() => {});
  const maxWaitMs = options.maxWaitMs ?? 75_000;
  const queries = await listPanelQueries(repoRoot);
  log(`${queries.length} panel queries in deploy/grafana/dashboards`);
  const started = Date.now();
  const cluster = await E2eCluster.start({
    brokers: options.brokers,
    name: "dash",
    alertmanager: true,
    prometheus: true,
    demo: verificationDemoEnv,
  });
  log(
    `cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s (Prometheus ${cluster.prometheusUrl}, logs ${cluster.runDir})`,
  );
  const demoStart = Date.now();
  try {
    let results: PanelQueryResult[] = [];
    for (;;) {
      await new Promise((r) => setTimeout(r, 5000));
      results = await checkPanelQueries(cluster.prometheusUrl, queries);
      const failing = results.filter((r) => !r.ok).length;
      const elapsed = Date.now() - demoStart;
      log(
        `after ${(elapsed / 1000).toFixed(0)} s of demo: ${results.length - failing}/${results.length} queries return data`,
      );
      if (failing === 0 || elapsed > maxWaitMs) break;
    }
    return { results, demoSeconds: (Date.now() - demoStart) / 1000, prometheusUrl: cluster.prometheusUrl };
  } finally {
    await cluster.stop();
  }
}
