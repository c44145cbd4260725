import { createHash } from "node:crypto";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, test } from "@jest/globals";
import { SensorReadingSchema } from "@twinstate/proto";
import { TRUNCATED_ORIGINAL_BYTES } from "../src/service/bounded-dead-letter.ts";
import { checkConservation } from "./conservation-check.ts";
import {
  freePort,
  freshTopics,
  produceInputs,
  readOutputs,
  readRaw,
  startService,
  stopService,
  testKafka,
} from "./ingest-harness.ts";
import type { MixedInput } from "./mixed-stream.ts";

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A reading of the deployed acme contract (maxPayloadBytes 1024), padded with an attribute to `bytes`. */
function acmeReading(nowMs: number, padding: number): Uint8Array {
  return toBinary(
    SensorReadingSchema,
    create(SensorReadingSchema, {
      tenant: "acme",
      asset: "pump-1",
      sensor: "outlet_temp",
      eventTime: timestampFromMs(nowMs),
      value: { case: "scalar", value: 20 },
      unit: "Cel",
      attributes: padding > 0 ? { pad: "p".repeat(padding) } : {},
    }),
  );
}

function metricValues(text: string, name: string): number[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => Number(line.slice(line.lastIndexOf(" ") + 1)));
}

describe("ingest service: inputs near the broker's record limit", () => {
  test("a ~1 MB input yields exactly one TOO_LARGE dead letter (truncated, traceable), nothing dropped", async () => {
    const kafka = testKafka();
    // the raw topic must accept inputs above the broker's default 1 MB record limit
    const ids = await freshTopics(kafka, 1, [{ name: "max.message.bytes", value: String(4 << 20) }]);
    const nowMs = Date.now();
    // just under INGEST_MAX_MESSAGE_BYTES (1 MiB): its full dead letter would exceed the 1,048,000-byte record limit
    const near = acmeReading(nowMs, 1_048_450);
    const over = acmeReading(nowMs, 1_100_000);
    expect(near.length).toBeGreaterThan(1_048_000);
    expect(near.length).toBeLessThanOrEqual(1_048_576);
    const inputs: MixedInput[] = [
      { key: "acme/pump-1", value: acmeReading(nowMs, 0), expected: "VALID" },
      // under INGEST_MAX_MESSAGE_BYTES (1 MiB), over the contract's 1024 bytes: TOO_LARGE after decoding
      { key: "acme/pump-1", value: near, expected: "TOO_LARGE" },
      // over INGEST_MAX_MESSAGE_BYTES: TOO_LARGE before decoding
      { key: "acme/pump-1", value: over, expected: "TOO_LARGE" },
    ];
    const httpPort = await freePort();
    const service = await startService(ids, { HTTP_PORT: String(httpPort) });
    try {
      await service.running;
      await produceInputs(kafka, ids.raw, inputs, 0, inputs.length, 1);
      const outputs = await readOutputs(kafka, ids, inputs.length, 60_000);
      const raw = await readRaw(kafka, ids.raw, inputs.length);
      const report = checkConservation(ids.raw, raw, outputs, inputs);
      expect(raw.length).toBe(inputs.length);
      expect(report.orphansOrDuplicates).toEqual([]);
      expect(report.missing).toEqual([]);
      expect(report.untraceable).toEqual([]);
      expect(report.unexpected).toEqual([]);
      expect(outputs.length).toBe(inputs.length);
      expect(report.byReason).toEqual({ TOO_LARGE: 2 });

      // the input over INGEST_MAX_MESSAGE_BYTES is not decoded, so its dead letter is unkeyed
      for (const [input, key] of [
        [near, "acme/pump-1"],
        [over, ""],
      ] as const) {
        const matching = outputs.filter(
          (o) => o.kind === "dlq" && o.message.reasonDetail.includes(`sha256 ${sha256(input)}`),
        );
        expect(matching).toHaveLength(1);
        const dead = matching[0]!;
        if (dead.kind !== "dlq") throw new Error("not a dead letter");
        expect(dead.reason).toBe("TOO_LARGE");
        expect(dead.key).toBe(key);
        expect(dead.message.original.length).toBe(TRUNCATED_ORIGINAL_BYTES);
        expect(dead.message.reasonDetail).toContain(`of ${input.length} bytes`);
      }

      const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      expect(metricValues(metrics, "twinstate_kafka_oversized_records_total").every((v) => v === 0)).toBe(true);
      expect(metricValues(metrics, "twinstate_ingest_oversized_outputs_replaced_total")).toEqual([]);
      expect(service.logs.filter((line) => line.includes("output record too large"))).toEqual([]);
    } finally {
      await stopService(service);
    }
  }, 120_000);
});
