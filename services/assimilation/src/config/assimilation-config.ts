import { hostname } from "node:os";
import { baseConfigSchema, type EnvBinding, loadConfig } from "@twinstate/runtime";
import { z } from "zod";

const positiveInt = z.number().int("must be an integer").positive("must be > 0");

/**
 * The assimilation service's own configuration section (`assimilation:` in the config file, or the env vars
 * in {@link assimilationEnvBindings}).
 *
 * Why topic names are configuration: integration tests and benchmarks run real workers against fresh,
 * uniquely named topics; production keeps the defaults (the runtime's `Topics` names).
 */
export const assimilationSectionSchema = z
  .strictObject({
    topics: z
      .strictObject({
        valid: z.string().min(1).default("telemetry.valid.v1"),
        estimates: z.string().min(1).default("twin.estimates.v1"),
        state: z.string().min(1).default("twin.state.v1"),
        definitions: z.string().min(1).default("twin.definitions.v1"),
        /** Exactly-once progress records (the seam's exact resume point after a fence). */
        progress: z.string().min(1).default("twinstate.progress.v1"),
      })
      .prefault({}),
    /** Twin definition files (YAML/JSON) loaded at start, before the definitions topic. */
    definitionFiles: z.array(z.string().min(1)).default([]),
    /** Asset binding files loaded at start. */
    bindingFiles: z.array(z.string().min(1)).default([]),
    /** Consumer group of the valid-readings topic. */
    groupId: z.string().min(1).default("twinstate-assimilation"),
    /** Transactional ids are `<prefix>-<topic>-<partition>`. */
    transactionalIdPrefix: z.string().min(1).default("twinstate-assimilation"),
    /** Identity of this worker (consumer groups of the topics every worker reads whole). */
    instanceId: z.string().min(1).default(`${hostname()}-${process.pid}`),
    /** Readings per Kafka transaction. */
    maxMessagesPerTransaction: positiveInt.default(5000),
    /**
     * Input partitions processed at the same time, each with its own transactional producer: one partition's
     * transaction round trips overlap another's filtering. Safe because every twin belongs to one input partition.
     */
    partitionsConsumedConcurrently: positiveInt.default(6),
    sessionTimeoutMs: positiveInt.default(30000),
    heartbeatIntervalMs: positiveInt.default(3000),
    /** Assets ("tenant/asset") that get per-asset uncertainty series; all others are aggregated only. */
    watchList: z.array(z.string()).default([]),
    /** Largest forecast/what-if step count. */
    maxForecastSteps: positiveInt.default(10000),
  })
  .prefault({});

/** The whole assimilation configuration: the shared base plus the `assimilation` section. */
export const assimilationConfigSchema = baseConfigSchema.extend({ assimilation: assimilationSectionSchema });

/** Validated assimilation configuration. */
export type AssimilationConfig = z.infer<typeof assimilationConfigSchema>;

/** Environment variables of the assimilation section (besides the base ones such as `KAFKA_BROKERS`). */
export const assimilationEnvBindings: Readonly<Record<string, EnvBinding>> = {
  ASSIMILATION_VALID_TOPIC: { path: "assimilation.topics.valid" },
  ASSIMILATION_ESTIMATES_TOPIC: { path: "assimilation.topics.estimates" },
  ASSIMILATION_STATE_TOPIC: { path: "assimilation.topics.state" },
  ASSIMILATION_DEFINITIONS_TOPIC: { path: "assimilation.topics.definitions" },
  ASSIMILATION_PROGRESS_TOPIC: { path: "assimilation.topics.progress" },
  ASSIMILATION_DEFINITION_FILES: { path: "assimilation.definitionFiles", type: "list" },
  ASSIMILATION_BINDING_FILES: { path: "assimilation.bindingFiles", type: "list" },
  ASSIMILATION_GROUP_ID: { path: "assimilation.groupId" },
  ASSIMILATION_TRANSACTIONAL_ID_PREFIX: { path: "assimilation.transactionalIdPrefix" },
  ASSIMILATION_INSTANCE_ID: { path: "assimilation.instanceId" },
  ASSIMILATION_MAX_MESSAGES_PER_TRANSACTION: { path: "assimilation.maxMessagesPerTransaction", type: "number" },
  ASSIMILATION_PARTITIONS_CONSUMED_CONCURRENTLY: {
    path: "assimilation.partitionsConsumedConcurrently",
    type: "number",
  },
  ASSIMILATION_SESSION_TIMEOUT_MS: { path: "assimilation.sessionTimeoutMs", type: "number" },
  ASSIMILATION_HEARTBEAT_INTERVAL_MS: { path: "assimilation.heartbeatIntervalMs", type: "number" },
  ASSIMILATION_WATCH_LIST: { path: "assimilation.watchList", type: "list" },
};

/** Reads the configuration from `TWINSTATE_CONFIG` (file) and the environment; throws ConfigError. */
export function loadAssimilationConfig(
  environment: Readonly<Record<string, string | undefined>> = process.env,
): AssimilationConfig {
  return loadConfig({
    schema: assimilationConfigSchema,
    env: assimilationEnvBindings,
    defaults: { service: "assimilation" },
    environment,
  });
}
