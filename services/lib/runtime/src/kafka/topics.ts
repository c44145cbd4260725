/**
 * The Kafka topics of twinstate, declared as data, and `ensureTopics`, which makes a cluster match them.
 *
 * Why one declaration: every per-asset topic is keyed `tenant/asset`, and a worker that owns partition p of
 * its input must own partition p of its changelog and outputs (its assets' readings, filter state and output
 * order). That only holds while all keyed topics have the SAME partition count and the default partitioner,
 * so the count is one number here (`keyedPartitions`), never chosen per topic. The compacted changelogs hold
 * the latest state per key and must never be time-deleted, so their cleanup policy is checked, not assumed.
 */
import type { Admin, ITopicConfig } from "kafkajs";
import { TwinstateError } from "../errors/twinstate-error.ts";

/** Names of every topic, by role: use these constants, never string literals, in services and tests. */
export const Topics = {
  /** Raw readings from sensor pipelines (protobuf), keyed tenant/asset; ingest validates them. */
  telemetryRaw: "telemetry.raw.v1",
  /** Readings that passed validation, keyed tenant/asset; assimilation's input. */
  telemetryValid: "telemetry.valid.v1",
  /** Readings that failed validation, with the reason in headers; conservation: raw = valid + dlq. */
  telemetryDlq: "telemetry.dlq.v1",
  /** One estimate per valid reading (read_committed), keyed tenant/asset. */
  twinEstimates: "twin.estimates.v1",
  /** Compacted changelog of each twin's filter state, restored on partition assignment. */
  twinState: "twin.state.v1",
  /** Compacted, versioned twin class definitions and asset bindings, read whole by every service. */
  twinDefinitions: "twin.definitions.v1",
  /** Drift events found by the drift service, keyed tenant/asset. */
  twinDrift: "twin.drift.v1",
  /** Alert state changes published by the alerting service, keyed tenant/asset. */
  twinAlerts: "twin.alerts.v1",
  /** Compacted changelog of drift detector state, co-partitioned with twin.estimates.v1. */
  driftState: "drift.state.v1",
  /** Compacted changelog of alert state, co-partitioned with twin.drift.v1. */
  alertingState: "alerting.state.v1",
  /** Compacted data contracts (schemas, limits) that ingest applies at run time, read whole. */
  ingestContracts: "ingest.contracts.v1",
  /**
   * Compacted progress of every exactly-once consumer: per (group, input topic, partition) the next input offset,
   * written in the same transaction as the outputs; the exact resume point after a fence (see the seam).
   */
  seamProgress: "twinstate.progress.v1",
} as const;

/** Role of a topic: a key of `Topics`. */
export type TopicRole = keyof typeof Topics;
/** A topic name declared in `Topics`. */
export type TopicName = (typeof Topics)[TopicRole];

/**
 * Kafka `cleanup.policy`: `delete` drops old segments by time or size; `compact` keeps the latest record
 * per key (changelogs and definitions).
 */
export type CleanupPolicy = "delete" | "compact";

/** Partition count of every keyed per-asset topic when none is configured. */
export const DEFAULT_KEYED_PARTITIONS = 6;

/** How a cluster's topics are laid out; the same options must be used by every service of a cluster. */
export interface TopicLayoutOptions {
  /**
   * Partitions of every keyed per-asset topic (raw, valid, dlq, estimates, state, drift, alerts and the
   * drift/alerting changelogs). Bounds the number of workers per consumer group. Default 6.
   */
  readonly keyedPartitions?: number;
  /** Replicas per partition: 1 on the local single-node broker, 3 on a real cluster. Default 1. */
  readonly replicationFactor?: number;
}

/** One topic as it must exist on the cluster. */
export interface TopicSpec {
  /** Role in `Topics`. */
  readonly role: TopicRole;
  /** Topic name. */
  readonly name: TopicName;
  /** True for per-asset topics keyed `tenant/asset`, which must share `keyedPartitions`. */
  readonly keyed: boolean;
  /** Partition count on the cluster. */
  readonly partitions: number;
  /** Kafka cleanup.policy. */
  readonly cleanupPolicy: CleanupPolicy;
  /** Topic configs set at creation (cleanup.policy included). Not enforced on existing topics. */
  readonly configs: Readonly<Record<string, string>>;
}

/**
 * DescribeConfigs resource type of a topic (kafkajs `ConfigResourceTypes.TOPIC`): kafkajs's typings declare
 * that enum but its entry point does not export it at run time.
 */
const CONFIG_RESOURCE_TOPIC = 2;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Retention for streams of events: long enough to replay a week of input after an incident. */
const streamConfigs = (retentionDays: number): Record<string, string> => ({
  "retention.ms": String(retentionDays * DAY_MS),
});

