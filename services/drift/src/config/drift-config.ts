import { hostname } from "node:os";
import { baseConfigSchema, type EnvBinding, loadConfig } from "@twinstate/runtime";
import { z } from "zod";

const positiveInt = z.number().int("must be an integer").positive("must be > 0");

/**
 * The drift service's own configuration section (`drift:` in the config file, or the env vars in
 * {@link driftEnvBindings}).
 *
 * Why topic names are configuration: integration tests run real workers against fresh, uniquely named topics;
 * production keeps the defaults (the runtime's `Topics` names).
 */
export const driftSectionSchema = z
  .strictObject({
    topics: z
      .strictObject({
        estimates: z.string().min(1).default("twin.estimates.v1"),
        drift: z.string().min(1).default("twin.drift.v1"),
        state: z.string().min(1).default("drift.state.v1"),
        definitions: z.string().min(1).default("twin.definitions.v1"),
        /** Exactly-once progress records (the seam's exact resume point after a fence). */
        progress: z.string().min(1).default("twinstate.progress.v1"),
      })
      .prefault({}),
    /** Twin definition files (YAML/JSON) whose `drift:` blocks are loaded at start, before the topic. */
    definitionFiles: z.array(z.string().min(1)).default([]),
    /** Consumer group of the estimates topic. */
    groupId: z.string().min(1).default("twinstate-drift"),
    /** Transactional ids are `<prefix>-<topic>-<partition>`. */
    transactionalIdPrefix: z.string().min(1).default("twinstate-drift"),
    /** Identity of this worker (consumer groups of the topics every worker reads whole). */
    instanceId: z.string().min(1).default(`${hostname()}-${process.pid}`),
    /** Estimates per Kafka transaction. */
    maxMessagesPerTransaction: positiveInt.default(5000),
    sessionTimeoutMs: positiveInt.default(30000),
    heartbeatIntervalMs: positiveInt.default(3000),
    /** Drift events the in-memory `ListDriftEvents` index holds (oldest dropped first). */
    indexCapacity: positiveInt.default(100000),
  })
  .prefault({});

/** The whole drift configuration: the shared base plus the `drift` section. */
export const driftConfigSchema = baseConfigSchema.extend({ drift: driftSectionSchema });

/** Validated drift configuration. */
export type DriftConfig = z.infer<typeof driftConfigSchema>;

/** Environment variables of the drift section (besides the base ones such as `KAFKA_BROKERS`). */
export const driftEnvBindings: Readonly<Record<string, EnvBinding>> = {
  DRIFT_ESTIMATES_TOPIC: { path: "drift.topics.estimates" },
  DRIFT_EVENTS_TOPIC: { path: "drift.topics.drift" },
  DRIFT_STATE_TOPIC: { path: "drift.topics.state" },
  DRIFT_DEFINITIONS_TOPIC: { path: "drift.topics.definitions" },
  DRIFT_PROGRESS_TOPIC: { path: "drift.topics.progress" },
  DRIFT_DEFINITION_FILES: { path: "drift.definitionFiles", type: "list" },
  DRIFT_GROUP_ID: { path: "drift.groupId" },
  DRIFT_TRANSACTIONAL_ID_PREFIX: { path: "drift.transactionalIdPrefix" },
  DRIFT_INSTANCE_ID: { path: "drift.instanceId" },
  DRIFT_MAX_MESSAGES_PER_TRANSACTION: { path: "drift.maxMessagesPerTransaction", type: "number" },
  DRIFT_SESSION_TIMEOUT_MS: { path: "drift.sessionTimeoutMs", type: "number" },
  DRIFT_HEARTBEAT_INTERVAL_MS: { path: "drift.heartbeatIntervalMs", type: "number" },
  DRIFT_INDEX_CAPACITY: { path: "drift.indexCapacity", type: "number" },
};

/** Reads the configuration from `TWINSTATE_CONFIG` (file) and the environment; throws ConfigError naming the key. */
export function loadDriftConfig(environment: Readonly<Record<string, string | undefined>> = process.env): DriftConfig {
  return loadConfig({ schema: driftConfigSchema, env: driftEnvBindings, defaults: { service: "drift" }, environment });
}
