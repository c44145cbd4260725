/**
 * Runs the REAL ingest service (src/main.ts as a child process of this Node binary) against the real broker
 * of the integration setup, on fresh uniquely named topics, and reads its outputs back read_committed.
 *
 * Why a child process: the invariants are about the deployed service (its wiring, transactions, shutdown and
 * crash behaviour), and kill -9 needs a process to kill.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromBinary } from "@bufbuild/protobuf";
import { InterceptingCall, type Interceptor } from "@grpc/grpc-js";
import {
  type DeadLetterRecord,
  DeadLetterRecordSchema,
  type ValidatedReading,
  ValidatedReadingSchema,
} from "@twinstate/proto";
import { Kafka, logLevel } from "kafkajs";

export const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
export const CONTRACTS_DIR = fileURLToPath(new URL("../../../deploy/contracts", import.meta.url));

/** The broker address the global setup exported. */
export function brokers(): string[] {
  const list = process.env.KAFKA_BROKERS;
  if (list === undefined || list === "") throw new Error("KAFKA_BROKERS is not set (integration global setup)");
  return list.split(",");
}

/** A kafkajs client for the test itself (quiet). */
export function testKafka(clientId = "ingest-test"): Kafka {
  return new Kafka({ clientId, brokers: brokers(), logLevel: logLevel.NOTHING });
}

/** Fresh topic names and ids for one test. */
export interface RunIds {
  readonly raw: string;
  readonly valid: string;
  readonly dlq: string;
  readonly contracts: string;
  readonly groupId: string;
  readonly txPrefix: string;
}

/**
 * Creates fresh raw, valid, dlq (and contracts) topics with `partitions` partitions; `rawConfig` adds topic configs
 * to the raw topic (e.g. a larger `max.message.bytes`).
 */
export async function freshTopics(
  kafka: Kafka,
  partitions = 6,
  rawConfig: readonly { name: string; value: string }[] = [],
): Promise<RunIds> {
  const id = randomUUID().slice(0, 8);
  const ids: RunIds = {
    raw: `test.ingest.${id}.raw`,
    valid: `test.ingest.${id}.valid`,
    dlq: `test.ingest.${id}.dlq`,
    contracts: `test.ingest.${id}.contracts`,
    groupId: `test-ingest-${id}`,
    txPrefix: `test-ingest-${id}`,
  };
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: false,
      topics: [
        { topic: ids.raw, numPartitions: partitions, replicationFactor: 1, configEntries: [...rawConfig] },
        { topic: ids.valid, numPartitions: partitions, replicationFactor: 1 },
        { topic: ids.dlq, numPartitions: partitions, replicationFactor: 1 },
        {
          topic: ids.contracts,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [{ name: "cleanup.policy", value: "compact" }],
        },
      ],
    });
    // kafkajs's own waitForLeaders races topic creation on KRaft ("does not host this topic-partition"): poll
    const names = [ids.raw, ids.valid, ids.dlq, ids.contracts];
    for (let attempt = 0; ; attempt++) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: names });
        if (topics.length === names.length && topics.every((t) => t.partitions.every((p) => p.leader >= 0))) break;
      } catch (error) {
        if (attempt > 50) throw error;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
  return ids;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Bearer tokens of the test services (tokens mode, the default): an admin of every tenant, a writer and a
 * reader of tenant "acme" only.
 */
export const TEST_TOKENS = {
  admin: "ingest-test-admin-token",
  acmeWriter: "ingest-test-acme-writer-token",
  acmeReader: "ingest-test-acme-reader-token",
} as const;

let tokensFile: string | undefined;

/** The token file of {@link TEST_TOKENS} (SHA-256 hashes, like a real deployment's), written once per test file. */
export function testTokensFile(): string {
  if (tokensFile === undefined) {
    const sha = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
    const file = join(mkdtempSync(join(tmpdir(), "ingest-tokens-")), "tokens.yaml");
    writeFileSync(
      file,
      `tokens:
  - { name: ingest-test-admin, sha256: ${sha(TEST_TOKENS.admin)}, tenants: ["*"], roles: [admin] }
  - { name: acme-writer, sha256: ${sha(TEST_TOKENS.acmeWriter)}, tenants: [acme], roles: [write] }
  - { name: acme-reader, sha256: ${sha(TEST_TOKENS.acmeReader)}, tenants: [acme], roles: [read] }
`,
    );
    tokensFile = file;
  }
  return tokensFile;
}

/** A client interceptor that sends `authorization: Bearer <token>` with every call (default: the admin token). */
export function bearerInterceptor(token: string = TEST_TOKENS.admin): Interceptor {
  return (options, next) =>
    new InterceptingCall(next(options), {
      start: (metadata, listener, start) => {
        metadata.set("authorization", `Bearer ${token}`);
        start(metadata, listener);
      },
    });
}

/** A running service child process. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly grpcPort: number;
  /** Resolves when the child logged that every component started. */
  readonly running: Promise<void>;
  /** Resolves with the exit code (or signal) when the child ends. */
  readonly exited: Promise<number | string>;
  /** Log lines (JSON) written so far. */
  readonly logs: string[];
}

