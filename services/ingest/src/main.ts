#!/usr/bin/env node
/**
 * The ingest service's entry point: wires configuration, logging, metrics and health, the contract registry
 * (files, then the contracts topic), the validator, the Kafka transactional pipeline raw → valid/dlq and the
 * gRPC IngestService into one lifecycle. All logic lives in the named modules it imports.
 */
import { IngestService } from "@twinstate/proto";
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
import { loadIngestConfig } from "./config/ingest-config.ts";
import { ContractRegistry, loadContractDirectory } from "./contracts/index.ts";
import { IngestMetrics } from "./metrics/ingest-metrics.ts";
import { ContractTopicWatcher } from "./service/contract-topic-watcher.ts";
import { createIngestGrpcService } from "./service/ingest-grpc-service.ts";
import { createOversizedOutputReplacer } from "./service/oversized-output-replacer.ts";
import { RawBatchHandler } from "./service/raw-batch-handler.ts";
import { TransactionalPublisher } from "./service/transactional-publisher.ts";
import { UnitRegistry } from "./units/index.ts";
import { ReadingValidator, ValidationState } from "./validation/index.ts";

const config = loadIngestConfig();
const { ingest } = config;
const logger = createLogger({ service: config.service, level: config.logLevel });
const tracing = setupTracing({ service: config.service, otlpEndpoint: config.otlp.endpoint });
const lifecycle = new Lifecycle({ logger, graceMs: config.shutdown.graceMs });
const registry = createMetricsRegistry({ service: config.service });
const readiness = new Readiness({ state: () => lifecycle.state });
const metrics = new IngestMetrics(registry, ingest.maxMetricLabelValues);
const kafka = createKafka({ config: config.kafka, defaultClientId: `twinstate-${config.service}`, logger });
const units = new UnitRegistry();
const contracts = new ContractRegistry();
const validator = new ReadingValidator({
  contracts,
  units,
  state: new ValidationState(ingest.maxRateKeys),
  maxMessageBytes: ingest.maxMessageBytes,
});
const clock = () => Date.now() + ingest.clockOffsetMs;
const outcomeTopics = { valid: ingest.topics.valid, dlq: ingest.topics.dlq };
const fatal = (error: Error) => {
  logger.fatal({ err: error }, "fatal Kafka failure, exiting");
  void lifecycle.shutdown("fatal Kafka failure").then(() => process.exit(1));
};

const health = new HealthServer({ port: config.http.port, registry, readiness, logger });
lifecycle.register("health-server", { start: () => health.start().then(() => {}), stop: () => health.shutdown() });
lifecycle.register("tracing", { stop: () => tracing.shutdown() });

lifecycle.register("contracts", {
  start: async () => {
    for (const c of await loadContractDirectory(ingest.contractsDir, units)) contracts.put(c);
    logger.info(
      { dir: ingest.contractsDir, contracts: contracts.list().map((c) => `${c.id}@${c.version}`) },
      "contracts loaded",
    );
  },
});

if (ingest.contractsFromTopic) {
  const watcher = new ContractTopicWatcher({
    kafka,
    logger,
    topic: ingest.topics.contracts,
    groupId: `${ingest.groupId}-contracts-${ingest.grpcProducerId}`,
    registry: contracts,
    units,
    metrics,
    onFatal: fatal,
  });
  lifecycle.register("contract-topic-watcher", { start: () => watcher.start(), stop: () => watcher.shutdown() });
  readiness.addCheck("contracts-topic", () => watcher.isReady());
}

const publisher = new TransactionalPublisher({
  kafka,
  logger,
  transactionalId: `${ingest.transactionalIdPrefix}-grpc-${ingest.grpcProducerId}`,
});
lifecycle.register("grpc-publisher", { start: () => publisher.start(), stop: () => publisher.shutdown() });
readiness.addCheck("grpc-publisher", () => publisher.isReady());

const handler = new RawBatchHandler({ validator, topics: outcomeTopics, metrics, logger, clock });
const processor = TransactionalBatchProcessor.fromConfig({
  kafka,
  logger,
  groupId: ingest.groupId,
  topics: [ingest.topics.raw],
  transactionalIdPrefix: ingest.transactionalIdPrefix,
  progressTopic: ingest.topics.progress,
  handler,
  onPartitionsAssigned: (tps) => handler.onPartitionsAssigned(tps),
  onPartitionsRevoked: (tps) => handler.onPartitionsRevoked(tps),
  maxMessagesPerTransaction: ingest.maxMessagesPerTransaction,
  partitionsConsumedConcurrently: ingest.partitionsConsumedConcurrently,
  sessionTimeoutMs: ingest.sessionTimeoutMs,
  // Last line of defence of conservation: an output over the broker limit becomes a truncated TOO_LARGE dead letter.
  onRecordTooLarge: createOversizedOutputReplacer({ dlq: outcomeTopics.dlq, metrics, logger, clock }),
  metrics: registry,
  onFatal: fatal,
});
lifecycle.register("raw-processor", { start: () => processor.start(), stop: () => processor.shutdown() });
readiness.addCheck("raw-processor", () => processor.isReady());

const grpc = createServiceGrpcServer({
  grpc: config.grpc,
  graceMs: config.shutdown.graceMs,
  logger,
  lifecycle,
  name: "IngestService",
});
grpc.addService(
  IngestService,
  createIngestGrpcService({
    validator,
    publisher,
    topics: outcomeTopics,
    metrics,
    logger,
    clock,
    maxBatchReadings: ingest.maxBatchReadings,
    maxInFlightBatches: ingest.maxInFlightBatches,
  }),
);

lifecycle.installSignalHandlers();
try {
  await lifecycle.start();
} catch (error) {
  logger.fatal({ err: error }, "ingest failed to start");
  logger.flush(() => process.exit(1));
}
