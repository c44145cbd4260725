import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Admin } from "kafkajs";
import type { Registry } from "prom-client";
import type { ConsumedMessage } from "../../src/kafka/consumed-message.ts";
import { createKafka, type Kafka } from "../../src/kafka/create-kafka.ts";
import { KafkaProducer } from "../../src/kafka/kafka-producer.ts";
import { readTopicToEnd } from "../../src/kafka/read-topic-to-end.ts";
import {
  TransactionalBatchProcessor,
  type TransactionalBatchProcessorOptions,
} from "../../src/kafka/transactional-batch-processor.ts";
import { createMetricsRegistry } from "../../src/metrics/create-metrics-registry.ts";
import { captureLogger } from "../support/capture-logger.ts";
import { CountingCopyService, type CountingCopyTopics } from "../support/counting-copy-service.ts";
import {
  committedTotal,
  createTopics,
  testKafkaConfig,
  uniqueName,
  verificationKafka,
  waitFor,
} from "../support/kafka-test-env.ts";

// jest ignores `testTimeout` inside a project entry, so integration tests pass theirs explicitly.
const TIMEOUT_MS = 180000;
const PARTITIONS = 2;
let kafka: Kafka;
let admin: Admin;
const captured = captureLogger("runtime-int", "info");
const { logger } = captured;

beforeAll(async () => {
  kafka = createKafka({ config: testKafkaConfig(), defaultClientId: "runtime-int", logger });
  admin = verificationKafka().admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.disconnect();
});

async function topicsWithInput(count: number): Promise<CountingCopyTopics & { values: string[] }> {
  const topics = { input: uniqueName("in"), output: uniqueName("out"), changelog: uniqueName("state") };
  await createTopics(admin, [
    { name: topics.input, partitions: PARTITIONS },
    { name: topics.output, partitions: PARTITIONS },
    { name: topics.changelog, partitions: PARTITIONS },
  ]);
  const producer = KafkaProducer.fromConfig({ kafka, logger });
  await producer.start();
  const values = Array.from({ length: count }, (_, i) => `v-${i}`);
  await producer.send(values.map((value, i) => ({ topic: topics.input, key: `acme/asset-${i % 7}`, value })));
  await producer.shutdown();
  return { ...topics, values };
}

/** Reads the output with read_committed and checks every input appears once, numbered 1..n per partition. */
async function expectExactlyOnce(topics: CountingCopyTopics, values: readonly string[]): Promise<ConsumedMessage[]> {
  const output: ConsumedMessage[] = [];
  await readTopicToEnd(kafka, topics.output, [0, 1], (message) => void output.push(message));
  const seen = output.map((m) => m.value!.toString().split("#")[0]);
  expect([...seen].sort()).toEqual([...values].sort());
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const numbers = output
      .filter((m) => m.partition === partition)
      .map((m) => Number(m.value!.toString().split("#")[1]));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  }
  return output;
}

function processor(
  service: CountingCopyService,
  topics: CountingCopyTopics,
  groupId: string,
  prefix: string,
  aborts: string[] = [],
  metrics?: Registry,
  extra: Partial<TransactionalBatchProcessorOptions> = {},
): TransactionalBatchProcessor {
  return TransactionalBatchProcessor.fromConfig({
    ...(metrics === undefined ? {} : { metrics }),
    onTransactionAborted: (tp, error) => void aborts.push(`${tp.partition}:${error.code}`),
    kafka,
    logger,
    groupId,
    topics: [topics.input],
    transactionalIdPrefix: prefix,
    handler: service.handler,
    onPartitionsAssigned: service.onPartitionsAssigned,
    onPartitionsRevoked: service.onPartitionsRevoked,
    maxMessagesPerTransaction: 5,
    ...extra,
  });
}

/** Every committed record of `topic` (read_committed). */
async function committedRecords(topic: string, partitions: readonly number[]): Promise<ConsumedMessage[]> {
  const records: ConsumedMessage[] = [];
  await readTopicToEnd(kafka, topic, partitions, (message) => void records.push(message));
  return records;
}

/** The value of a seam counter with these labels (0 when never incremented). */
async function counterValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await registry.getSingleMetric(name)!.get();
  return metric.values
    .filter((v) => Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value))
    .reduce((sum, v) => sum + v.value, 0);
}

