#!/usr/bin/env node
/**
 * The drift service's entry point: wires configuration, logging, metrics and health, the drift blocks of the
 * twin definitions (files, then twin.definitions.v1), the detector suites inside the runtime's transactional
 * batch processor (twin.estimates.v1 → twin.drift.v1 + drift.state.v1 + offsets, one transaction per batch),
 * the drift-topic index and the gRPC DriftService into one lifecycle. All logic lives in the modules it imports.
 */
import { readFileSync } from "node:fs";
import { DriftService } from "@twinstate/proto";
import {
  createKafka,
  createLogger,
  createMetricsRegistry,
  createServiceGrpcServer,
  HealthServer,
  Lifecycle,
  Readiness,
  setupTracing,
  TransactionalBatchProcessor,
} from "@twinstate/runtime";
import { loadDriftConfig } from "./config/drift-config.ts";
import { DefinitionsFollower, logOutcome } from "./definitions/definitions-follower.ts";
import { DriftDefinitions } from "./definitions/drift-definitions.ts";
import { DriftMetrics } from "./metrics/drift-metrics.ts";
import { DriftBatchHandler } from "./service/drift-batch-handler.ts";
import { DriftEventIndex, DriftTopicFollower } from "./service/drift-event-index.ts";
import { createDriftGrpcService } from "./service/drift-grpc-service.ts";
import { DriftSuites } from "./suites/drift-suites.ts";

const config = loadDriftConfig();
const d = config.drift;
const logger = createLogger({ service: config.service, level: config.logLevel });
const tracing = setupTracing({ service: config.service, otlpEndpoint: config.otlp.endpoint });
const lifecycle = new Lifecycle({ logger, graceMs: config.shutdown.graceMs });
const registry = createMetricsRegistry({ service: config.service });
const readiness = new Readiness({ state: () => lifecycle.state });
const metrics = new DriftMetrics(registry);
const kafka = createKafka({ config: config.kafka, defaultClientId: `twinstate-${config.service}`, logger });
const definitions = new DriftDefinitions();
const suites = new DriftSuites(definitions);
const index = new DriftEventIndex(d.indexCapacity);
const fatal = (error: Error) => {
  logger.fatal({ err: error }, "fatal Kafka failure, exiting");
  void lifecycle.shutdown("fatal Kafka failure").then(() => process.exit(1));
};

const health = new HealthServer({ port: config.http.port, registry, readiness, logger });
lifecycle.register("health-server", { start: () => health.start().then(() => {}), stop: () => health.shutdown() });
lifecycle.register("tracing", { stop: () => tracing.shutdown() });

lifecycle.register("definition-files", {
  start: () => {
    for (const file of d.definitionFiles) logOutcome(logger, file, definitions.putDocument(readFileSync(file, "utf8")));
  },
});
const follower = new DefinitionsFollower({
  kafka,
  logger,
  topic: d.topics.definitions,
  definitions,
  groupId: `${d.groupId}-definitions-${d.instanceId}`,
  onFatal: fatal,
});
lifecycle.register("definitions-topic", { start: () => follower.start(), stop: () => follower.shutdown() });
readiness.addCheck("definitions-topic", () => follower.isReady());

const driftTopic = new DriftTopicFollower({
  kafka,
  logger,
  topic: d.topics.drift,
  groupId: `${d.groupId}-index-${d.instanceId}`,
  index,
  onEvent: () => metrics.indexedEvents.set(index.size),
  onFatal: fatal,
});
lifecycle.register("drift-index", { start: () => driftTopic.start(), stop: () => driftTopic.shutdown() });

const handler = new DriftBatchHandler({
  suites,
  kafka,
  logger,
  metrics,
  topics: { drift: d.topics.drift, state: d.topics.state },
});
const processor = TransactionalBatchProcessor.fromConfig({
  kafka,
  logger,
  groupId: d.groupId,
  topics: [d.topics.estimates],
  metrics: registry,
  transactionalIdPrefix: d.transactionalIdPrefix,
  progressTopic: d.topics.progress,
  handler,
  onPartitionsAssigned: (tps) => handler.onPartitionsAssigned(tps),
  onPartitionsRevoked: (tps) => handler.onPartitionsRevoked(tps),
  onTransactionAborted: () => metrics.aborts.inc(),
  maxMessagesPerTransaction: d.maxMessagesPerTransaction,
  sessionTimeoutMs: d.sessionTimeoutMs,
  heartbeatIntervalMs: d.heartbeatIntervalMs,
  onFatal: fatal,
});
lifecycle.register("estimates-processor", { start: () => processor.start(), stop: () => processor.shutdown() });
readiness.addCheck("estimates-processor", () => processor.isReady());

const grpc = createServiceGrpcServer({
  grpc: config.grpc,
  graceMs: config.shutdown.graceMs,
  logger,
  lifecycle,
  name: "DriftService",
});
grpc.addService(DriftService, createDriftGrpcService({ index, suites }));

lifecycle.installSignalHandlers();
try {
  await lifecycle.start();
} catch (error) {
  logger.fatal({ err: error }, "drift failed to start");
  logger.flush(() => process.exit(1));
}
