import { createHash } from "node:crypto";
import { fromBinary } from "@bufbuild/protobuf";
import { describe, expect, test } from "@jest/globals";
import { DeadLetterReason, DeadLetterRecordSchema } from "@twinstate/proto";
import { createLogger } from "@twinstate/runtime";
import { Registry } from "prom-client";
import { IngestMetrics } from "../src/metrics/ingest-metrics.ts";
import {
  boundDeadLetter,
  MAX_DEAD_LETTER_BYTES,
  ORIGINAL_BYTES_HEADER,
  ORIGINAL_SHA256_HEADER,
  ORIGINAL_TRUNCATED_HEADER,
  TRUNCATED_ORIGINAL_BYTES,
} from "../src/service/bounded-dead-letter.ts";
import { outcomeRecord, REASON_HEADER } from "../src/service/outcome-record.ts";
import { createOversizedOutputReplacer } from "../src/service/oversized-output-replacer.ts";
import { encode, kafkaSource, NOW_MS, reading, testValidator } from "./reading-fixtures.ts";

const TOPICS = { valid: "valid", dlq: "dlq" };

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Deterministic pseudo-random bytes (not a decodable SensorReading as a whole). */
function blob(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe("dead letters stay under the broker's record limit", () => {
  test("a small dead letter is written unchanged, without truncation headers", () => {
    const { validator } = testValidator();
    const input = encode(reading({ unit: "furlong" }));
    const outcome = validator.validate(input, kafkaSource(5), NOW_MS);
    expect(outcome.accepted).toBe(false);
    const record = outcomeRecord(outcome, TOPICS);
    const dead = fromBinary(DeadLetterRecordSchema, record.value as Buffer);
    expect(Buffer.from(dead.original).equals(Buffer.from(input))).toBe(true);
    expect(record.headers?.[ORIGINAL_TRUNCATED_HEADER]).toBeUndefined();
    expect(dead.reasonDetail).not.toContain("truncated");
  });

  test("a TOO_LARGE input of ~1,000,000 bytes becomes a dead letter of its first 64 KiB, with length and SHA-256", () => {
    const { validator } = testValidator([], 1_048_576);
    const input = encode(reading({ attributes: { blob: "x".repeat(999_950) } }));
    expect(input.length).toBeGreaterThan(999_950);
    const outcome = validator.validate(input, kafkaSource(42, 3, "raw"), NOW_MS);
    expect(outcome.accepted).toBe(false);
    if (outcome.accepted) return;
    expect(outcome.reason).toBe("TOO_LARGE");

    const record = outcomeRecord(outcome, TOPICS);
    const value = record.value as Buffer;
    expect(value.length).toBeLessThanOrEqual(TRUNCATED_ORIGINAL_BYTES + 4096);
    const dead = fromBinary(DeadLetterRecordSchema, value);
    expect(dead.reason).toBe(DeadLetterReason.TOO_LARGE);
    expect(dead.original.length).toBe(TRUNCATED_ORIGINAL_BYTES);
    expect(Buffer.from(dead.original).equals(Buffer.from(input.subarray(0, TRUNCATED_ORIGINAL_BYTES)))).toBe(true);
    expect(dead.reasonDetail).toContain(`exceeds the contract's 512-byte limit`);
    expect(dead.reasonDetail).toContain(
      `original truncated to ${TRUNCATED_ORIGINAL_BYTES} of ${input.length} bytes, sha256 ${sha256(input)}`,
    );
    expect(dead.source?.origin).toEqual({
      case: "kafka",
      value: expect.objectContaining({ topic: "raw", partition: 3, offset: 42n }),
    });
    expect(dead.tenant).toBe("acme");
    expect(record.key).toBe("acme/pump-1");
    expect(record.headers?.[REASON_HEADER]).toBe("TOO_LARGE");
    expect(record.headers?.[ORIGINAL_TRUNCATED_HEADER]).toBe("true");
    expect(record.headers?.[ORIGINAL_BYTES_HEADER]).toBe(String(input.length));
    expect(record.headers?.[ORIGINAL_SHA256_HEADER]).toBe(sha256(input));
  });

  test("an input just under the limit whose dead letter would cross it is truncated (not only TOO_LARGE)", () => {
    const { validator } = testValidator([], 1_048_576);
    const input = blob(MAX_DEAD_LETTER_BYTES - 20);
    const outcome = validator.validate(input, kafkaSource(1), NOW_MS);
    expect(outcome.accepted).toBe(false);
    const value = outcomeRecord(outcome, TOPICS).value as Buffer;
    expect(value.length).toBeLessThanOrEqual(MAX_DEAD_LETTER_BYTES);
    expect(fromBinary(DeadLetterRecordSchema, value).original.length).toBe(TRUNCATED_ORIGINAL_BYTES);
  });

  test("huge text fields are cut too, so the bound holds whatever the input echoes", () => {
    const { validator } = testValidator([], 2_000_000);
    // tenant without a contract: CONTRACT_MISSING echoes the tenant in the detail and the tenant field
    const input = encode(reading({ tenant: "t".repeat(600_000) }));
    const outcome = validator.validate(input, kafkaSource(2), NOW_MS);
    expect(outcome.accepted).toBe(false);
    const record = outcomeRecord(outcome, TOPICS);
    expect((record.value as Buffer).length).toBeLessThanOrEqual(TRUNCATED_ORIGINAL_BYTES + 8192);
    expect(record.key).toBeNull();
  });

  test("boundDeadLetter keeps every record within maxBytes for any original size", () => {
    const { validator } = testValidator([], 10_000_000);
    for (const length of [0, 1000, 70_000, 500_000, 2_000_000]) {
      const outcome = validator.validate(blob(length, length + 1), kafkaSource(3), NOW_MS);
      if (outcome.accepted) throw new Error("random bytes accepted");
      const bounded = boundDeadLetter(outcome.record, 200_000);
      expect(bounded.value.length).toBeLessThanOrEqual(200_000);
      expect(bounded.truncation === undefined).toBe(length < 190_000);
    }
  });
});

describe("onRecordTooLarge replacer", () => {
  test("turns an oversized output into a truncated TOO_LARGE dead letter of its input, counted", async () => {
    const registry = new Registry();
    const metrics = new IngestMetrics(registry, 10);
    const replace = createOversizedOutputReplacer({
      dlq: "dlq",
      metrics,
      logger: createLogger({ service: "test", level: "silent" }),
      clock: () => NOW_MS,
    });
    const input = Buffer.from(blob(1_000_000, 9));
    const source = {
      topic: "raw",
      partition: 2,
      offset: "77",
      key: null,
      value: input,
      headers: {},
      timestamp: String(NOW_MS),
    };
    const out = replace(
      { bytes: 1_200_000, limit: 1_048_000 },
      { topic: "valid", key: "acme/pump-1", value: Buffer.alloc(1_200_000) },
      source,
    );
    expect(out).toHaveLength(1);
    const record = out[0]!;
    expect(record.topic).toBe("dlq");
    expect(record.key).toBe("acme/pump-1");
    expect(record.headers?.[REASON_HEADER]).toBe("TOO_LARGE");
    expect(record.headers?.[ORIGINAL_SHA256_HEADER]).toBe(sha256(input));
    const dead = fromBinary(DeadLetterRecordSchema, record.value as Buffer);
    expect(dead.reason).toBe(DeadLetterReason.TOO_LARGE);
    expect(Buffer.from(dead.original).equals(input.subarray(0, TRUNCATED_ORIGINAL_BYTES))).toBe(true);
    expect(dead.reasonDetail).toContain("output record for valid of 1200000 bytes exceeds the 1048000-byte");
    expect(dead.reasonDetail).toContain(`of 1000000 bytes, sha256 ${sha256(input)}`);
    expect(dead.source?.origin).toEqual({
      case: "kafka",
      value: expect.objectContaining({ topic: "raw", partition: 2, offset: 77n }),
    });
    expect(dead.tenant).toBe("acme");
    expect(dead.asset).toBe("pump-1");
    const text = await registry.metrics();
    expect(text).toContain('twinstate_ingest_oversized_outputs_replaced_total{topic="valid"} 1');
  });
});