/**
 * Changelog and registry configs: compact, never delete by time; roll segments hourly and clean at 10 %
 * dirty so restore reads little superseded state; keep tombstones a day so slow readers still see deletes.
 */
const compactedConfigs: Record<string, string> = {
  "min.cleanable.dirty.ratio": "0.1",
  "segment.ms": String(60 * 60 * 1000),
  "delete.retention.ms": String(DAY_MS),
};

/** The declaration each spec is built from: `keyed` topics get `keyedPartitions`, the others one partition. */
const declarations: ReadonlyArray<{
  readonly role: TopicRole;
  readonly keyed: boolean;
  readonly cleanupPolicy: CleanupPolicy;
  readonly configs: Readonly<Record<string, string>>;
}> = [
  { role: "telemetryRaw", keyed: true, cleanupPolicy: "delete", configs: streamConfigs(7) },
  { role: "telemetryValid", keyed: true, cleanupPolicy: "delete", configs: streamConfigs(7) },
  { role: "telemetryDlq", keyed: true, cleanupPolicy: "delete", configs: streamConfigs(14) },
  { role: "twinEstimates", keyed: true, cleanupPolicy: "delete", configs: streamConfigs(7) },
  { role: "twinState", keyed: true, cleanupPolicy: "compact", configs: compactedConfigs },
  { role: "twinDefinitions", keyed: false, cleanupPolicy: "compact", configs: compactedConfigs },
  { role: "twinDrift", keyed: true, cleanupPolicy: "delete", configs: streamConfigs(30) },
  { role: "twinAlerts", keyed: true, cleanupPolicy: "delete", configs: streamConfigs(30) },
  { role: "driftState", keyed: true, cleanupPolicy: "compact", configs: compactedConfigs },
  { role: "alertingState", keyed: true, cleanupPolicy: "compact", configs: compactedConfigs },
  { role: "ingestContracts", keyed: false, cleanupPolicy: "compact", configs: compactedConfigs },
  // Keyed by group/topic/partition, not tenant/asset; the same partition count keeps input partition p's
  // progress on partition p (p mod the count when an input topic has more partitions).
  { role: "seamProgress", keyed: true, cleanupPolicy: "compact", configs: compactedConfigs },
];

/**
 * Thrown when layout options are not usable (a partition count or replication factor that is not an
 * integer >= 1); they come from configuration, so the code is `INVALID_CONFIG`.
 */
export class InvalidTopicLayoutError extends TwinstateError {
  declare readonly code: "INVALID_CONFIG";
  constructor(message: string, details: Readonly<Record<string, unknown>>) {
    super("INVALID_CONFIG", message, { details, retriable: false });
  }
}

/** One way an existing topic differs from its spec. */
export interface TopicMismatch {
  /** Topic name. */
  readonly topic: TopicName;
  /** What differs. */
  readonly property: "partitions" | "cleanup.policy";
  /** Value the spec requires. */
  readonly expected: string;
  /** Value found on the cluster. */
  readonly actual: string;
}

/**
 * Thrown by `ensureTopics` when existing topics differ from their specs in partition count or cleanup
 * policy. Neither is fixed automatically: adding partitions moves keys between partitions (breaking
 * per-asset order and changelog co-partitioning) and a changed cleanup policy may already have lost state,
 * so an operator has to decide. Code `FAILED_PRECONDITION`.
 */
export class TopicMismatchError extends TwinstateError {
  declare readonly code: "FAILED_PRECONDITION";
  /** Every difference found, one entry per topic and property. */
  readonly mismatches: readonly TopicMismatch[];
  constructor(mismatches: readonly TopicMismatch[]) {
    super(
      "FAILED_PRECONDITION",
      `existing Kafka topics differ from their declaration: ${mismatches
        .map((m) => `${m.topic} ${m.property} is ${m.actual}, expected ${m.expected}`)
        .join("; ")}`,
      { details: { mismatches }, retriable: false },
    );
    this.mismatches = mismatches;
  }
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidTopicLayoutError(`${what} must be an integer >= 1, got ${value}`, { [what]: value });
  }
  return value;
}

/**
 * The full topic layout for the given options, in declaration order. Keyed topics all get
 * `keyedPartitions`; the definitions and contracts registries get one partition so that every reader sees
 * one total order of versions.
 */
export function topicSpecs(options: TopicLayoutOptions = {}): readonly TopicSpec[] {
  const keyedPartitions = positiveInteger(options.keyedPartitions ?? DEFAULT_KEYED_PARTITIONS, "keyedPartitions");
  return declarations.map((d) => ({
    role: d.role,
    name: Topics[d.role],
    keyed: d.keyed,
    partitions: d.keyed ? keyedPartitions : 1,
    cleanupPolicy: d.cleanupPolicy,
    configs: { "cleanup.policy": d.cleanupPolicy, ...d.configs },
  }));
}

