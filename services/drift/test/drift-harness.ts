import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  DefinitionFormat,
  type DriftEvent,
  DriftEventSchema,
  type StateEstimate,
  StateEstimateSchema,
  TwinDefinitionSchema,
} from "@twinstate/proto";
import { type Admin, Kafka, logLevel, Partitioners } from "kafkajs";
import { DriftDefinitions } from "../src/definitions/drift-definitions.ts";
import { DriftSuites } from "../src/suites/drift-suites.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

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
    clientId: `drift-test-${randomUUID().slice(0, 8)}`,
    brokers: brokers(),
    logLevel: logLevel.NOTHING,
  });
}

/** Uniquely named topics of one test. */
export interface TestTopics {
  readonly estimates: string;
  readonly drift: string;
  readonly state: string;
  readonly definitions: string;
  readonly groupId: string;
  readonly prefix: string;
}

/** Creates fresh topics (keyed ones with `partitions` partitions) named after the test. */
export async function createTestTopics(admin: Admin, name: string, partitions: number): Promise<TestTopics> {
  const prefix = `drift-${name}-${randomUUID().slice(0, 8)}`;
  const t: TestTopics = {
    estimates: `${prefix}.estimates`,
    drift: `${prefix}.drift`,
    state: `${prefix}.state`,
    definitions: `${prefix}.definitions`,
    groupId: `${prefix}-group`,
    prefix,
  };
  const compact = [{ name: "cleanup.policy", value: "compact" }];
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: t.estimates, numPartitions: partitions, replicationFactor: 1 },
      { topic: t.drift, numPartitions: partitions, replicationFactor: 1 },
      { topic: t.state, numPartitions: partitions, replicationFactor: 1, configEntries: compact },
      { topic: t.definitions, numPartitions: 1, replicationFactor: 1, configEntries: compact },
    ],
  });
  return t;
}