describe("TransactionalBatchProcessor", () => {
  test(
    "outputs, changelog and input offsets commit together; every input is copied exactly once",
    async () => {
      const topics = await topicsWithInput(40);
      const groupId = uniqueName("g");
      const service = new CountingCopyService(kafka, topics);
      const worker = processor(service, topics, groupId, uniqueName("tx"));
      await worker.start();
      await waitFor(
        "all input offsets committed",
        async () => (await committedTotal(admin, groupId, topics.input)) === 40,
      );
      expect(worker.isReady()).toEqual({ ok: true });
      expect(
        worker
          .assignedPartitions()
          .map((tp) => tp.partition)
          .sort(),
      ).toEqual([0, 1]);
      await worker.shutdown();
      await expectExactlyOnce(topics, topics.values);
      // the restore hook ran once, for both partitions, before any batch
      expect(service.restores).toHaveLength(1);
      expect(service.restores[0]!.map((tp) => tp.partition).sort()).toEqual([0, 1]);
      expect(service.processed).toHaveLength(40);
    },
    TIMEOUT_MS,
  );

  test(
    "a handler failure aborts the batch: state is restored, the batch re-processed after the seek, nothing duplicated",
    async () => {
      const topics = await topicsWithInput(30);
      const groupId = uniqueName("g");
      let failed = false;
      const service = new CountingCopyService(kafka, topics, {
        inject: (value) => {
          if (value === "v-12" && !failed) {
            failed = true;
            throw new Error("model evaluation failed");
          }
          return undefined;
        },
      });
      const aborts: string[] = [];
      const registry = createMetricsRegistry({ service: "runtime-int", defaultMetrics: false });
      const worker = processor(service, topics, groupId, uniqueName("tx"), aborts, registry);
      await worker.start();
      await waitFor(
        "all input offsets committed",
        async () => (await committedTotal(admin, groupId, topics.input)) === 30,
      );
      await worker.shutdown();
      expect(failed).toBe(true);
      expect(aborts).toHaveLength(1);
      expect(aborts[0]).toMatch(/^[01]:TRANSACTION_ABORTED$/);
      const sample = async (name: string, labels: Record<string, string>, metricName = name) => {
        const metric = await registry.getSingleMetric(name)!.get();
        const values = metric.values.filter(
          (v) =>
            ((v as { metricName?: string }).metricName ?? name) === metricName &&
            Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value),
        );
        return values.map((v) => v.value);
      };
      expect(await sample("twinstate_kafka_transactions_total", { group: groupId, outcome: "aborted" })).toEqual([1]);
      expect(await sample("twinstate_kafka_messages_processed_total", { group: groupId, topic: topics.input })).toEqual(
        [30],
      );
      expect(
        await sample(
          "twinstate_kafka_restore_duration_seconds",
          { group: groupId },
          "twinstate_kafka_restore_duration_seconds_count",
        ),
      ).toEqual([2]);
      expect(await sample("twinstate_kafka_consumer_lag_messages", { group: groupId, topic: topics.input })).toEqual([
        0, 0,
      ]);
      // v-12 was attempted twice (the aborted try and the re-processing after the seek)
      expect(service.processed.filter((v) => v === "v-12")).toHaveLength(2);
      // the partition holding v-12 was restored again after the abort
      expect(service.restores.length).toBe(2);
      expect(service.restores[1]).toHaveLength(1);
      await expectExactlyOnce(topics, topics.values);
      expect(captured.lines().some((line) => line.msg === "transaction aborted, batch will be re-processed")).toBe(
        true,
      );
    },
    TIMEOUT_MS,
  );

  test(
    "records written inside an aborted transaction stay invisible to read_committed (seen by read_uncommitted)",
    async () => {
      const topics = await topicsWithInput(30);
      const groupId = uniqueName("g");
      let failed = false;
      // On its first visit, v-9 adds a record too large for the broker to a partition other than its copy's:
      // the broker appends the copies of the chunk (same produce request, other partition) and rejects the big
      // one, so the transaction really wrote records before it was aborted.
      const service = new CountingCopyService(kafka, topics, {
        inject: (value) => {
          if (value !== "v-9" || failed) return undefined;
          failed = true;
          return [{ topic: topics.changelog, key: "oversized", value: Buffer.alloc(2 * 1024 * 1024, 1) }];
        },
      });
      // maxRecordBytes above the record's size: the processor sends it and the BROKER rejects it (the point here).
      const worker = processor(service, topics, groupId, uniqueName("tx"), [], undefined, {
        maxRecordBytes: 8 * 1024 * 1024,
      });
      await worker.start();
      await waitFor(
        "all input offsets committed",
        async () => (await committedTotal(admin, groupId, topics.input)) === 30,
      );
      await worker.shutdown();
      expect(failed).toBe(true);
      await expectExactlyOnce(topics, topics.values);

      // A read_uncommitted reader sees the aborted copies as well: they were written, then aborted.
      const uncommitted: string[] = [];
      const consumer = verificationKafka().consumer({ groupId: uniqueName("uncommitted"), readUncommitted: true });
      await consumer.connect();
      await consumer.subscribe({ topics: [topics.output], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void uncommitted.push(message.value!.toString()) });
      try {
        await waitFor("aborted copies visible to read_uncommitted", () => {
          const distinct = new Set(uncommitted.map((v) => v.split("#")[0]));
          return distinct.size === 30 && uncommitted.length > 30;
        });
      } finally {
        await consumer.disconnect();
      }
      expect(uncommitted.filter((v) => v.startsWith("v-9#")).length).toBeGreaterThanOrEqual(2);
    },
    TIMEOUT_MS,
  );

  test(
    "a chunk whose outputs exceed the broker's message.max.bytes is sent in size-bounded requests and commits once",
    async () => {
      const topics = await topicsWithInput(30);
      const bulk = uniqueName("bulk");
      await createTopics(admin, [{ name: bulk, partitions: 1 }]);
      const groupId = uniqueName("g");
      // Every input adds a 200 KB record to bulk:0, so a 30-message chunk holds ~6 MB for ONE partition: as one
      // produce request the broker rejects it (message.max.bytes 1 MiB) and the transaction replayed forever.
      const service = new CountingCopyService(kafka, topics, {
        inject: (value) => [{ topic: bulk, key: value, value: Buffer.alloc(200 * 1024, 7), partition: 0 }],
      });
      const aborts: string[] = [];
      const registry = createMetricsRegistry({ service: "runtime-int", defaultMetrics: false });
      const worker = processor(service, topics, groupId, uniqueName("tx"), aborts, registry, {
        maxMessagesPerTransaction: 100,
        partitionsConsumedConcurrently: 2,
      });
      await worker.start();
      await waitFor(
        "all input offsets committed",
        async () => (await committedTotal(admin, groupId, topics.input)) === 30,
      );
      await worker.shutdown();
      expect(aborts).toEqual([]);
      expect(await counterValue(registry, "twinstate_kafka_transactions_total", { outcome: "aborted" })).toBe(0);
      await expectExactlyOnce(topics, topics.values);
      const big = await committedRecords(bulk, [0]);
      expect(big.map((m) => m.key!.toString()).sort()).toEqual([...topics.values].sort());
      expect(big.every((m) => m.value!.length === 200 * 1024)).toBe(true);
    },
    TIMEOUT_MS,
  );

  test(
    "a single output record over maxRecordBytes is a counted RecordTooLargeError replaced by the hook, not an endless replay",
    async () => {
      const topics = await topicsWithInput(30);
      const dlq = uniqueName("dlq");
      await createTopics(admin, [{ name: dlq, partitions: 1 }]);
      const groupId = uniqueName("g");
      // v-7 produces a 2 MB record on EVERY visit (a deterministic handler): the broker would reject each replay.
      const service = new CountingCopyService(kafka, topics, {
        inject: (value) =>
          value === "v-7"
            ? [{ topic: topics.changelog, key: "oversized", value: Buffer.alloc(2 * 1024 * 1024, 1) }]
            : [],
      });
      const aborts: string[] = [];
      const seen: { code: string; reason: string; bytes: number; source: string | undefined }[] = [];
      const registry = createMetricsRegistry({ service: "runtime-int", defaultMetrics: false });
      const worker = processor(service, topics, groupId, uniqueName("tx"), aborts, registry, {
        onRecordTooLarge: (error, record, source) => {
          seen.push({ code: error.code, reason: error.reason, bytes: error.bytes, source: source?.value?.toString() });
          return [
            {
              topic: dlq,
              key: record.key,
              value: `RECORD_TOO_LARGE ${source?.topic}:${source?.partition}@${source?.offset}`,
            },
          ];
        },
      });
      await worker.start();
      await waitFor(
        "all input offsets committed",
        async () => (await committedTotal(admin, groupId, topics.input)) === 30,
      );
      await worker.shutdown();
      expect(aborts).toEqual([]);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ code: "RESOURCE_EXHAUSTED", reason: "RECORD_TOO_LARGE", source: "v-7" });
      expect(seen[0]!.bytes).toBeGreaterThan(2 * 1024 * 1024);
      expect(
        await counterValue(registry, "twinstate_kafka_oversized_records_total", {
          group: groupId,
          topic: topics.changelog,
        }),
      ).toBe(1);
      await expectExactlyOnce(topics, topics.values);
      const dead = await committedRecords(dlq, [0]);
      expect(dead.map((m) => m.value!.toString())).toEqual([expect.stringMatching(/^RECORD_TOO_LARGE .+:[01]@\d+$/)]);
      // the oversized record itself never reached the changelog
      const changelog = await committedRecords(topics.changelog, [0, 1]);
      expect(changelog.some((m) => m.key?.toString() === "oversized")).toBe(false);
    },
    TIMEOUT_MS,
  );

  test(
    "a second worker joining mid-stream takes partitions over without loss or duplicates",
    async () => {
      const topics = await topicsWithInput(300);
      const groupId = uniqueName("g");
      const prefix = uniqueName("tx");
      const first = new CountingCopyService(kafka, topics, { delayMs: 25 });
      const second = new CountingCopyService(kafka, topics, { delayMs: 25 });
      const a = processor(first, topics, groupId, prefix);
      const b = processor(second, topics, groupId, prefix);
      await a.start();
      await waitFor(
        "first worker made progress",
        async () => (await committedTotal(admin, groupId, topics.input)) >= 20,
      );
      await b.start();
      await waitFor(
        "all input offsets committed",
        async () => (await committedTotal(admin, groupId, topics.input)) === 300,
        150000,
      );
      await Promise.all([a.shutdown(), b.shutdown()]);
      // the second worker took a partition over (restored it first) and processed part of the stream
      expect(second.restores.length).toBeGreaterThan(0);
      expect(second.processed.length).toBeGreaterThan(0);
      expect(first.processed.length + second.processed.length).toBeGreaterThanOrEqual(300);
      await expectExactlyOnce(topics, topics.values);
    },
    TIMEOUT_MS,
  );
});
