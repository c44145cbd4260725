import { hostname } from "node:os";
import { baseConfigSchema, type EnvBinding, loadConfig, Topics } from "@twinstate/runtime";
import { z } from "zod";

/** Default topic names: the runtime's `Topics` declaration. */
const DEFAULT_TOPICS = {
  raw: Topics.telemetryRaw,
  valid: Topics.telemetryValid,
  dlq: Topics.telemetryDlq,
  contracts: Topics.ingestContracts,
} as const;

const positiveInt = z.number().int("must be an integer").positive("must be > 0");

/**
 * The ingest service's own configuration section (`ingest:` in the config file, or the env vars in
 * {@link ingestEnvBindings}).
 *
 * Why topic names are configuration: integration tests and benchmarks run the real service against fresh,
 * uniquely named topics; production leaves the defaults (the names in the runtime's `Topics`).
 */
export const ingestSectionSchema = z
  .strictObject({
    /** Directory of contract files (`*.yaml`, `*.yml`, `*.json`) loaded at start. */
    contractsDir: z.string().min(1).default("deploy/contracts"),
    /** Also follow the compacted contracts topic for run-time replacement. */
    contractsFromTopic: z.boolean().default(true),
    topics: z
      .strictObject({
        raw: z.string().min(1).default(DEFAULT_TOPICS.raw),
        valid: z.string().min(1).default(DEFAULT_TOPICS.valid),
        dlq: z.string().min(1).default(DEFAULT_TOPICS.dlq),
        contracts: z.string().min(1).default(DEFAULT_TOPICS.contracts),
        /** Exactly-once progress records (the seam's exact resume point after a fence). */
        progress: z.string().min(1).default("twinstate.progress.v1"),
      })
      .prefault({}),
    /** Consumer group of the raw topic. */
    groupId: z.string().min(1).default("twinstate-ingest"),
    /** Transactional ids are `<prefix>-<topic>-<partition>` for Kafka input and `<prefix>-grpc-<id>` for gRPC. */
    transactionalIdPrefix: z.string().min(1).default("twinstate-ingest"),
    /** Identity of this instance's gRPC transactional producer; must differ between live instances. */
    grpcProducerId: z.string().min(1).default(hostname()),
    /** Inputs larger than this are dead-lettered TOO_LARGE without decoding. */
    maxMessageBytes: positiveInt.default(1_048_576),
    /** Readings per Kafka transaction (a fetched batch is split into chunks this size). */
    maxMessagesPerTransaction: positiveInt.default(2000),
    /** Consumer group session timeout: how soon a crashed instance's partitions move to another (broker min 6000). */
    sessionTimeoutMs: positiveInt.default(30_000),
    /**
     * Raw partitions validated at the same time, each with its own transactional producer, so one partition's
     * commit round trips overlap another's validation (the processor's `partitionsConsumedConcurrently`).
     */
    partitionsConsumedConcurrently: positiveInt.default(6),
    /** Rate-limit buckets (tenant/asset/sensor) kept per sensor type. */
    maxRateKeys: positiveInt.default(100_000),
    /** Most readings in one Publish call or one PublishStream message. */
    maxBatchReadings: positiveInt.default(1000),
    /** PublishStream: batches of one call validated but not yet committed before the server stops reading. */
    maxInFlightBatches: positiveInt.default(4),
    /** Distinct tenant (and contract) label values on metrics; further values are counted as `other`. */
    maxMetricLabelValues: positiveInt.default(50),
    /** The ingestion clock is wall time; tests may shift it (ms added to Date.now()). */
    clockOffsetMs: z.number().int().default(0),
  })
  .prefault({});

/** The whole ingest configuration: the shared base plus the `ingest` section. */
export const ingestConfigSchema = baseConfigSchema.extend({ ingest: ingestSectionSchema });

/** Validated ingest configuration. */
export type IngestConfig = z.infer<typeof ingestConfigSchema>;

/** Environment variables of the ingest section (besides the base ones such as `KAFKA_BROKERS`). */
export const ingestEnvBindings: Readonly<Record<string, EnvBinding>> = {
  INGEST_CONTRACTS_DIR: { path: "ingest.contractsDir" },
  INGEST_CONTRACTS_FROM_TOPIC: { path: "ingest.contractsFromTopic", type: "boolean" },
  INGEST_RAW_TOPIC: { path: "ingest.topics.raw" },
  INGEST_VALID_TOPIC: { path: "ingest.topics.valid" },
  INGEST_DLQ_TOPIC: { path: "ingest.topics.dlq" },
  INGEST_CONTRACTS_TOPIC: { path: "ingest.topics.contracts" },
  INGEST_PROGRESS_TOPIC: { path: "ingest.topics.progress" },
  INGEST_GROUP_ID: { path: "ingest.groupId" },
  INGEST_TRANSACTIONAL_ID_PREFIX: { path: "ingest.transactionalIdPrefix" },
  INGEST_GRPC_PRODUCER_ID: { path: "ingest.grpcProducerId" },
  INGEST_MAX_MESSAGE_BYTES: { path: "ingest.maxMessageBytes", type: "number" },
  INGEST_MAX_MESSAGES_PER_TRANSACTION: { path: "ingest.maxMessagesPerTransaction", type: "number" },
  INGEST_SESSION_TIMEOUT_MS: { path: "ingest.sessionTimeoutMs", type: "number" },
  INGEST_PARTITIONS_CONSUMED_CONCURRENTLY: { path: "ingest.partitionsConsumedConcurrently", type: "number" },
  INGEST_MAX_RATE_KEYS: { path: "ingest.maxRateKeys", type: "number" },
  INGEST_MAX_BATCH_READINGS: { path: "ingest.maxBatchReadings", type: "number" },
  INGEST_MAX_IN_FLIGHT_BATCHES: { path: "ingest.maxInFlightBatches", type: "number" },
  INGEST_MAX_METRIC_LABEL_VALUES: { path: "ingest.maxMetricLabelValues", type: "number" },
  INGEST_CLOCK_OFFSET_MS: { path: "ingest.clockOffsetMs", type: "number" },
};

/** Reads the ingest configuration from `TWINSTATE_CONFIG` (file) and the environment; throws ConfigError. */
export function loadIngestConfig(
  environment: Readonly<Record<string, string | undefined>> = process.env,
): IngestConfig {
  return loadConfig({
    schema: ingestConfigSchema,
    env: ingestEnvBindings,
    defaults: { service: "ingest" },
    environment,
  });
}
