import { describe, expect, test } from "@jest/globals";
import { type ConsumedMessage, createLogger } from "@twinstate/runtime";
import { Registry } from "prom-client";
import { IngestMetrics } from "../src/metrics/ingest-metrics.ts";
import { REASON_HEADER } from "../src/service/outcome-record.ts";
import { RawBatchHandler } from "../src/service/raw-batch-handler.ts";
import { encode, NOW_MS, reading, testValidator } from "./reading-fixtures.ts";

const TP = { topic: "raw", partition: 0 };

function message(offset: number, value: Uint8Array): ConsumedMessage {
  return {
    topic: TP.topic,
    partition: TP.partition,
    offset: String(offset),
    key: null,
    value: Buffer.from(value),
    headers: {},
    timestamp: String(NOW_MS),
  };
}

async function counter(registry: Registry, name: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? []).reduce((sum, v) => sum + Number(v.value), 0);
}

describe("RawBatchHandler", () => {
  test("outcomes are counted once, when the chunk's transaction commits — not again when it is replayed", async () => {
    const registry = new Registry();
    const handler = new RawBatchHandler({
      validator: testValidator().validator,
      topics: { valid: "valid", dlq: "dlq" },
      metrics: new IngestMetrics(registry, 50),
      logger: createLogger({ service: "test", level: "silent" }),
      clock: () => NOW_MS,
    });
    const chunk = [
      message(0, encode(reading({ idempotencyKey: "a" }))),
      message(1, encode(reading({ idempotencyKey: "b", value: { case: "scalar", value: Number.NaN } }))),
      message(2, new Uint8Array([0xff, 0xff, 0xff])),
    ];
    const run = () => {
      const outputs = chunk.flatMap((m) => handler.process(m));
      handler.endBatch(TP);
      return outputs;
    };

    const first = run();
    expect(await counter(registry, "twinstate_ingest_readings_in_total")).toBe(0); // not committed yet
    handler.onPartitionsAssigned([TP]); // the transaction aborted: state rolled back before the replay
    const replay = run();
    expect(replay.map((r) => r.topic)).toEqual(first.map((r) => r.topic)); // judged exactly like the first attempt
    handler.afterCommit(TP);

    expect(await counter(registry, "twinstate_ingest_readings_in_total")).toBe(3);
    expect(await counter(registry, "twinstate_ingest_readings_valid_total")).toBe(1);
    expect(await counter(registry, "twinstate_ingest_readings_rejected_total")).toBe(2);
    // the committed chunk's dedup state is final: the same key again is a duplicate
    const again = handler.process(message(3, encode(reading({ idempotencyKey: "a" }))));
    expect(again[0]?.headers?.[REASON_HEADER]).toBe("DUPLICATE");
  });
});
