import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { Metadata } from "@grpc/grpc-js";
import {
  type StateEstimate,
  StateEstimateSchema,
  type TwinCheckpoint,
  TwinCheckpointSchema,
  type ValidatedReading,
  ValidatedReadingSchema,
} from "@twinstate/proto";
import { type Admin, Kafka, logLevel, Partitioners } from "kafkajs";
import { repoRoot } from "./reading-fixtures.ts";

/** Broker addresses from the integration project's global setup. */
export function brokers(): string[] {
  const value = process.env.KAFKA_BROKERS;
  if (value === undefined || value.trim() === "")
    throw new Error("KAFKA_BROKERS is not set (run the integration project)");
  return value.split(",").map((b) => b.trim());
}

/** A kafkajs client for tests. */
export function testKafka(): Kafka {
  return new Kafka({
    clientId: `assimilation-test-${randomUUID().slice(0, 8)}`,
    brokers: brokers(),
    logLevel: logLevel.NOTHING,
  });
}

/** Uniquely named topics of one test. */
export interface TestTopics {
  readonly valid: string;
  readonly estimates: string;
  readonly state: string;
  readonly definitions: string;
  readonly groupId: string;
  readonly prefix: string;
}

/** Creates fresh topics (keyed ones with `partitions` partitions) named after the test. */
export async function createTestTopics(admin: Admin, name: string, partitions: number): Promise<TestTopics> {
  const prefix = `asm-${name}-${randomUUID().slice(0, 8)}`;
  const t: TestTopics = {
    valid: `${prefix}.valid`,
    estimates: `${prefix}.estimates`,
    state: `${prefix}.state`,
    definitions: `${prefix}.definitions`,
    groupId: `${prefix}-group`,
    prefix,
  };
  const created = admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: t.valid, numPartitions: partitions, replicationFactor: 1 },
      { topic: t.estimates, numPartitions: partitions, replicationFactor: 1 },
      {
        topic: t.state,
        numPartitions: partitions,
        replicationFactor: 1,
        configEntries: [{ name: "cleanup.policy", value: "compact" }],
      },
      {
        topic: t.definitions,
        numPartitions: 1,
        replicationFactor: 1,
        configEntries: [{ name: "cleanup.policy", value: "compact" }],
      },
    ],
  });
  // On a broker that has just started, waiting for leaders can fail with UNKNOWN_TOPIC_OR_PARTITION although
  // the topics were created: then wait until their metadata shows a leader for every partition.
  await created.catch((error: { type?: string; cause?: { type?: string }; originalError?: { type?: string } }) => {
    const type = error.type ?? error.cause?.type ?? error.originalError?.type;
    if (type !== "UNKNOWN_TOPIC_OR_PARTITION") throw error;
  });
  await waitFor("test topics have leaders", async () => {
    const metadata = await admin
      .fetchTopicMetadata({ topics: [t.valid, t.estimates, t.state, t.definitions] })
      .catch(() => undefined);
    return metadata?.topics.every((topic) => topic.partitions.every((p) => p.leader >= 0)) ?? false;
  });
  return t;
}

/** Produces readings to the valid topic, keyed tenant/asset, in order. */
export async function produceReadings(
  kafka: Kafka,
  topic: string,
  readings: readonly ValidatedReading[],
): Promise<void> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (let i = 0; i < readings.length; i += 500) {
      await producer.send({
        topic,
        acks: -1,
        messages: readings.slice(i, i + 500).map((r) => ({
          key: `${r.reading?.tenant}/${r.reading?.asset}`,
          value: Buffer.from(toBinary(ValidatedReadingSchema, r)),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Reads a whole topic (read_committed) from the beginning up to its current end. */
async function readAll(
  kafka: Kafka,
  topic: string,
): Promise<{ key: string; value: Buffer | null; partition: number; offset: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(
    offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]),
  );
  const out: { key: string; value: Buffer | null; partition: number; offset: string }[] = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), 60_000);
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      const high = remaining.get(e.payload.partition);
      if (high !== undefined && BigInt(e.payload.lastOffset) + 1n >= high) remaining.delete(e.payload.partition);
      if (remaining.size === 0) {
        clearTimeout(timer);
        resolve();
      }
    });
    void consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ message, partition }) => {
          out.push({ key: message.key?.toString() ?? "", value: message.value, partition, offset: message.offset });
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out;
}

/** Every committed estimate of the topic, in per-partition offset order. */
export async function readEstimates(kafka: Kafka, topic: string): Promise<StateEstimate[]> {
  const records = await readAll(kafka, topic);
  records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  return records.filter((r) => r.value !== null).map((r) => fromBinary(StateEstimateSchema, r.value as Buffer));
}

