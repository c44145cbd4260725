import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { context, ROOT_CONTEXT, type SpanContext, SpanKind, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Admin } from "kafkajs";
import { InvalidArgumentError } from "../../src/errors/invalid-argument-error.ts";
import { KafkaError } from "../../src/errors/kafka-error.ts";
import type { ConsumedMessage } from "../../src/kafka/consumed-message.ts";
import { createKafka, type Kafka } from "../../src/kafka/create-kafka.ts";
import { KafkaConsumer } from "../../src/kafka/kafka-consumer.ts";
import { KafkaProducer } from "../../src/kafka/kafka-producer.ts";
import { readTopicToEnd } from "../../src/kafka/read-topic-to-end.ts";
import { setupTracing, type Tracing } from "../../src/tracing/setup-tracing.ts";
import { captureLogger } from "../support/capture-logger.ts";
import {
  committedTotal,
  createTopics,
  testKafkaConfig,
  uniqueName,
  verificationKafka,
  waitFor,
} from "../support/kafka-test-env.ts";

// jest ignores `testTimeout` inside a project entry, so integration tests pass theirs explicitly.
const TIMEOUT_MS = 120000;
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let kafka: Kafka;
let admin: Admin;
const { logger } = captureLogger("runtime-int", "info");

beforeAll(async () => {
  tracing = setupTracing({ service: "runtime-int", spanProcessors: [new SimpleSpanProcessor(exporter)] });
  kafka = createKafka({ config: testKafkaConfig(), defaultClientId: "runtime-int", logger });
  admin = verificationKafka().admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.disconnect();
  await tracing.shutdown();
});

