// @twinstate/runtime — the public API. Everything a service's main.ts wires together.

// authentication (bearer tokens → principals with tenant scopes)
export * from "./auth/index.ts";
// config
export {
  type BaseConfig,
  baseConfigSchema,
  type GrpcConfig,
  grpcAuthConfigSchema,
  grpcAuthModes,
  grpcConfigSchema,
  grpcTlsConfigSchema,
  type KafkaConfig,
  kafkaConfigSchema,
  logLevels,
  saslMechanisms,
} from "./config/base-config-schema.ts";
export { baseEnvBindings, type EnvBinding } from "./config/env-binding.ts";
export { configFileEnvVar, type LoadConfigOptions, loadConfig } from "./config/load-config.ts";
// errors
export { ConfigError, type ConfigIssue } from "./errors/config-error.ts";
export { type ErrorCode, errorCodes, grpcStatusByErrorCode, isErrorCode } from "./errors/error-code.ts";
export { InvalidArgumentError } from "./errors/invalid-argument-error.ts";
export { KafkaError } from "./errors/kafka-error.ts";
export { LifecycleStateError } from "./errors/lifecycle-state-error.ts";
export { NotFoundError } from "./errors/not-found-error.ts";
export { PermissionDeniedError } from "./errors/permission-denied-error.ts";
export { ResourceExhaustedError } from "./errors/resource-exhausted-error.ts";
export { ShutdownTimeoutError } from "./errors/shutdown-timeout-error.ts";
export { StartupError } from "./errors/startup-error.ts";
export { TransactionAbortedError } from "./errors/transaction-aborted-error.ts";
export { defaultRetriable, TwinstateError, type TwinstateErrorOptions } from "./errors/twinstate-error.ts";
export { UnauthenticatedError } from "./errors/unauthenticated-error.ts";
export { UnavailableError } from "./errors/unavailable-error.ts";
// topic declarations (kafka/topics.ts) and the gRPC server helper (grpc/), owned by their own modules; re-exported
// whole so the package entry point stays in step with them
export * from "./grpc/index.ts";
export { asBuffer } from "./kafka/as-buffer.ts";
// kafka (the seam)
export { type ConsumedMessage, type TopicPartition, topicPartitionKey } from "./kafka/consumed-message.ts";
export { type CreateKafkaOptions, createKafka, type Kafka } from "./kafka/create-kafka.ts";
export {
  type DeadLetterOptions,
  KafkaConsumer,
  type KafkaConsumerOptions,
  type MessageHandler,
} from "./kafka/kafka-consumer.ts";
export { KafkaProducer, type KafkaProducerOptions, type ProducedRecord } from "./kafka/kafka-producer.ts";
export { KafkaSeamMetrics } from "./kafka/kafka-seam-metrics.ts";
export { kafkaTracer, kafkaTracerName } from "./kafka/kafka-tracer.ts";
export type { OutputRecord } from "./kafka/output-record.ts";
export { partitionsOf } from "./kafka/partitions-of.ts";
export { type ReadTopicToEndOptions, type ReadTopicToEndResult, readTopicToEnd } from "./kafka/read-topic-to-end.ts";
export * from "./kafka/topics.ts";
export {
  type TransactionalBatchHandler,
  TransactionalBatchProcessor,
  type TransactionalBatchProcessorOptions,
} from "./kafka/transactional-batch-processor.ts";
export { withMessageSpan } from "./kafka/with-message-span.ts";
// lifecycle
export { Lifecycle, type LifecycleHook, type LifecycleOptions, type SignalSource } from "./lifecycle/lifecycle.ts";
export { type LifecycleState, lifecycleStates } from "./lifecycle/lifecycle-state.ts";
// logging
export { type CreateLoggerOptions, createLogger, type Logger } from "./logging/create-logger.ts";
export {
  type KafkajsLogCreator,
  type KafkajsLogEntry,
  kafkajsLogCreator,
  kafkajsLogLevel,
} from "./logging/kafkajs-log-creator.ts";
// metrics and health
export {
  type CreateMetricsRegistryOptions,
  createMetricsRegistry,
  metricName,
  metricsPrefix,
} from "./metrics/create-metrics-registry.ts";
export { HealthServer, type HealthServerOptions } from "./metrics/health-server.ts";
export {
  Readiness,
  type ReadinessCheck,
  type ReadinessCheckResult,
  type ReadinessOptions,
  type ReadinessReport,
  type ReadinessVerdict,
} from "./metrics/readiness.ts";
// tracing
export { extractTraceContext, injectTraceHeaders, type MessageHeaders } from "./tracing/kafka-trace-headers.ts";
export { type SetupTracingOptions, setupTracing, type Tracing } from "./tracing/setup-tracing.ts";