/** The latest committed checkpoint per key of the changelog. */
export async function readCheckpoints(kafka: Kafka, topic: string): Promise<Map<string, TwinCheckpoint>> {
  const records = await readAll(kafka, topic);
  records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  const out = new Map<string, TwinCheckpoint>();
  for (const r of records) if (r.value !== null) out.set(r.key, fromBinary(TwinCheckpointSchema, r.value));
  return out;
}

/** Counts committed records of a topic without decoding. */
export async function countCommitted(kafka: Kafka, topic: string): Promise<number> {
  return (await readAll(kafka, topic)).length;
}

/**
 * Bearer tokens of the test token file every worker starts with: a platform admin over all tenants, an
 * operator of tenant `acme` (write) and a reader of tenant `fleet` (read).
 */
export const testTokens = {
  admin: "test-token-platform-admin",
  acme: "test-token-acme-operator",
  fleet: "test-token-fleet-reader",
} as const;

const sha256 = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
let tokensFilePath: string | undefined;

/** Writes (once per test process) the hashed token file of {@link testTokens} and returns its path. */
export function testTokensFile(): string {
  if (tokensFilePath !== undefined) return tokensFilePath;
  const path = join(mkdtempSync(join(tmpdir(), "asm-tokens-")), "tokens.yaml");
  writeFileSync(
    path,
    `tokens:
  - { name: platform-admin, sha256: ${sha256(testTokens.admin)}, tenants: ["*"], roles: [admin] }
  - { name: acme-operator, sha256: ${sha256(testTokens.acme)}, tenants: [acme], roles: [write] }
  - { name: fleet-reader, sha256: ${sha256(testTokens.fleet)}, tenants: [fleet], roles: [read] }
`,
  );
  tokensFilePath = path;
  return path;
}

/** gRPC call metadata carrying `authorization: Bearer <token>`. */
export function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${token}`);
  return metadata;
}

/** A worker process running services/assimilation/src/main.ts. */
export interface Worker {
  readonly child: ChildProcess;
  readonly logs: string[];
  readonly exited: Promise<number | null>;
}

/**
 * Starts a worker on the test topics with the example definitions, short session timeouts and small batches;
 * its gRPC server authenticates the bearer tokens of {@link testTokens}.
 */
export function startWorker(topics: TestTopics, id: string, extraEnv: Record<string, string> = {}): Worker {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    KAFKA_BROKERS: brokers().join(","),
    LOG_LEVEL: "warn",
    HTTP_PORT: "0",
    GRPC_PORT: "0",
    ASSIMILATION_VALID_TOPIC: topics.valid,
    ASSIMILATION_ESTIMATES_TOPIC: topics.estimates,
    ASSIMILATION_STATE_TOPIC: topics.state,
    ASSIMILATION_DEFINITIONS_TOPIC: topics.definitions,
    ASSIMILATION_GROUP_ID: topics.groupId,
    ASSIMILATION_TRANSACTIONAL_ID_PREFIX: topics.prefix,
    ASSIMILATION_INSTANCE_ID: id,
    ASSIMILATION_DEFINITION_FILES: ["thermal-rc.yaml", "battery-ecm.yaml", "kinematic-cv.yaml", "pendulum-expr.yaml"]
      .map((f) => `${repoRoot}deploy/twins/${f}`)
      .join(","),
    ASSIMILATION_BINDING_FILES: `${repoRoot}deploy/twins/bindings.yaml`,
    ASSIMILATION_MAX_MESSAGES_PER_TRANSACTION: "50",
    ASSIMILATION_SESSION_TIMEOUT_MS: "6000",
    ASSIMILATION_HEARTBEAT_INTERVAL_MS: "500",
    GRPC_AUTH_MODE: "tokens",
    GRPC_AUTH_TOKENS_FILE: testTokensFile(),
    ...extraEnv,
  };
  const child = spawn(process.execPath, [`${repoRoot}services/assimilation/src/main.ts`], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  child.stdout?.on("data", (d: Buffer) => logs.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => logs.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, logs, exited };
}

/** Polls until `check` holds or the timeout passes. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Committed offset sum of the worker group on the valid topic (how far processing has got). */
export async function committedTotal(admin: Admin, topics: TestTopics): Promise<number> {
  const offsets = await admin.fetchOffsets({ groupId: topics.groupId, topics: [topics.valid] });
  let total = 0;
  for (const t of offsets) for (const p of t.partitions) if (Number(p.offset) > 0) total += Number(p.offset);
  return total;
}
