#!/usr/bin/env node
/**
 * The alerting service's entry point: wires configuration, logging, tracing, the lifecycle, metrics and health,
 * the alert rules and engine inside the runtime's transactional batch processor (twin.drift.v1 +
 * twin.estimates.v1 → twin.alerts.v1 + alerting.state.v1 + offsets, one transaction per batch), the routes'
 * feed from the committed alerts topic (Alertmanager, webhooks) and the gRPC AlertService. All logic lives in
 * the modules it imports.
 */
import { AlertService } from "@twinstate/proto";
import {
  createKafka,
  createLogger,
  createMetricsRegistry,
  createServiceGrpcServer,
  HealthServer,
  KafkaProducer,
  Lifecycle,
  Readiness,
  setupTracing,
  TransactionalBatchProcessor,
} from "@twinstate/runtime";
import { loadAlertingConfig, webhookSecret } from "./config/alerting-config.ts";
import { AlertEngine } from "./engine/alert-engine.ts";
import { AlertingMetrics } from "./metrics/alerting-metrics.ts";
import { AlertmanagerClient } from "./routes/alertmanager-client.ts";
import { NotificationRouter } from "./routes/notification-router.ts";
import { WebhookClient } from "./routes/webhook-client.ts";
import { loadAlertRulesFiles } from "./rules/load-alert-rules.ts";
import { createAlertGrpcService } from "./service/alert-grpc-service.ts";
import { AlertingBatchHandler } from "./service/alerting-batch-handler.ts";
import { AlertsTopicFeed } from "./service/alerts-topic-feed.ts";
import { ControlRecordsFollower } from "./service/control-records-follower.ts";
import { StateTopicWriter } from "./service/state-topic-writer.ts";

const config = loadAlertingConfig();
const a = config.alerting;
const logger = createLogger({ service: config.service, level: config.logLevel });
const tracing = setupTracing({ service: config.service, otlpEndpoint: config.otlp.endpoint });
const lifecycle = new Lifecycle({ logger, graceMs: config.shutdown.graceMs });
const registry = createMetricsRegistry({ service: config.service });
const readiness = new Readiness({ state: () => lifecycle.state });
const kafka = createKafka({ config: config.kafka, defaultClientId: `twinstate-${config.service}`, logger });
const fatal = (error: Error) => {
  logger.fatal({ err: error }, "fatal Kafka failure, exiting");
  void lifecycle.shutdown("fatal Kafka failure").then(() => process.exit(1));
};

let engine: AlertEngine;
try {
  const rules = loadAlertRulesFiles(a.ruleFiles);
  engine = new AlertEngine({ rules, groupBy: a.groupBy, resolvedRetentionMs: a.resolvedRetentionMs });
  logger.info({ rules: rules.map((r) => r.id), files: a.ruleFiles }, "alert rules loaded");
} catch (error) {
  logger.fatal({ err: error }, "alert rules are invalid");
  logger.flush(() => process.exit(1));
  throw error;
}
const metrics = new AlertingMetrics(registry, engine);

const health = new HealthServer({ port: config.http.port, registry, readiness, logger });
lifecycle.register("health-server", { start: () => health.start().then(() => {}), stop: () => health.shutdown() });
lifecycle.register("tracing", { stop: () => tracing.shutdown() });

const producer = KafkaProducer.fromConfig({ kafka, logger });
lifecycle.register("state-writer", { start: () => producer.start(), stop: () => producer.shutdown() });
const store = new StateTopicWriter(producer, a.topics.state);

const router = new NotificationRouter({
  ...(a.alertmanager.url === undefined
    ? {}
    : {
        alertmanager: {
          client: new AlertmanagerClient({ url: a.alertmanager.url, timeoutMs: a.alertmanager.timeoutMs }),
          resendIntervalMs: a.alertmanager.resendIntervalMs,
          capacity: a.alertmanager.capacity,
          ...(a.alertmanager.generatorURL === undefined ? {} : { generatorURL: a.alertmanager.generatorURL }),
        },
      }),
  webhooks: a.webhooks.map((w) => {
    const secret = webhookSecret(w);
    return {
      capacity: w.capacity,
      client: new WebhookClient({
        name: w.name,
        url: w.url,
        timeoutMs: w.timeoutMs,
        headers: w.headers,
        ...(secret === undefined ? {} : { secret }),
      }),
    };
  }),
  groupLabels: (labels) => engine.groupLabels({ labels }),
  isSilenced: (alert, nowMs) => engine.silencedBy({ tenant: alert.tenant, labels: alert.labels }, nowMs).length > 0,
  logger,
  metrics,
  backoff: a.backoff,
});
lifecycle.register("routes", { start: () => router.start(), stop: () => router.stop() });

const follower = new ControlRecordsFollower({
  kafka,
  logger,
  topic: a.topics.state,
  groupId: `${a.groupId}-control-${a.instanceId}`,
  engine,
});
lifecycle.register("control-follower", { start: () => follower.start(), stop: () => follower.shutdown() });
readiness.addCheck("control-follower", () => follower.isReady());

const handler = new AlertingBatchHandler({
  engine,
  kafka,
  logger,
  metrics,
  topics: a.topics,
});
const processor = TransactionalBatchProcessor.fromConfig({
  kafka,
  logger,
  groupId: a.groupId,
  topics: [a.topics.drift, a.topics.estimates],
  metrics: registry,
  transactionalIdPrefix: a.transactionalIdPrefix,
  progressTopic: a.topics.progress,
  handler,
  onPartitionsAssigned: (tps) => handler.onPartitionsAssigned(tps),
  onPartitionsRevoked: (tps) => handler.onPartitionsRevoked(tps),
  maxMessagesPerTransaction: a.maxMessagesPerTransaction,
  sessionTimeoutMs: a.sessionTimeoutMs,
  heartbeatIntervalMs: a.heartbeatIntervalMs,
  onFatal: fatal,
});
lifecycle.register("alert-processor", { start: () => processor.start(), stop: () => processor.shutdown() });
readiness.addCheck("alert-processor", () => processor.isReady());

const feed = new AlertsTopicFeed({ kafka, logger, topic: a.topics.alerts, groupId: a.routesGroupId, router });
lifecycle.register("alerts-feed", { start: () => feed.start(), stop: () => feed.shutdown() });
readiness.addCheck("alerts-feed", () => feed.isReady());

let expiry: NodeJS.Timeout | undefined;
lifecycle.register("silence-expiry", {
  start: () => {
    expiry = setInterval(() => {
      const expired = engine.expireSilences(Date.now());
      store.deleteSilences(expired).catch((error: unknown) => logger.warn({ err: error }, "silence tombstones failed"));
    }, a.silenceExpiryIntervalMs);
    expiry.unref();
  },
  stop: () => clearInterval(expiry),
});

const grpc = createServiceGrpcServer({
  grpc: config.grpc,
  graceMs: config.shutdown.graceMs,
  logger,
  lifecycle,
  name: "AlertService",
});
grpc.addService(AlertService, createAlertGrpcService({ engine, store }));

lifecycle.installSignalHandlers();
try {
  await lifecycle.start();
} catch (error) {
  logger.fatal({ err: error }, "alerting failed to start");
  logger.flush(() => process.exit(1));
}