/** Produces estimates keyed tenant/asset, in the given order. */
export async function produceEstimates(
  kafka: Kafka,
  topic: string,
  estimates: readonly StateEstimate[],
): Promise<void> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (let i = 0; i < estimates.length; i += 1000) {
      await producer.send({
        topic,
        acks: -1,
        messages: estimates.slice(i, i + 1000).map((e) => ({
          key: `${e.tenant}/${e.asset}`,
          value: Buffer.from(toBinary(StateEstimateSchema, e)),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Every committed record of a topic (read_committed), from the beginning to its current end. */
export async function readAll(
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

/** Every committed drift event. */
export async function readDriftEvents(kafka: Kafka, topic: string): Promise<DriftEvent[]> {
  return (await readAll(kafka, topic))
    .filter((r) => r.value !== null)
    .map((r) => fromBinary(DriftEventSchema, r.value as Buffer));
}

/** The drift events an uninterrupted, in-process run of the same code gives (per-asset order is what Kafka keeps). */
export function offlineDriftEvents(
  estimates: readonly StateEstimate[],
  definitions: DriftDefinitions = new DriftDefinitions(),
): DriftEvent[] {
  const suites = new DriftSuites(definitions);
  const out: DriftEvent[] = [];
  for (const e of estimates) {
    const o = suites.process(e, 0);
    if (o.kind === "fed") out.push(...o.events);
  }
  return out;
}

/** Publishes a twin class version document to the definitions topic (key `class/<id>/<version>`), as assimilation's admin API does. */
export async function publishDefinition(
  kafka: Kafka,
  topic: string,
  id: string,
  version: number,
  yaml: string,
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const record = create(TwinDefinitionSchema, {
      twinClassId: id,
      version,
      document: yaml,
      format: DefinitionFormat.YAML,
    });
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: `class/${id}/${version}`, value: Buffer.from(toBinary(TwinDefinitionSchema, record)) }],
    });
  } finally {
    await producer.disconnect();
  }
}

/** Canonical bytes of events, sorted, for exact multiset comparison. */
export function canonical(events: readonly DriftEvent[]): string[] {
  return events.map((e) => Buffer.from(toBinary(DriftEventSchema, e)).toString("base64")).sort();
}

/** Committed offset sum of the drift group on the estimates topic. */
export async function committedTotal(admin: Admin, topics: TestTopics): Promise<number> {
  const offsets = await admin.fetchOffsets({ groupId: topics.groupId, topics: [topics.estimates] });
  let total = 0;
  for (const t of offsets) for (const p of t.partitions) if (Number(p.offset) > 0) total += Number(p.offset);
  return total;
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

/** The bearer token of the test services' one principal (`read` … `admin` on every tenant). */
export const ADMIN_TOKEN = "drift-test-admin-token";

let tokensFile: string | undefined;

/**
 * The token file the test services authenticate gRPC calls with (tokens mode, the default): {@link ADMIN_TOKEN}
 * as an admin of every tenant, stored as its SHA-256 like a real deployment's file.
 */
export function testTokensFile(): string {
  if (tokensFile === undefined) {
    const file = join(mkdtempSync(join(tmpdir(), "drift-tokens-")), "tokens.yaml");
    const sha256 = createHash("sha256").update(ADMIN_TOKEN, "utf8").digest("hex");
    writeFileSync(file, `tokens:\n  - { name: drift-test-admin, sha256: ${sha256}, tenants: ["*"], roles: [admin] }\n`);
    tokensFile = file;
  }
  return tokensFile;
}

/** A drift service child process. */
export interface DriftProcess {
  readonly child: ChildProcess;
  readonly grpcPort: number;
  /** Port of the metrics and health HTTP server. */
  readonly httpPort: number;
  readonly logs: string[];
  /** Resolves when gRPC listens (every lifecycle component before it has started). */
  readonly listening: Promise<void>;
  readonly exited: Promise<number | string>;
}

/** Starts `services/drift/src/main.ts` on the test topics with short session timeouts and small transactions. */
export async function startDrift(
  topics: TestTopics,
  id: string,
  extraEnv: Record<string, string> = {},
): Promise<DriftProcess> {
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      KAFKA_BROKERS: brokers().join(","),
      LOG_LEVEL: "info",
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(grpcPort),
      DRIFT_ESTIMATES_TOPIC: topics.estimates,
      DRIFT_EVENTS_TOPIC: topics.drift,
      DRIFT_STATE_TOPIC: topics.state,
      DRIFT_DEFINITIONS_TOPIC: topics.definitions,
      DRIFT_GROUP_ID: topics.groupId,
      DRIFT_TRANSACTIONAL_ID_PREFIX: topics.prefix,
      DRIFT_INSTANCE_ID: id,
      DRIFT_MAX_MESSAGES_PER_TRANSACTION: "50",
      DRIFT_SESSION_TIMEOUT_MS: "6000",
      DRIFT_HEARTBEAT_INTERVAL_MS: "500",
      GRPC_AUTH_MODE: "tokens",
      GRPC_AUTH_TOKENS_FILE: testTokensFile(),
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  let resolveListening: () => void = () => undefined;
  let rejectListening: (e: Error) => void = () => undefined;
  const listening = new Promise<void>((resolve, reject) => {
    resolveListening = resolve;
    rejectListening = reject;
  });
  listening.catch(() => undefined);
  let buffered = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      logs.push(line);
      if (line.includes("DriftService listening")) resolveListening();
      nl = buffered.indexOf("\n");
    }
  });
  child.stderr?.on("data", (d: Buffer) => logs.push(d.toString()));
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => {
      rejectListening(new Error(`drift exited (${code ?? signal}) before listening:\n${logs.slice(-30).join("\n")}`));
      resolve(code ?? signal ?? "unknown");
    });
  });
  return { child, grpcPort, httpPort, logs, listening, exited };
}

/** Stops a service gracefully (SIGTERM) and waits for it to exit. */
export async function stopDrift(p: DriftProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
  await p.exited;
}

/** Polls until `check` holds or the timeout passes. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
