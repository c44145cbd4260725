import { describe, expect, test } from "@jest/globals";
import { Registry } from "prom-client";
import { KafkaSeamMetrics } from "../../src/kafka/kafka-seam-metrics.ts";

describe("KafkaSeamMetrics", () => {
  test("a registered group has committed and aborted transaction series at zero before any transaction", async () => {
    const registry = new Registry();
    KafkaSeamMetrics.for(registry).registerGroup("ingest");
    const text = await registry.metrics();
    expect(text).toContain('twinstate_kafka_transactions_total{group="ingest",outcome="aborted"} 0');
    expect(text).toContain('twinstate_kafka_transactions_total{group="ingest",outcome="committed"} 0');
  });
});
