/**
 * @twinstate/drift — the drift service's building blocks: estimate → detector sample mapping, the per-(twin,
 * sensor) detector suites and their changelog records, the transactional batch handler, the drift event
 * index and the gRPC DriftService. `main.ts` wires them into a process.
 */
export { type DriftConfig, driftConfigSchema, driftEnvBindings, loadDriftConfig } from "./config/drift-config.ts";
export { DefinitionsFollower, type DefinitionsFollowerOptions } from "./definitions/definitions-follower.ts";
export {
  type DriftBlock,
  type DriftBlockIssue,
  driftBlockSchema,
  parseDriftBlock,
  suiteConfigFor,
} from "./definitions/drift-config-schema.ts";
export { configFingerprint, type DriftDefinitionOutcome, DriftDefinitions } from "./definitions/drift-definitions.ts";
export { algorithmOf, detectorKindOf, driftEventId, driftEventOf, severityOf } from "./mapping/drift-event-of.ts";
export {
  COVERAGE_Z90,
  estimateSample,
  eventTimeMs,
  type ReadingSource,
  type SampleMapping,
  type SkipReason,
  unpackUpper,
} from "./mapping/estimate-sample.ts";
export { finiteOrClamped } from "./mapping/finite-or-clamped.ts";
export { DriftMetrics } from "./metrics/drift-metrics.ts";
export { DriftBatchHandler, type DriftBatchHandlerOptions } from "./service/drift-batch-handler.ts";
export {
  DEFAULT_PAGE_SIZE,
  DriftEventIndex,
  type DriftEventPage,
  DriftTopicFollower,
  type DriftTopicFollowerOptions,
  MAX_PAGE_SIZE,
} from "./service/drift-event-index.ts";
export {
  createDriftGrpcService,
  type DriftGrpcServiceOptions,
  detectorStateMessage,
} from "./service/drift-grpc-service.ts";
export { WholeTopicTail, type WholeTopicTailOptions } from "./service/whole-topic-tail.ts";
export { DriftStateFormatError } from "./suites/drift-state-format-error.ts";
export { DriftSuites, type EstimateOutcome } from "./suites/drift-suites.ts";
export { decodeSuiteRecord, encodeSuiteRecord, type SuiteRecord, suiteKey } from "./suites/suite-record.ts";
