// @twinstate/alerting — the public API: rules, the pure engine, routes and the service pieces main.ts wires.

export {
  type AlertingConfig,
  alertingConfigSchema,
  alertingEnvBindings,
  loadAlertingConfig,
  webhookSecret,
} from "./config/alerting-config.ts";
export {
  AlertEngine,
  type AlertEngineOptions,
  type AlertFilter,
  type AlertTransition,
  type OwnerChanges,
} from "./engine/alert-engine.ts";
export {
  type AcknowledgementEntry,
  type AlertEntry,
  type AlertPhase,
  ownerOf,
  type SilenceEntry,
} from "./engine/alert-entry.ts";
export {
  decodeAcknowledgement,
  decodeAlertEntry,
  decodeSilence,
  encodeAcknowledgement,
  encodeAlertEntry,
  encodeSilence,
  parseStateKey,
  type StateKey,
  stateKeys,
} from "./engine/alert-state-codec.ts";
export { type CrossingInput, crossingProbability } from "./engine/crossing-probability.ts";
export { fingerprint } from "./engine/fingerprint.ts";
export {
  compileMatchers,
  type LabelMatcherSpec,
  type MatchOperatorSymbol,
  matchOperators,
} from "./engine/label-matcher.ts";
export { normalCdf } from "./engine/normal-cdf.ts";
export { toAlertMessage } from "./engine/to-alert-message.ts";
export { AlertingMetrics } from "./metrics/alerting-metrics.ts";
export {
  type AlertmanagerAlert,
  AlertmanagerClient,
  type AlertmanagerClientOptions,
  type GettableAlert,
  toAlertmanagerAlert,
} from "./routes/alertmanager-client.ts";
export { type BackoffOptions, backoffDelayMs, defaultBackoff } from "./routes/backoff-schedule.ts";
export { idempotencyKeyHeader, signatureHeader, signBody, verifySignature } from "./routes/hmac-signature.ts";
export {
  type AlertmanagerRouteOptions,
  NotificationRouter,
  type NotificationRouterOptions,
  type WebhookRouteOptions,
} from "./routes/notification-router.ts";
export { type QueuedItem, RetryQueue, type RetryQueueEvents, type RetryQueueOptions } from "./routes/retry-queue.ts";
export { RouteDeliveryError } from "./routes/route-error.ts";
export {
  type WebhookAlert,
  WebhookClient,
  type WebhookClientOptions,
  type WebhookNotification,
} from "./routes/webhook-client.ts";
export type {
  AlertRule,
  DriftRule,
  PrognosticRule,
  QuarantineRule,
  RuleBase,
  RuleScope,
  Severity,
  ThresholdRule,
} from "./rules/alert-rule.ts";
export { AlertRuleError, type AlertRuleIssue } from "./rules/alert-rule-error.ts";
export { alertRulesDocumentSchema } from "./rules/alert-rules-schema.ts";
export {
  loadAlertRulesFile,
  loadAlertRulesFiles,
  parseAlertRules,
  reservedLabels,
  templateNamesByKind,
} from "./rules/load-alert-rules.ts";
export { parseDuration } from "./rules/parse-duration.ts";
export { renderTemplate, templateNames } from "./rules/render-template.ts";
export { type AlertGrpcServiceOptions, createAlertGrpcService } from "./service/alert-grpc-service.ts";
export { AlertingBatchHandler, type AlertingTopics, controlPartition } from "./service/alerting-batch-handler.ts";
export { AlertsTopicFeed, type AlertsTopicFeedOptions } from "./service/alerts-topic-feed.ts";
export { ControlRecordsFollower, type ControlRecordsFollowerOptions } from "./service/control-records-follower.ts";
export { StateTopicWriter } from "./service/state-topic-writer.ts";
