/**
 * `make bench-assimilation`: one JSON line per case (`case` plus the figure's own field).
 *
 * - engine_*: the TwinEngine alone (no Kafka): readings/s over 10,000 assets (90 % constant-velocity KF,
 *   9 % UKF, 1 % particle filter) and per twin kind.
 * - service_transactional: the REAL service (src/main.ts as a child process, transactions on) draining a
 *   pre-filled valid topic: sustained readings/s per worker (committed between 10% and 90% of the input).
 * - passthrough_kafkajs: a bare kafkajs consume → produce of the same messages on the same broker, and the
 *   service's ratio to it.
 * - latency_5000_per_s: readings produced at 5,000/s to the warmed-up worker, reading → committed-estimate
 *   latency (ingestion_time set at produce, measured when a read_committed consumer receives the estimate).
 * - restore_100k: time to restore 100,000 twins from a changelog topic (the handler's real restore path).
 * - bytes_per_twin: heap per constant-velocity Kalman twin, and its changelog record size.
 *
 * Uses KAFKA_BROKERS when set, else starts the project's broker on BENCH_KAFKA_PORT (default 39192).
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  SensorReadingSchema,
  StateEstimateSchema,
  TwinCheckpointSchema,
  type ValidatedReading,
  ValidatedReadingSchema,
} from "@twinstate/proto";
import { createLogger, ensureTopics } from "@twinstate/runtime";
import { Partitioners } from "kafkajs";
import { Registry } from "prom-client";
import { assimilationSectionSchema } from "../../services/assimilation/src/config/assimilation-config.ts";
import { DefinitionCatalog } from "../../services/assimilation/src/definitions/definition-catalog.ts";
import {
  loadAssetBindingsFile,
  loadTwinDefinitionFile,
  parseTwinDefinition,
} from "../../services/assimilation/src/definitions/load-twin-definition.ts";
import { secondsToTimestamp } from "../../services/assimilation/src/engine/event-time.ts";
import { TwinEngine } from "../../services/assimilation/src/engine/twin-engine.ts";
import { AssimilationMetrics } from "../../services/assimilation/src/metrics/assimilation-metrics.ts";
import { AssimilationBatchHandler } from "../../services/assimilation/src/service/assimilation-batch-handler.ts";
import {
  committedTotal,
  createTestTopics,
  startWorker,
  testKafka,
} from "../../services/assimilation/test/service-harness.ts";
import { watchCommitted } from "../committed-rate.ts";
import { kafkajsPassthrough } from "../kafkajs-passthrough.ts";
import { benchCvYaml, classOf, root, writeBenchFiles } from "./bench-twins.ts";

const run = promisify(execFile);
const ASSETS = Number(process.env.BENCH_ASSETS ?? 10_000);
const READINGS = Number(process.env.BENCH_READINGS ?? 200_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 6);
const RESTORE_TWINS = Number(process.env.BENCH_RESTORE_TWINS ?? 100_000);
const line = (fields: Record<string, unknown>): void => console.log(JSON.stringify(fields));
const round = (v: number, digits = 2): number => Number(v.toFixed(digits));

/** The i-th reading of the stream: asset i mod ASSETS, its sensor by class, event time growing per round. */
function benchReading(i: number, t0: number, ingestionMs?: number): ValidatedReading {
  const a = i % ASSETS;
  const k = Math.floor(i / ASSETS);
  const t = t0 + k + (a % 1000) / 1000;
  const cls = classOf(a);
  const value =
    cls === "pendulum-expr"
      ? { case: "scalar" as const, value: 0.5 * Math.cos(k / 5) }
      : { case: "vector" as const, value: { components: [k * 2 + (a % 7), -k + (a % 5)] } };
  return create(ValidatedReadingSchema, {
    reading: create(SensorReadingSchema, {
      tenant: "bench",
      asset: `a${a}`,
      sensor: cls === "pendulum-expr" ? "angle" : "gnss",
      eventTime: secondsToTimestamp(t),
      unit: cls === "pendulum-expr" ? "rad" : "m",
      value,
    }),
    canonicalUnit: cls === "pendulum-expr" ? "rad" : "m",
    ingestionTime: timestampFromMs(ingestionMs ?? 1_800_000_000_000),
  });
}

