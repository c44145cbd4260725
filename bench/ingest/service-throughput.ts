/**
 * `make bench-ingest`: sustained throughput of the REAL ingest service (src/main.ts as a child process, Kafka
 * transactions on) on a local broker, and — measured in the same run on the same broker — a bare kafkajs
 * consume→produce pass-through of the same messages and Kafka's own ProducerPerformance and
 * ConsumerPerformance (kafka-tools jar in .kafka/libs) for the broker's raw limit. Prints one JSON line per case
 * with `case` and `readings_per_s`.
 *
 * The raw topic is filled first, then the service starts: the figure is the service's sustained processing rate
 * (first to last committed transaction, by the group's offsets), not the producer's; the pass-through is timed
 * from its first batch likewise. Uses KAFKA_BROKERS when set, else starts the project's local broker
 * (scripts/kafka/start.sh) on BENCH_KAFKA_PORT (default 39092) and stops it at the end.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Kafka } from "kafkajs";
import {
  freshTopics,
  produceInputs,
  type RunIds,
  readOutputs,
  startService,
  stopService,
  testKafka,
} from "../../services/ingest/test/ingest-harness.ts";
import { mixedStream } from "../../services/ingest/test/mixed-stream.ts";
import { ensureTopics } from "../../services/lib/runtime/src/kafka/topics.ts";
import { committedTotal } from "../../services/lib/runtime/test/support/kafka-test-env.ts";
import { watchCommitted } from "../committed-rate.ts";
import { kafkajsPassthrough } from "../kafkajs-passthrough.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const count = Number(process.env.BENCH_READINGS ?? 200_000);
const partitions = Number(process.env.BENCH_PARTITIONS ?? 6);

function line(fields: Record<string, unknown>): void {
  console.log(JSON.stringify(fields));
}

/**
 * The ingest service, transactions on, timed by the group's committed offsets between 10% and 90% of the input
 * (its sustained rate, group join excluded; see bench/committed-rate.ts) while nothing else competes for the 2 cores; the outputs are read
 * back and counted afterwards (conservation). Returns readings/s.
 * BENCH_PROFILE_DIR: write a V8 CPU profile of the service there (open it in Chrome DevTools or speedscope).
 */
