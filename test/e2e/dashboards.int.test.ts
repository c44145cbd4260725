import { describe, expect, test } from "@jest/globals";
import { integrationBrokers } from "../broker.ts";
import { verifyDashboardsLive } from "./dashboard-verification.ts";
import { formatResults } from "./panel-query-check.ts";

// The live dashboard check (also `make verify-dashboards`): the four real services, a real Alertmanager, a
// real Prometheus scraping them every 2 s and the demo generator run on the test broker (own topics and
// ports, so a `make up` cluster next to it is not disturbed); every panel query of every dashboard in
// deploy/grafana/dashboards must parse and return data through Prometheus's HTTP API.

describe("Grafana dashboards against a live cluster", () => {
  test("every panel query of every dashboard parses and returns data", async () => {
    const lines: string[] = [];
    const report = await verifyDashboardsLive({
      brokers: integrationBrokers(),
      maxWaitMs: 70_000,
      log: (line) => lines.push(line),
    });
    expect(report.results.length).toBeGreaterThan(0);
    const failing = report.results.filter((r) => !r.ok);
    // the failing panels, each with Prometheus's reason (parse error, or the metrics that have no series)
    expect(formatResults(failing)).toBe("");
  }, 170_000);
});