function engineCatalog(files: { definitions: string[]; bindings: string }): DefinitionCatalog {
  const catalog = new DefinitionCatalog();
  for (const f of files.definitions) catalog.putClass(loadTwinDefinitionFile(f));
  for (const b of loadAssetBindingsFile(files.bindings)) catalog.bind(b, files.bindings);
  return catalog;
}

const files = writeBenchFiles(ASSETS);

// --- engine only -------------------------------------------------------------------------------------------
{
  const engine = new TwinEngine(engineCatalog(files));
  const t0 = 1_800_000_000;
  const readings = Array.from({ length: READINGS }, (_, i) => benchReading(i, t0));
  for (let i = 0; i < ASSETS; i++) engine.process(readings[i] as ValidatedReading); // create the twins
  const begun = performance.now();
  for (let i = ASSETS; i < readings.length; i++) engine.process(readings[i] as ValidatedReading);
  const seconds = (performance.now() - begun) / 1000;
  line({
    case: "engine_mix_10k_assets",
    readings: READINGS - ASSETS,
    seconds: round(seconds),
    readings_per_s: Math.round((READINGS - ASSETS) / seconds),
  });
  for (const kind of ["bench-cv", "kinematic-cv", "pendulum-expr"] as const) {
    const mine = readings.filter((_, i) => i >= ASSETS && classOf(i % ASSETS) === kind).slice(0, 20_000);
    const e = new TwinEngine(engineCatalog(files));
    for (let i = 0; i < ASSETS; i++) e.process(readings[i] as ValidatedReading);
    const b = performance.now();
    for (const r of mine) e.process(r);
    const s = (performance.now() - b) / 1000;
    line({
      case: `engine_${kind}`,
      filter: kind === "bench-cv" ? "kf" : kind === "kinematic-cv" ? "ukf" : "pf(500)",
      readings: mine.length,
      readings_per_s: Math.round(mine.length / s),
    });
  }
}

// --- memory per Gaussian twin --------------------------------------------------------------------------------
{
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const catalog = new DefinitionCatalog();
  catalog.putClass(parseTwinDefinition(benchCvYaml, "yaml", "bench-cv"));
  const n = 50_000;
  for (let i = 0; i < n; i++)
    catalog.bind(
      { asset: `bench/m${i}`, twinClass: "bench-cv", version: 1, initial: { mean: {}, std: {} }, parameters: {} },
      "bench",
    );
  const engine = new TwinEngine(catalog);
  const reading = (i: number) =>
    create(ValidatedReadingSchema, {
      reading: create(SensorReadingSchema, {
        tenant: "bench",
        asset: `m${i}`,
        sensor: "gnss",
        eventTime: secondsToTimestamp(1_800_000_000),
        unit: "m",
        value: { case: "vector", value: { components: [1, 2] } },
      }),
      canonicalUnit: "m",
    });
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < n; i++) engine.process(reading(i));
  gc();
  const after = process.memoryUsage();
  const bytes = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  const record = toBinary(TwinCheckpointSchema, engine.checkpoint("bench/m0")).length;
  line({
    case: "bytes_per_twin_cv_kf",
    twins: n,
    bytes_per_twin: Math.round(bytes / n),
    changelog_record_bytes: record,
  });
}

// --- Kafka cases ---------------------------------------------------------------------------------------------
let startedBroker = false;
const port = process.env.BENCH_KAFKA_PORT ?? "39192";
if (process.env.KAFKA_BROKERS === undefined || process.env.KAFKA_BROKERS === "") {
  const { stdout } = await run("bash", [`${root}scripts/kafka/start.sh`, "--port", port], { maxBuffer: 1 << 20 });
  process.env.KAFKA_BROKERS = stdout.trim().split("\n").pop() as string;
  startedBroker = true;
}

