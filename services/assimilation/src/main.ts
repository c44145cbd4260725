#!/usr/bin/env node
/**
 * The assimilation service's entry point: wires configuration, logging, metrics and health, the definition
 * catalog (files, then twin.definitions.v1), the TwinEngine inside the runtime's transactional batch
 * processor (telemetry.valid.v1 → twin.estimates.v1 + twin.state.v1 + offsets, one transaction per batch),
 * the local estimates view and the gRPC TwinService into one lifecycle. All logic lives in the modules it
 * imports.
 */
import { TwinService } from "@twinstate/proto";
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
import { loadAssimilationConfig } from "./config/assimilation-config.ts";
import { DefinitionCatalog } from "./definitions/definition-catalog.ts";
import { loadAssetBindingsFile, loadTwinDefinitionFile } from "./definitions/load-twin-definition.ts";
import { TwinEngine } from "./engine/twin-engine.ts";
import { AssimilationMetrics } from "./metrics/assimilation-metrics.ts";
import { AssimilationBatchHandler } from "./service/assimilation-batch-handler.ts";
import { ConsumerLagMonitor } from "./service/consumer-lag-monitor.ts";
import { DefinitionsTopic } from "./service/definitions-topic.ts";
import { EstimateView } from "./service/estimate-view.ts";
import { createTwinGrpcService } from "./service/twin-grpc-service.ts";

const config = loadAssimilationConfig();
const a = config.assimilation;
const logger = createLogger({ service: config.service, level: config.logLevel });
const tracing = setupTracing({ service: config.service, otlpEndpoint: config.otlp.endpoint });
const lifecycle = new Lifecycle({ logger, graceMs: config.shutdown.graceMs });
const registry = createMetricsRegistry({ service: config.service });
const readiness = new Readiness({ state: () => lifecycle.state });
const metrics = new AssimilationMetrics(registry, a.watchList);
const kafka = createKafka({ config: config.kafka, defaultClientId: `twinstate-${config.service}`, logger });
const catalog = new DefinitionCatalog();
const engine = new TwinEngine(catalog, {
  onReacquisition: (twinClass) => metrics.reacquisitions.inc({ twin_class: twinClass }),
});
const fatal = (error: Error) => {
  logger.fatal({ err: error }, "fatal Kafka failure, exiting");
  void lifecycle.shutdown("fatal Kafka failure").then(() => process.exit(1));
};

const health = new HealthServer({ port: config.http.port, registry, readiness, logger });
lifecycle.register("health-server", { start: () => health.start().then(() => {}), stop: () => health.shutdown() });
lifecycle.register("tracing", { stop: () => tracing.shutdown() });

lifecycle.register("definition-files", {
  start: () => {
    for (const file of a.definitionFiles) catalog.putClass(loadTwinDefinitionFile(file));
    for (const file of a.bindingFiles) for (const b of loadAssetBindingsFile(file)) catalog.bind(b, file);
    logger.info(
      { classes: catalog.classes().map((c) => c.key), bindings: catalog.bindingCount },
      "definition files loaded",
    );
  },
});

const definitions = new DefinitionsTopic({
  kafka,
  logger,
  topic: a.topics.definitions,
  catalog,
  groupId: `${a.groupId}-definitions-${a.instanceId}`,
});
lifecycle.register("definitions-topic", { start: () => definitions.start(), stop: () => definitions.shutdown() });
readiness.addCheck("definitions-topic", () => definitions.isReady());

const view = new EstimateView({
  kafka,
  logger,
  topic: a.topics.estimates,
  groupId: `${a.groupId}-view-${a.instanceId}`,
});
lifecycle.register("estimate-view", { start: () => view.start(), stop: () => view.shutdown() });

const handler = new AssimilationBatchHandler({
  engine,
  kafka,
  logger,
  metrics,
  topics: { estimates: a.topics.estimates, state: a.topics.state },
});
const processor = TransactionalBatchProcessor.fromConfig({
  kafka,
  logger,
  groupId: a.groupId,
  topics: [a.topics.valid],
  transactionalIdPrefix: a.transactionalIdPrefix,
  progressTopic: a.topics.progress,
  // the runtime's twinstate_kafka_* seam metrics (transactions, messages, lag, restore time), used by the dashboards
  metrics: registry,
  handler,
  onPartitionsAssigned: (tps) => handler.onPartitionsAssigned(tps),
  onPartitionsRevoked: (tps) => handler.onPartitionsRevoked(tps),
  maxMessagesPerTransaction: a.maxMessagesPerTransaction,
  partitionsConsumedConcurrently: a.partitionsConsumedConcurrently,
  sessionTimeoutMs: a.sessionTimeoutMs,
  heartbeatIntervalMs: a.heartbeatIntervalMs,
  onFatal: fatal,
});
lifecycle.register("valid-processor", { start: () => processor.start(), stop: () => processor.shutdown() });
readiness.addCheck("valid-processor", () => processor.isReady());
const lag = new ConsumerLagMonitor({
  kafka,
  logger,
  metrics,
  topic: a.topics.valid,
  groupId: a.groupId,
  owned: () => processor.assignedPartitions(),
});
lifecycle.register("consumer-lag", { start: () => lag.start(), stop: () => lag.shutdown() });

const grpc = createServiceGrpcServer({
  grpc: config.grpc,
  graceMs: config.shutdown.graceMs,
  logger,
  lifecycle,
  name: "TwinService",
});
grpc.addService(
  TwinService,
  createTwinGrpcService({ catalog, engine, view, definitions, maxForecastSteps: a.maxForecastSteps }),
);

lifecycle.installSignalHandlers();
try {
  await lifecycle.start();
} catch (error) {
  logger.fatal({ err: error }, "assimilation failed to start");
  logger.flush(() => process.exit(1));
}