describe("Kafka seam: produce and consume", () => {
  test(
    "readings round-trip with the trace context in headers; each consumer span is the child of its producer span",
    async () => {
      const topic = uniqueName("readings");
      const groupId = uniqueName("group");
      await createTopics(admin, [{ name: topic, partitions: 3 }]);
      const producer = KafkaProducer.fromConfig({ kafka, logger });
      await producer.start();
      expect(producer.isConnected()).toBe(true);

      // One trace per reading: each send happens under its own root span (as ingest's per-reading span would).
      const roots = new Map<string, SpanContext>();
      for (let i = 0; i < 12; i++) {
        const root = tracing.tracer("test").startSpan(`ingest reading ${i}`, {}, ROOT_CONTEXT);
        await context.with(trace.setSpan(ROOT_CONTEXT, root), () =>
          producer.send([{ topic, key: `acme/asset-${i}`, value: Buffer.from(`reading-${i}`) }]),
        );
        root.end();
        roots.set(`reading-${i}`, root.spanContext());
      }

      const received: { message: ConsumedMessage; span: SpanContext | undefined }[] = [];
      const consumer = KafkaConsumer.fromConfig({
        kafka,
        logger,
        groupId,
        topics: [topic],
        handler: (message) => {
          received.push({ message, span: trace.getSpanContext(context.active()) });
        },
      });
      await consumer.start();
      await waitFor("12 readings consumed", () => received.length >= 12);
      await waitFor("offsets committed", async () => (await committedTotal(admin, groupId, topic)) === 12);
      expect(consumer.isReady()).toEqual({ ok: true });
      await consumer.shutdown();
      await producer.shutdown();

      expect(received.map((r) => r.message.value!.toString()).sort()).toEqual([...roots.keys()].sort());
      const spans = exporter.getFinishedSpans();
      for (const { message, span } of received) {
        const value = message.value!.toString();
        const root = roots.get(value)!;
        const traceparent = message.headers.traceparent!.toString();
        const [, traceId, parentSpanId] = traceparent.split("-");
        expect(traceId).toBe(root.traceId);
        const send = spans.find((s) => s.spanContext().spanId === parentSpanId)!;
        expect(send.name).toBe(`send ${topic}`);
        expect(send.kind).toBe(SpanKind.PRODUCER);
        expect(send.parentSpanContext?.spanId).toBe(root.spanId);
        const processSpan = spans.find((s) => s.spanContext().spanId === span!.spanId)!;
        expect(processSpan.name).toBe(`process ${topic}`);
        expect(processSpan.kind).toBe(SpanKind.CONSUMER);
        expect(processSpan.spanContext().traceId).toBe(root.traceId);
        expect(processSpan.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
      }
    },
    TIMEOUT_MS,
  );

  test(
    "a poison message goes to the dead-letter topic with its reason; the others are processed once",
    async () => {
      const topic = uniqueName("raw");
      const dlq = uniqueName("dlq");
      const groupId = uniqueName("group");
      await createTopics(admin, [
        { name: topic, partitions: 1 },
        { name: dlq, partitions: 1 },
      ]);
      const producer = KafkaProducer.fromConfig({ kafka, logger });
      await producer.start();
      await producer.send(
        ["ok-1", "poison", "ok-2", "ok-3"].map((value) => ({ topic, key: "acme/a", value: Buffer.from(value) })),
      );
      const handled: string[] = [];
      const consumer = KafkaConsumer.fromConfig({
        kafka,
        logger,
        groupId,
        topics: [topic],
        deadLetter: { topic: dlq, producer },
        handler: (message) => {
          const value = message.value!.toString();
          if (value === "poison") throw new InvalidArgumentError("reading has no sensor id");
          handled.push(value);
        },
      });
      await consumer.start();
      await waitFor("all offsets committed", async () => (await committedTotal(admin, groupId, topic)) === 4);
      await consumer.shutdown();
      expect(handled).toEqual(["ok-1", "ok-2", "ok-3"]);
      const dead: ConsumedMessage[] = [];
      await readTopicToEnd(kafka, dlq, [0], (message) => void dead.push(message));
      await producer.shutdown();
      expect(dead).toHaveLength(1);
      expect(dead[0]!.value!.toString()).toBe("poison");
      expect(dead[0]!.headers["twinstate-dlq-reason"]!.toString()).toBe("reading has no sensor id");
      expect(dead[0]!.headers["twinstate-dlq-code"]!.toString()).toBe("INVALID_ARGUMENT");
      expect(dead[0]!.headers["twinstate-dlq-source"]!.toString()).toBe(`${topic}/0/1`);
    },
    TIMEOUT_MS,
  );

  test(
    "a retriable handler failure is retried without committing its offset",
    async () => {
      const topic = uniqueName("retry");
      const groupId = uniqueName("group");
      await createTopics(admin, [{ name: topic, partitions: 1 }]);
      const producer = KafkaProducer.fromConfig({ kafka, logger });
      await producer.start();
      await producer.send(["a", "b", "c"].map((value) => ({ topic, key: "k", value })));
      await producer.shutdown();
      const attempts: string[] = [];
      let failedOnce = false;
      const consumer = KafkaConsumer.fromConfig({
        kafka,
        logger,
        groupId,
        topics: [topic],
        handler: (message) => {
          const value = message.value!.toString();
          attempts.push(value);
          if (value === "b" && !failedOnce) {
            failedOnce = true;
            throw new Error("database briefly unavailable");
          }
        },
      });
      await consumer.start();
      await waitFor("all offsets committed", async () => (await committedTotal(admin, groupId, topic)) === 3);
      await consumer.shutdown();
      expect(attempts).toEqual(["a", "b", "b", "c"]);
    },
    TIMEOUT_MS,
  );
});

describe("readTopicToEnd", () => {
  test(
    "reads only the requested partitions, up to the end captured at start, in offset order",
    async () => {
      const topic = uniqueName("changelog");
      await createTopics(admin, [{ name: topic, partitions: 3 }]);
      const producer = KafkaProducer.fromConfig({ kafka, logger });
      await producer.start();
      await producer.send(
        Array.from({ length: 30 }, (_, i) => ({ topic, key: `k${i}`, value: `v${i}`, partition: i % 3 })),
      );
      const seen: ConsumedMessage[] = [];
      const result = await readTopicToEnd(kafka, topic, [0, 2], async (message) => {
        seen.push(message);
        // writes after the start are not waited for (nor read beyond the captured end)
        if (seen.length === 1) await producer.send([{ topic, key: "late", value: "late", partition: 0 }]);
      });
      await producer.shutdown();
      expect(result.messages).toBe(20);
      expect(result.endOffsets).toEqual(
        new Map([
          [0, "10"],
          [2, "10"],
        ]),
      );
      expect(seen.every((m) => m.partition !== 1)).toBe(true);
      expect(seen.some((m) => m.value!.toString() === "late")).toBe(false);
      for (const partition of [0, 2]) {
        const offsets = seen.filter((m) => m.partition === partition).map((m) => Number(m.offset));
        expect(offsets).toEqual(Array.from({ length: 10 }, (_, i) => i));
      }
    },
    TIMEOUT_MS,
  );

  test(
    "an empty partition returns at once; a partition the topic lacks is a non-retriable KafkaError",
    async () => {
      const topic = uniqueName("empty");
      await createTopics(admin, [{ name: topic, partitions: 1 }]);
      const begun = Date.now();
      const result = await readTopicToEnd(kafka, topic, [0], () => undefined);
      expect(result.messages).toBe(0);
      expect(Date.now() - begun).toBeLessThan(5000);
      const error = await readTopicToEnd(kafka, topic, [4], () => undefined).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(KafkaError);
      expect((error as KafkaError).retriable).toBe(false);
      expect((error as KafkaError).message).toContain("has no partition 4");
    },
    TIMEOUT_MS,
  );
});