/** Starts src/main.ts with the given topics; `extraEnv` overrides. */
export async function startService(ids: RunIds, extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
  const grpcPort = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      KAFKA_BROKERS: brokers().join(","),
      LOG_LEVEL: "info",
      HTTP_PORT: "0",
      GRPC_PORT: String(grpcPort),
      INGEST_CONTRACTS_DIR: CONTRACTS_DIR,
      INGEST_RAW_TOPIC: ids.raw,
      INGEST_VALID_TOPIC: ids.valid,
      INGEST_DLQ_TOPIC: ids.dlq,
      INGEST_CONTRACTS_TOPIC: ids.contracts,
      INGEST_GROUP_ID: ids.groupId,
      INGEST_TRANSACTIONAL_ID_PREFIX: ids.txPrefix,
      INGEST_GRPC_PRODUCER_ID: "test",
      SHUTDOWN_GRACE_MS: "20000",
      KAFKAJS_NO_PARTITIONER_WARNING: "1",
      GRPC_AUTH_MODE: "tokens",
      GRPC_AUTH_TOKENS_FILE: testTokensFile(),
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  let resolveRunning!: () => void;
  let rejectRunning!: (e: Error) => void;
  const running = new Promise<void>((resolve, reject) => {
    resolveRunning = resolve;
    rejectRunning = reject;
  });
  running.catch(() => undefined);
  let buffered = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      logs.push(line);
      if (line.includes('"msg":"running"')) resolveRunning();
      nl = buffered.indexOf("\n");
    }
  });
  child.stderr!.on("data", (chunk: Buffer) => logs.push(chunk.toString("utf8")));
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      rejectRunning(new Error(`service exited (${code ?? signal}) before running:\n${logs.slice(-30).join("\n")}`));
      resolve(code ?? signal ?? "unknown");
    });
  });
  return { child, grpcPort, running, exited, logs };
}

/** Stops a service gracefully (SIGTERM) and waits for it to exit. */
export async function stopService(service: ServiceProcess): Promise<number | string> {
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill("SIGTERM");
  return service.exited;
}

/** One output record read back. */
export type OutputRead =
  | { readonly kind: "valid"; readonly key: string; readonly message: ValidatedReading }
  | { readonly kind: "dlq"; readonly key: string; readonly reason: string; readonly message: DeadLetterRecord };

/**
 * Reads the valid and dead-letter topics read_committed from the beginning until `expected` records arrived,
 * then keeps reading for `settleMs` so that any EXTRA record would be seen too.
 */
export async function readOutputs(
  kafka: Kafka,
  ids: RunIds,
  expected: number,
  timeoutMs: number,
  settleMs = 3000,
  onProgress?: (count: number) => void,
): Promise<OutputRead[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, readUncommitted: false, maxBytes: 20 << 20 });
  const out: OutputRead[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [ids.valid, ids.dlq], fromBeginning: true });
  let reached: () => void;
  const done = new Promise<void>((resolve) => {
    reached = resolve;
  });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const key = m.key?.toString("utf8") ?? "";
        if (batch.topic === ids.valid) {
          out.push({ kind: "valid", key, message: fromBinary(ValidatedReadingSchema, m.value!) });
        } else {
          out.push({
            kind: "dlq",
            key,
            reason: m.headers?.["twinstate-reason"]?.toString() ?? "",
            message: fromBinary(DeadLetterRecordSchema, m.value!),
          });
        }
      }
      onProgress?.(out.length);
      if (out.length >= expected) reached();
    },
  });
  const timer = setTimeout(() => reached(), timeoutMs);
  await done;
  clearTimeout(timer);
  if (out.length >= expected) await new Promise((r) => setTimeout(r, settleMs));
  await consumer.disconnect();
  return out;
}

/** One raw record as stored: position, bytes and the test's input index header. */
export interface RawRead {
  readonly partition: number;
  readonly offset: string;
  readonly value: Buffer;
  readonly index: number;
}

/** Reads the whole raw topic back (count records known). */
export async function readRaw(kafka: Kafka, topic: string, expected: number, timeoutMs = 60_000): Promise<RawRead[]> {
  const consumer = kafka.consumer({ groupId: `raw-reader-${randomUUID()}`, maxBytes: 20 << 20 });
  const out: RawRead[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let reached: () => void;
  const done = new Promise<void>((resolve) => {
    reached = resolve;
  });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        out.push({
          partition: batch.partition,
          offset: m.offset,
          value: m.value ?? Buffer.alloc(0),
          index: Number(m.headers?.["test-index"]?.toString() ?? "-1"),
        });
      }
      if (out.length >= expected) reached();
    },
  });
  const timer = setTimeout(() => reached(), timeoutMs);
  await done;
  clearTimeout(timer);
  await consumer.disconnect();
  return out;
}

/** Produces inputs to the raw topic in order, `test-index` header = position in `inputs`. */
export async function produceInputs(
  kafka: Kafka,
  topic: string,
  inputs: readonly { key: string; value: Uint8Array }[],
  from = 0,
  to = inputs.length,
  chunk = 5000,
): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let begin = from; begin < to; begin += chunk) {
      const end = Math.min(to, begin + chunk);
      const messages = [];
      for (let i = begin; i < end; i++) {
        const input = inputs[i]!;
        messages.push({
          key: input.key,
          value: Buffer.from(input.value.buffer, input.value.byteOffset, input.value.byteLength),
          headers: { "test-index": String(i) },
        });
      }
      await producer.send({ topic, messages, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}
