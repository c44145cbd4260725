#!/usr/bin/env node
/**
 * The demo telemetry generator's entry point: wires configuration, logging, tracing, metrics and health, the
 * simulated fleet (resumed from its state file when there is one), the fleet's asset bindings published to
 * twin.definitions.v1 and the tick loop that publishes protobuf SensorReadings to telemetry.raw.v1 through
 * the runtime's Kafka seam. All logic lives in the modules it imports.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import { AssetBindingSchema } from "@twinstate/proto";
import {
  createKafka,
  createLogger,
  createMetricsRegistry,
  HealthServer,
  KafkaProducer,
  Lifecycle,
  Readiness,
  setupTracing,
} from "@twinstate/runtime";
import { loadDemoConfig } from "./config/demo-config.ts";
import { DemoMetrics } from "./publish/demo-metrics.ts";
import { TickLoop } from "./publish/tick-loop.ts";
import { DemoFleet, type FleetSnapshot } from "./simulation/demo-fleet.ts";
import { demoProfiles } from "./simulation/demo-profiles.ts";

const config = loadDemoConfig();
const d = config.demo;
const logger = createLogger({ service: config.service, level: config.logLevel });
const tracing = setupTracing({ service: config.service, otlpEndpoint: config.otlp.endpoint });
const lifecycle = new Lifecycle({ logger, graceMs: config.shutdown.graceMs });
const registry = createMetricsRegistry({ service: config.service });
const readiness = new Readiness({ state: () => lifecycle.state });
const metrics = new DemoMetrics(registry);
const kafka = createKafka({ config: config.kafka, defaultClientId: `twinstate-${config.service}`, logger });
const producer = KafkaProducer.fromConfig({ kafka, logger });

const fleet = new DemoFleet({
  profiles: demoProfiles(),
  assetsPerClass: d.assetsPerClass,
  seed: d.seed,
  startMs: Date.now(),
  tickMs: d.tickMs,
  badInputRatio: d.badInputRatio,
  lateRatio: d.lateRatio,
  gapRatio: d.gapRatio,
  faultIntervalS: d.faultIntervalS,
  firstFaultWithinS: d.firstFaultWithinS,
});
if (d.stateFile !== undefined && existsSync(d.stateFile)) {
  try {
    const resumed = fleet.restore(JSON.parse(readFileSync(d.stateFile, "utf8")) as FleetSnapshot);
    logger.info({ file: d.stateFile, resumed }, "simulated truth resumed");
  } catch (error) {
    logger.warn({ err: error, file: d.stateFile }, "state file unreadable, starting a fresh fleet");
  }
}

const health = new HealthServer({ port: config.http.port, registry, readiness, logger });
lifecycle.register("health-server", { start: () => health.start().then(() => {}), stop: () => health.shutdown() });
lifecycle.register("tracing", { stop: () => tracing.shutdown() });
lifecycle.register("producer", { start: () => producer.start(), stop: () => producer.shutdown() });
readiness.addCheck("producer", () => producer.isConnected());

if (d.publishBindings) {
  lifecycle.register("bindings", {
    start: async () => {
      const bindings = fleet.bindings(Date.now());
      await producer.send(
        bindings.map((b) => ({
          topic: d.topics.definitions,
          key: `binding/${b.tenant}/${b.asset}`,
          value: Buffer.from(toBinary(AssetBindingSchema, b)),
        })),
      );
      logger.info({ topic: d.topics.definitions, bindings: bindings.length }, "asset bindings published");
    },
  });
}

let ticks = 0;
const loop = new TickLoop({
  periodMs: d.tickMs,
  tick: async (nowMs) => {
    const records = fleet.tick(nowMs);
    metrics.faults(fleet.assets);
    try {
      await producer.send(records.map((r) => ({ topic: d.topics.raw, key: r.key, value: Buffer.from(r.value) })));
      metrics.published(records);
    } catch (error) {
      metrics.failed();
      logger.warn({ err: error, records: records.length }, "publishing a tick failed; its records are dropped");
    }
    if (++ticks % Math.max(1, Math.round(60_000 / d.tickMs)) === 0) {
      const faults = fleet.assets.filter((a) => a.fault !== undefined).map((a) => `${a.key}:${a.fault?.kind}`);
      logger.info({ ticks, faults }, "demo running");
    }
  },
});

function saveState(): void {
  if (d.stateFile === undefined) return;
  mkdirSync(dirname(d.stateFile), { recursive: true });
  const tmp = `${d.stateFile}.tmp`;
  writeFileSync(tmp, JSON.stringify(fleet.snapshot()));
  renameSync(tmp, d.stateFile);
}

lifecycle.register("generator", {
  start: () => {
    loop.start();
    logger.info(
      {
        assets: fleet.assets.length,
        tickMs: d.tickMs,
        topic: d.topics.raw,
        classes: demoProfiles().map((p) => p.twinClass),
      },
      "demo fleet publishing",
    );
  },
  stop: async () => {
    await loop.stop();
    saveState();
  },
});

lifecycle.installSignalHandlers();
try {
  await lifecycle.start();
  if (d.durationS > 0) {
    setTimeout(() => {
      void lifecycle.shutdown(`ran ${d.durationS} s`).then((code) => process.exit(code));
    }, d.durationS * 1000).unref();
  }
} catch (error) {
  logger.fatal({ err: error }, "demo failed to start");
  logger.flush(() => process.exit(1));
}
