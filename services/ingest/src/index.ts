// @twinstate/ingest — the public API of the ingest service (its main.ts wires these together).

export * from "./codec/index.ts";
export {
  type IngestConfig,
  ingestConfigSchema,
  ingestEnvBindings,
  ingestSectionSchema,
  loadIngestConfig,
} from "./config/ingest-config.ts";
export * from "./contracts/index.ts";
export { BoundedLabelValues, OTHER_LABEL } from "./metrics/bounded-label-values.ts";
export { IngestMetrics, type IngestPath } from "./metrics/ingest-metrics.ts";
export {
  type BoundedDeadLetter,
  boundDeadLetter,
  MAX_DEAD_LETTER_BYTES,
  ORIGINAL_BYTES_HEADER,
  ORIGINAL_SHA256_HEADER,
  ORIGINAL_TRUNCATED_HEADER,
  type OriginalTruncation,
  TRUNCATED_ORIGINAL_BYTES,
  TRUNCATED_TEXT_CHARS,
  truncationHeaders,
} from "./service/bounded-dead-letter.ts";
export { ContractTopicWatcher, type ContractTopicWatcherOptions } from "./service/contract-topic-watcher.ts";
export { createIngestGrpcService, type IngestGrpcServiceOptions } from "./service/ingest-grpc-service.ts";
export { type OutcomeTopics, outcomeRecord, REASON_HEADER } from "./service/outcome-record.ts";
export {
  createOversizedOutputReplacer,
  type OversizedOutputReplacerOptions,
  type OversizedRecordInfo,
} from "./service/oversized-output-replacer.ts";
export { RawBatchHandler, type RawBatchHandlerOptions } from "./service/raw-batch-handler.ts";
export { TransactionalPublisher, type TransactionalPublisherOptions } from "./service/transactional-publisher.ts";
export * from "./units/index.ts";
export * from "./validation/index.ts";