/** Options of `ensureTopics`. */
export interface EnsureTopicsOptions extends TopicLayoutOptions {
  /** Milliseconds the broker may take to create topics and elect leaders. Default 30000. */
  readonly timeoutMs?: number;
}

/** What `ensureTopics` did. */
export interface EnsureTopicsResult {
  /** Topics this call created. */
  readonly created: readonly TopicName[];
  /** Topics that already existed (or a concurrent caller created) and match their specs. */
  readonly existing: readonly TopicName[];
}

/** Kafka's `cleanup.policy` value as a set, so "compact,delete" and "delete,compact" compare equal. */
function policySet(value: string): string {
  return value
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .sort()
    .join(",");
}

/** kafkajs error types that mean "the broker has not applied the new topic's metadata yet". */
const NOT_YET_VISIBLE = new Set(["UNKNOWN_TOPIC_OR_PARTITION", "LEADER_NOT_AVAILABLE"]);

/**
 * Waits until every partition of `topics` has a leader in the broker's metadata.
 *
 * Why not kafkajs `createTopics({ waitForLeaders: true })`: it retries only LEADER_NOT_AVAILABLE, but a KRaft
 * broker answers UNKNOWN_TOPIC_OR_PARTITION for a topic the controller created and the broker has not yet
 * replayed, so that wait fails now and then right after creation (seen with Kafka 4.1.2).
 *
 * @throws Error when the leaders are not there within `timeoutMs`
 */
export async function waitForTopicLeaders(admin: Admin, topics: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no metadata yet";
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const leaderless = metadata.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0));
      if (leaderless.length === 0 && metadata.length === topics.length) return;
      last = `no leader yet for ${leaderless.map((t) => t.name).join(", ")}`;
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (typeof type !== "string" || !NOT_YET_VISIBLE.has(type)) throw error;
      last = type;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for leaders of ${topics.join(", ")}: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Creates the declared topics that are missing (idempotent, safe against concurrent callers) and checks
 * that the existing ones have the declared partition count and cleanup policy.
 *
 * @param admin a connected kafkajs admin client
 * @throws TopicMismatchError when an existing topic has another partition count or cleanup policy
 * @throws InvalidTopicLayoutError when the options are invalid
 */
export async function ensureTopics(admin: Admin, options: EnsureTopicsOptions = {}): Promise<EnsureTopicsResult> {
  const specs = topicSpecs(options);
  const replicationFactor = positiveInteger(options.replicationFactor ?? 1, "replicationFactor");
  const timeoutMs = options.timeoutMs ?? 30_000;
  const present = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !present.has(s.name));
  let created: TopicName[] = [];
  if (missing.length > 0) {
    const topics: ITopicConfig[] = missing.map((s) => ({
      topic: s.name,
      numPartitions: s.partitions,
      replicationFactor,
      configEntries: Object.entries({
        ...s.configs,
        "min.insync.replicas": String(Math.max(1, replicationFactor - 1)),
      }).map(([name, value]) => ({ name, value })),
    }));
    // false: every missing topic was created meanwhile by a concurrent caller (TOPIC_ALREADY_EXISTS).
    // Leaders are awaited here rather than by kafkajs (see waitForTopicLeaders).
    const createdAll = await admin.createTopics({ topics, waitForLeaders: false, timeout: timeoutMs });
    if (createdAll) created = missing.map((s) => s.name);
    await waitForTopicLeaders(
      admin,
      missing.map((s) => s.name),
      timeoutMs,
    );
  }

  const names = specs.map((s) => s.name);
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
  const partitionsByTopic = new Map(metadata.map((t) => [t.name, t.partitions.length]));
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: CONFIG_RESOURCE_TOPIC, name, configNames: ["cleanup.policy"] })),
  });
  const policyByTopic = new Map(
    configs.resources.map((r) => [
      r.resourceName,
      r.configEntries.find((e) => e.configName === "cleanup.policy")?.configValue ?? "",
    ]),
  );

  const mismatches: TopicMismatch[] = [];
  for (const spec of specs) {
    const partitions = partitionsByTopic.get(spec.name) ?? 0;
    if (partitions !== spec.partitions) {
      mismatches.push({
        topic: spec.name,
        property: "partitions",
        expected: String(spec.partitions),
        actual: String(partitions),
      });
    }
    const policy = policyByTopic.get(spec.name) ?? "";
    if (policySet(policy) !== spec.cleanupPolicy) {
      mismatches.push({ topic: spec.name, property: "cleanup.policy", expected: spec.cleanupPolicy, actual: policy });
    }
  }
  if (mismatches.length > 0) throw new TopicMismatchError(mismatches);
  const createdSet = new Set<string>(created);
  return { created, existing: names.filter((n) => !createdSet.has(n)) };
}