async function serviceCase(kafka: Kafka, ids: RunIds): Promise<number> {
  const env: Record<string, string> = {};
  // INGEST_* variables set for the bench reach the service (tuning experiments); topics and ids stay the bench's.
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith("INGEST_") && value !== undefined) env[name] = value;
  }
  const profileDir = process.env.BENCH_PROFILE_DIR;
  if (profileDir !== undefined) env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${profileDir}`;
  const service = await startService(ids, env); // info level: the harness waits for the "running" line
  try {
    await service.running;
    const admin = kafka.admin();
    await admin.connect();
    const rate = await watchCommitted(() => committedTotal(admin, ids.groupId, ids.raw), count);
    await admin.disconnect();
    const outputs = await readOutputs(kafka, ids, count, 600_000, 0);
    const valid = outputs.filter((o) => o.kind === "valid").length;
    if (outputs.length !== count) throw new Error(`conservation: ${outputs.length} outputs for ${count} inputs`);
    line({
      case: "ingest_service_transactional",
      readings: count,
      valid,
      dead_lettered: outputs.length - valid,
      partitions,
      steady_seconds: Number(rate.steadySeconds.toFixed(2)),
      seconds_from_start: Number(rate.totalSeconds.toFixed(2)),
      readings_per_s: rate.readingsPerS,
    });
    return rate.readingsPerS;
  } finally {
    await stopService(service);
  }
}

/** A bare kafkajs consume → produce of the same raw messages (no validation, no transactions), from its first batch. */
async function passthroughCase(kafka: Kafka, ids: RunIds, serviceRate: number): Promise<void> {
  const result = await kafkajsPassthrough({
    kafka,
    input: ids.raw,
    output: `${ids.raw}.passthrough`,
    partitions,
    expected: count,
  });
  line({
    case: "kafkajs_passthrough",
    readings: result.messages,
    partitions,
    seconds: Number(result.seconds.toFixed(2)),
    readings_per_s: result.readingsPerS,
    service_ratio: Number((serviceRate / result.readingsPerS).toFixed(3)),
  });
}

/** Kafka's own perf tools: the broker's raw limit for records of the same average size. */
async function perfToolCases(kafka: Kafka, ids: RunIds, brokers: string, bytes: number): Promise<void> {
  const classpath = `${root}/.kafka/libs/*`;
  const recordSize = Math.max(1, Math.round(bytes / count));
  const perfTopic = `${ids.raw}.perf`;
  {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: false, topics: [{ topic: perfTopic, numPartitions: partitions }] });
    await admin.disconnect();
    await new Promise((r) => setTimeout(r, 2000));
  }
  {
    const { stdout } = await run(
      "java",
      [
        "-cp",
        classpath,
        "org.apache.kafka.tools.ProducerPerformance",
        "--topic",
        perfTopic,
        "--num-records",
        String(count),
        "--record-size",
        String(recordSize),
        "--throughput",
        "-1",
        "--producer-props",
        `bootstrap.servers=${brokers}`,
        "acks=all",
      ],
      { maxBuffer: 16 << 20, timeout: 300_000 },
    );
    const last = stdout.trim().split("\n").pop() ?? "";
    const match = /([\d.]+) records\/sec/.exec(last);
    line({
      case: "kafka_producer_performance",
      readings: count,
      record_size: recordSize,
      readings_per_s: match === null ? null : Math.round(Number(match[1])),
    });
  }
  {
    const { stdout } = await run(
      "java",
      [
        "-cp",
        classpath,
        "org.apache.kafka.tools.ConsumerPerformance",
        "--bootstrap-server",
        brokers,
        "--topic",
        perfTopic,
        "--messages",
        String(count),
        "--timeout",
        "60000",
      ],
      { maxBuffer: 16 << 20, timeout: 300_000 },
    );
    // header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
    const rows = stdout.trim().split("\n");
    const header = rows.findIndex((r) => r.includes("nMsg.sec"));
    const cols = (rows[header] ?? "").split(",").map((c) => c.trim());
    const values = (rows[header + 1] ?? "").split(",").map((c) => c.trim());
    const rate = Number(values[cols.indexOf("nMsg.sec")]);
    line({
      case: "kafka_consumer_performance",
      readings: count,
      record_size: recordSize,
      readings_per_s: Number.isFinite(rate) ? Math.round(rate) : null,
    });
  }
}

let startedBroker = false;
const port = process.env.BENCH_KAFKA_PORT ?? "39092";
if (process.env.KAFKA_BROKERS === undefined || process.env.KAFKA_BROKERS === "") {
  const { stdout } = await run("bash", [`${root}/scripts/kafka/start.sh`, "--port", port], { maxBuffer: 1 << 20 });
  process.env.KAFKA_BROKERS = stdout.trim().split("\n").pop()!;
  startedBroker = true;
}
try {
  const kafka = testKafka("ingest-bench");
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin); // the service's shared topics (its exactly-once progress topic)
  await admin.disconnect();
  const ids = await freshTopics(kafka, partitions);
  const inputs = mixedStream({ count, nowMs: Date.now(), seed: 3 });
  await produceInputs(kafka, ids.raw, inputs);
  const serviceRate = await serviceCase(kafka, ids);
  // BENCH_SERVICE_ONLY=1 skips the reference cases (quick iterations on the service).
  if (process.env.BENCH_SERVICE_ONLY !== "1") {
    await passthroughCase(kafka, ids, serviceRate);
    const bytes = inputs.reduce((n, i) => n + i.value.length, 0);
    await perfToolCases(kafka, ids, process.env.KAFKA_BROKERS!, bytes);
  }
} finally {
  if (startedBroker) await run("bash", [`${root}/scripts/kafka/stop.sh`, "--port", port]).catch(() => undefined);
}
