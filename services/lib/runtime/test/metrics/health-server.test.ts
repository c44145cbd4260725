import { afterEach, describe, expect, test } from "@jest/globals";
import { Counter } from "prom-client";
import { createMetricsRegistry, metricName } from "../../src/metrics/create-metrics-registry.ts";
import { HealthServer } from "../../src/metrics/health-server.ts";
import { Readiness, type ReadinessVerdict } from "../../src/metrics/readiness.ts";
import { captureLogger } from "../support/capture-logger.ts";

const servers: HealthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.shutdown()));
});

async function start(options: { checkTimeoutMs?: number } = {}) {
  let state = "starting";
  const registry = createMetricsRegistry({ service: "ingest" });
  const readiness = new Readiness({ state: () => state, checkTimeoutMs: options.checkTimeoutMs ?? 2000 });
  const server = new HealthServer({ port: 0, host: "127.0.0.1", registry, readiness, logger: captureLogger().logger });
  servers.push(server);
  const port = await server.start();
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
  };
  return { registry, readiness, server, port, get, setState: (next: string) => (state = next) };
}

describe("HealthServer", () => {
  test("port 0 binds a free port and reports it", async () => {
    const { server, port } = await start();
    expect(port).toBeGreaterThan(0);
    expect(server.port).toBe(port);
  });

  test("/healthz answers 200 whatever the lifecycle state", async () => {
    const { get } = await start();
    expect(await get("/healthz")).toEqual({ status: 200, type: "application/json", body: '{"status":"ok"}\n' });
  });

  test("/metrics serves the registry with the twinstate_ prefix and the service label", async () => {
    const { registry, get } = await start();
    const counter = new Counter({
      name: metricName("readings_valid_total"),
      help: "Valid readings",
      registers: [registry],
    });
    counter.inc(3);
    const response = await get("/metrics");
    expect(response.status).toBe(200);
    expect(response.type).toContain("text/plain");
    expect(response.body).toContain('twinstate_readings_valid_total{service="ingest"} 3');
    expect(response.body).toMatch(/^twinstate_process_cpu_seconds_total\{service="ingest"\} /m);
    expect(response.body).toMatch(/^twinstate_nodejs_eventloop_lag_seconds\{service="ingest"\} /m);
  });

  test("/readyz is 503 until the lifecycle is running, then 200, and 503 again while stopping", async () => {
    const { get, setState } = await start();
    const starting = await get("/readyz");
    expect(starting.status).toBe(503);
    expect(JSON.parse(starting.body)).toMatchObject({
      status: "not ready",
      state: "starting",
      reason: "lifecycle is starting, not running",
    });
    setState("running");
    const running = await get("/readyz");
    expect(running.status).toBe(200);
    expect(JSON.parse(running.body)).toEqual({ status: "ready", state: "running", checks: [] });
    setState("stopping");
    expect((await get("/readyz")).status).toBe(503);
  });

  test("/readyz names the failing check and flips back when it passes", async () => {
    const { readiness, get, setState } = await start();
    setState("running");
    let brokerUp = false;
    readiness.addCheck("kafka", () => (brokerUp ? true : { ok: false, reason: "consumer has not joined its group" }));
    readiness.addCheck("definitions", async () => true);
    const down = await get("/readyz");
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body).failing).toEqual([
      { name: "kafka", ok: false, reason: "consumer has not joined its group" },
    ]);
    brokerUp = true;
    const up = await get("/readyz");
    expect(up.status).toBe(200);
    expect(JSON.parse(up.body).checks).toEqual([
      { name: "kafka", ok: true },
      { name: "definitions", ok: true },
    ]);
  });

  test("a check that throws or hangs fails with the reason", async () => {
    const { readiness, get, setState } = await start({ checkTimeoutMs: 50 });
    setState("running");
    readiness.addCheck("throws", () => {
      throw new Error("metadata request failed");
    });
    readiness.addCheck("hangs", () => new Promise<ReadinessVerdict>(() => undefined));
    readiness.addCheck("false", () => false);
    const response = await get("/readyz");
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body).failing).toEqual([
      { name: "throws", ok: false, reason: "metadata request failed" },
      { name: "hangs", ok: false, reason: "timed out after 50 ms" },
      { name: "false", ok: false, reason: "check failed" },
    ]);
  });

  test("unknown paths are 404 and other methods 405", async () => {
    const { get, port } = await start();
    expect((await get("/nope")).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: "POST" })).status).toBe(405);
  });

  test("shutdown closes the port", async () => {
    const { server, port } = await start();
    await server.shutdown();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