try {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin); // the worker's shared topics (its exactly-once progress topic)
  const topics = await createTestTopics(admin, "bench", PARTITIONS);
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const t0 = 1_800_000_000;
  const send = async (from: number, to: number, ingestionMs?: () => number) => {
    for (let i = from; i < to; i += 2000) {
      const messages = [];
      for (let j = i; j < Math.min(to, i + 2000); j++) {
        const r = benchReading(j, t0, ingestionMs?.());
        messages.push({ key: `bench/${r.reading?.asset}`, value: Buffer.from(toBinary(ValidatedReadingSchema, r)) });
      }
      await producer.send({ topic: topics.valid, acks: -1, messages });
    }
  };
  await send(0, READINGS);

  // service, transactions on
  // The service's own defaults (the test harness pins tiny transactions), unless set for an experiment.
  const defaults = assimilationSectionSchema.parse({});
  const worker = startWorker(topics, "bench", {
    ASSIMILATION_DEFINITION_FILES: files.definitions.join(","),
    ASSIMILATION_BINDING_FILES: files.bindings,
    ASSIMILATION_MAX_MESSAGES_PER_TRANSACTION:
      process.env.ASSIMILATION_MAX_MESSAGES_PER_TRANSACTION ?? String(defaults.maxMessagesPerTransaction),
    ...(process.env.BENCH_PROFILE_DIR === undefined
      ? {}
      : { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}` }),
    ASSIMILATION_SESSION_TIMEOUT_MS: "30000",
    ASSIMILATION_HEARTBEAT_INTERVAL_MS: "3000",
  });
  let serviceRate = 0;
  try {
    const drained = await watchCommitted(() => committedTotal(admin, topics), READINGS);
    serviceRate = drained.readingsPerS;
    line({
      case: "service_transactional",
      assets: ASSETS,
      readings: READINGS,
      partitions: PARTITIONS,
      steady_seconds: round(drained.steadySeconds),
      seconds_from_start: round(drained.totalSeconds),
      readings_per_s: serviceRate,
    });

    // Steady state first: the worker's estimates view (group `<group>-view-<instance>`) still tails the
    // throughput phase's estimates; that backlog is not part of the latency at 5,000 readings/s.
    for (const begun = performance.now(); performance.now() - begun < 120_000; ) {
      const [ends, [view]] = await Promise.all([
        admin.fetchTopicOffsets(topics.estimates),
        admin.fetchOffsets({ groupId: `${topics.groupId}-view-bench`, topics: [topics.estimates] }),
      ]);
      const end = ends.reduce((n, p) => n + Number(p.high), 0);
      const read = (view?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
      if (read >= end - PARTITIONS) break; // each partition's last commit marker may be unread
      await new Promise((r) => setTimeout(r, 500));
    }

    // latency at 5,000 readings/s on the warmed-up worker
    const consumer = kafka.consumer({ groupId: `bench-latency-${randomUUID()}`, readUncommitted: false });
    const latencies: number[] = [];
    const rate = 5000;
    const duration = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);
    const total = rate * duration;
    await consumer.connect();
    await consumer.subscribe({ topic: topics.estimates, fromBeginning: false });
    let seen = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          const now = Date.now();
          for (const m of batch.messages) {
            const e = fromBinary(StateEstimateSchema, m.value as Buffer);
            const ingest =
              e.ingestionTime === undefined ? 0 : Number(e.ingestionTime.seconds) * 1000 + e.ingestionTime.nanos / 1e6;
            if (ingest === 1_800_000_000_000) continue; // the throughput phase's estimates
            latencies.push(now - ingest);
            if (++seen >= total) resolve();
          }
        },
      });
    });
    await new Promise((r) => setTimeout(r, 3000)); // let the consumer join
    const tick = 50;
    const perTick = (rate * tick) / 1000;
    const startAt = Date.now();
    for (let k = 0; k < duration * (1000 / tick); k++) {
      const from = READINGS + k * perTick;
      await send(from, from + perTick, () => Date.now());
      const next = startAt + (k + 1) * tick;
      const wait = next - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, 60_000))]);
    await consumer.disconnect();
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
    line({
      case: "latency_5000_per_s",
      readings: latencies.length,
      offered_per_s: rate,
      p50_ms: q(0.5),
      p99_ms: q(0.99),
      max_ms: latencies.at(-1),
    });
  } finally {
    worker.child.kill("SIGTERM");
    await worker.exited;
  }

  // bare kafkajs consume → produce of the same messages
  {
    const result = await kafkajsPassthrough({
      kafka,
      input: topics.valid,
      output: `${topics.valid}.passthrough`,
      partitions: PARTITIONS,
      expected: READINGS,
    });
    line({
      case: "passthrough_kafkajs",
      readings: result.messages,
      seconds: round(result.seconds),
      readings_per_s: result.readingsPerS,
      service_ratio: round(serviceRate / result.readingsPerS, 3),
    });
  }
  await producer.disconnect();

  // restore 100,000 twins from a changelog
  {
    const catalog = new DefinitionCatalog();
    catalog.putClass(parseTwinDefinition(benchCvYaml, "yaml", "bench-cv"));
    for (let i = 0; i < RESTORE_TWINS; i++)
      catalog.bind(
        { asset: `bench/r${i}`, twinClass: "bench-cv", version: 1, initial: { mean: {}, std: {} }, parameters: {} },
        "bench",
      );
    const engine = new TwinEngine(catalog);
    const stateTopic = `${topics.state}.restore`;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: stateTopic, numPartitions: PARTITIONS, configEntries: [{ name: "cleanup.policy", value: "compact" }] },
      ],
    });
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    for (let i = 0; i < RESTORE_TWINS; i += 2000) {
      const messages = [];
      for (let j = i; j < Math.min(RESTORE_TWINS, i + 2000); j++) {
        const r = create(ValidatedReadingSchema, {
          reading: create(SensorReadingSchema, {
            tenant: "bench",
            asset: `r${j}`,
            sensor: "gnss",
            eventTime: secondsToTimestamp(1_800_000_000),
            unit: "m",
            value: { case: "vector", value: { components: [1, 2] } },
          }),
          canonicalUnit: "m",
        });
        const partition = j % PARTITIONS;
        engine.process(r, { partition, offset: BigInt(j) });
        messages.push({
          key: `bench/r${j}`,
          partition,
          value: Buffer.from(toBinary(TwinCheckpointSchema, engine.checkpoint(`bench/r${j}`))),
        });
        engine.drop(`bench/r${j}`);
      }
      await p.send({ topic: stateTopic, acks: -1, messages });
    }
    await p.disconnect();
    const fresh = new TwinEngine(catalog);
    const handler = new AssimilationBatchHandler({
      engine: fresh,
      kafka,
      logger: createLogger({ service: "bench", level: "warn" }),
      metrics: new AssimilationMetrics(new Registry(), []),
      topics: { estimates: topics.estimates, state: stateTopic },
    });
    const begun = performance.now();
    await handler.onPartitionsAssigned(
      Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: topics.valid, partition })),
    );
    const seconds = (performance.now() - begun) / 1000;
    line({
      case: "restore_100k",
      twins: fresh.size,
      partitions: PARTITIONS,
      restore_s: round(seconds),
      twins_per_s: Math.round(fresh.size / seconds),
    });
  }
  await admin.disconnect();
} finally {
  if (startedBroker) await run("bash", [`${root}scripts/kafka/stop.sh`, "--port", port]).catch(() => undefined);
}
