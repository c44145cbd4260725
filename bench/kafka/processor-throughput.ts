/**
 * Micro-benchmark of the Kafka seam's exactly-once TransactionalBatchProcessor: it copies every input record to
 * an output topic (same key, same value) with transactions, and — in the same run, on the same broker, over the
 * same input topic — a bare kafkajs consume→produce pass-through (idempotent producer, no transactions) does the
 * same copy. One JSON line per case: `case`, `readings_per_s`, `messages`, `partitions`, `seconds`.
 *
 * Why: the processor is the ceiling of every pipeline service (ingest, assimilation, drift, alerting); this
 * measures it without any service's handler cost, so a regression in the seam shows up here first.
 *
 * The input topic is filled first; each case's clock runs from its first consumed record until every input
 * offset is committed (processor) or every record was produced (pass-through), so group joins are excluded.
 * Uses KAFKA_BROKERS when set, else starts the project's local broker (scripts/kafka/start.sh) on
 * BENCH_KAFKA_PORT (default 39092) and stops it at the end.
 * Env: BENCH_MESSAGES (default 200000), BENCH_PARTITIONS (6), BENCH_VALUE_BYTES (120),
 * BENCH_PROCESSOR_OPTIONS (JSON merged into the processor options, e.g. '{"partitionsConsumedConcurrently":1}'),
 * BENCH_CASES (comma list of `processor_transactional`, `kafkajs_passthrough`; default both).
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { pino } from "pino";
import type { ConsumedMessage } from "../../services/lib/runtime/src/kafka/consumed-message.ts";
import {
  TransactionalBatchProcessor,
  type TransactionalBatchProcessorOptions,
} from "../../services/lib/runtime/src/kafka/transactional-batch-processor.ts";
import { kafkajsPassthrough } from "../kafkajs-passthrough.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const count = Number(process.env.BENCH_MESSAGES ?? 200_000);
const partitions = Number(process.env.BENCH_PARTITIONS ?? 6);
const valueBytes = Number(process.env.BENCH_VALUE_BYTES ?? 120);
const extraOptions = JSON.parse(
  process.env.BENCH_PROCESSOR_OPTIONS ?? "{}",
) as Partial<TransactionalBatchProcessorOptions>;
const cases = (process.env.BENCH_CASES ?? "processor_transactional,kafkajs_passthrough").split(",");

function line(fields: Record<string, unknown>): void {
  console.log(JSON.stringify(fields));
}

let startedBroker = false;
const port = process.env.BENCH_KAFKA_PORT ?? "39092";
if (process.env.KAFKA_BROKERS === undefined || process.env.KAFKA_BROKERS === "") {
  const { stdout } = await run("bash", [`${root}/scripts/kafka/start.sh`, "--port", port], { maxBuffer: 1 << 20 });
  process.env.KAFKA_BROKERS = stdout.trim().split("\n").pop()!;
  startedBroker = true;
}
const brokers = process.env.KAFKA_BROKERS!.split(",");
const kafka = new Kafka({ clientId: "processor-bench", brokers, logLevel: logLevel.ERROR });
const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? "warn" });

async function createTopic(topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  } finally {
    await admin.disconnect();
  }
}

/** Fills `topic` with `count` records of `valueBytes` bytes keyed over 10,000 assets. */
async function fillInput(topic: string): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const value = Buffer.alloc(valueBytes, 120);
  const slice = 5000;
  for (let begin = 0; begin < count; begin += slice) {
    const messages = [];
    for (let i = begin; i < Math.min(count, begin + slice); i++)
      messages.push({ key: `acme/asset-${i % 10_000}`, value });
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
}

async function processorCase(input: string): Promise<void> {
  const output = `${input}.tx-out`;
  await createTopic(output);
  const groupId = `bench-tx-${randomUUID().slice(0, 8)}`;
  let firstAt: number | undefined;
  const processor = TransactionalBatchProcessor.fromConfig({
    kafka,
    logger,
    groupId,
    topics: [input],
    transactionalIdPrefix: groupId,
    handler: {
      process: (message: ConsumedMessage) => {
        firstAt ??= performance.now();
        return [{ topic: output, key: message.key, value: message.value }];
      },
    },
    ...extraOptions,
  });
  await processor.start();
  const admin = kafka.admin();
  await admin.connect();
  let committed = 0;
  try {
    const deadline = Date.now() + 900_000;
    for (;;) {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [input] });
      committed = (entry?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
      if (committed >= count || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await admin.disconnect();
  }
  const seconds = (performance.now() - (firstAt ?? performance.now())) / 1000;
  await processor.shutdown();
  line({
    case: "processor_transactional",
    messages: committed,
    partitions,
    value_bytes: valueBytes,
    options: extraOptions,
    seconds: Number(seconds.toFixed(2)),
    readings_per_s: Math.round(committed / seconds),
  });
}

async function passthroughCase(input: string): Promise<void> {
  const result = await kafkajsPassthrough({
    kafka,
    input,
    output: `${input}.passthrough`,
    partitions,
    expected: count,
  });
  line({
    case: "kafkajs_passthrough",
    messages: result.messages,
    partitions,
    value_bytes: valueBytes,
    seconds: Number(result.seconds.toFixed(2)),
    readings_per_s: result.readingsPerS,
  });
}

try {
  const input = `bench.processor.${randomUUID().slice(0, 8)}`;
  await createTopic(input);
  await fillInput(input);
  for (const name of cases) {
    if (name === "processor_transactional") await processorCase(input);
    else if (name === "kafkajs_passthrough") await passthroughCase(input);
    else throw new Error(`unknown case ${name}`);
  }
} finally {
  if (startedBroker) await run("bash", [`${root}/scripts/kafka/stop.sh`, "--port", port]).catch(() => undefined);
}
