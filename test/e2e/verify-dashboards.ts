/**
 * `make verify-dashboards`: the live dashboard check. Every panel query of every Grafana dashboard in
 * deploy/grafana/dashboards must parse and return data from a real Prometheus scraping a running cluster.
 *
 * Default: starts its own isolated cluster (test/e2e/dashboard-verification.ts) on the broker named by
 * KAFKA_BROKERS, or on a local test broker it starts (test/broker.ts), runs the demo up to --max-wait
 * seconds and reports. With --prometheus URL it only evaluates the queries against a Prometheus that already
 * scrapes a cluster (e.g. `make up`'s http://127.0.0.1:9090).
 *
 * Usage: node test/e2e/verify-dashboards.ts [--prometheus URL] [--max-wait SECONDS]
 * Exit:  0 when every query returns data, 1 otherwise (each failing panel is printed with the reason).
 */
import { parseArgs } from "node:util";
import { startIntegrationBroker } from "../broker.ts";
import { verifyDashboardsLive } from "./dashboard-verification.ts";
import { repoRoot } from "./e2e-cluster.ts";
import { checkPanelQueries, formatResults, listPanelQueries, type PanelQueryResult } from "./panel-query-check.ts";

const { values } = parseArgs({
  options: { prometheus: { type: "string" }, "max-wait": { type: "string", default: "75" } },
});
const log = (line: string) => console.error(`verify-dashboards: ${line}`);

let results: readonly PanelQueryResult[];
if (values.prometheus !== undefined) {
  const queries = await listPanelQueries(repoRoot);
  results = await checkPanelQueries(values.prometheus.replace(/\/+$/, ""), queries);
} else {
  const broker = await startIntegrationBroker();
  log(`broker: ${broker.description}`);
  try {
    const report = await verifyDashboardsLive({
      brokers: broker.brokers,
      maxWaitMs: Number(values["max-wait"]) * 1000,
      log,
    });
    results = report.results;
  } finally {
    await broker.stop();
  }
}
console.log(formatResults(results));
const failing = results.filter((r) => !r.ok);
console.log(`\n${results.length - failing.length}/${results.length} panel queries return data`);
process.exitCode = failing.length === 0 ? 0 : 1;
