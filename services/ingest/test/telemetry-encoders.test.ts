import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, test } from "@jest/globals";
import { DeadLetterRecordSchema, SourcePositionSchema, ValidatedReadingSchema } from "@twinstate/proto";
import fc from "fast-check";
import { encodeDeadLetterRecord, encodeValidatedReading } from "../src/codec/index.ts";

const text = fc.string({ unit: "grapheme", maxLength: 40 });
const ts = fc.option(
  fc.record({
    seconds: fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
    nanos: fc.integer({ min: -5, max: 999_999_999 }),
  }),
  { nil: undefined },
);
const source = fc.oneof(
  fc
    .record({
      topic: text,
      partition: fc.integer({ min: -3, max: 1000 }),
      offset: fc.bigInt({ min: -1n, max: 2n ** 62n }),
    })
    .map((k) => create(SourcePositionSchema, { origin: { case: "kafka", value: k } })),
  fc
    .record({ peer: text, principal: text, index: fc.nat(), callId: text })
    .map((g) => create(SourcePositionSchema, { origin: { case: "grpc", value: g } })),
  fc.constant(create(SourcePositionSchema, {})),
);
const value = fc.oneof(
  fc.double().map((v) => ({ case: "scalar" as const, value: v })),
  fc.array(fc.double(), { maxLength: 6 }).map((components) => ({
    case: "vector" as const,
    value: { components },
  })),
  fc.constant({ case: undefined }),
);
const reading = fc.record({
  tenant: text,
  asset: text,
  sensor: text,
  eventTime: ts,
  value,
  unit: text,
  quality: fc.integer({ min: 0, max: 4 }),
  idempotencyKey: text,
  attributes: fc.dictionary(text, text, { maxKeys: 4 }),
});

describe("hand-written telemetry encoders", () => {
  test("ValidatedReading bytes equal protobuf-es toBinary", () => {
    fc.assert(
      fc.property(
        fc.record({
          reading: fc.option(reading, { nil: undefined }),
          canonicalUnit: text,
          originalUnit: text,
          ingestionTime: ts,
          contractId: text,
          contractVersion: fc.nat(),
          source: fc.option(source, { nil: undefined }),
        }),
        (init) => {
          const m = create(ValidatedReadingSchema, init as never);
          expect(Buffer.from(encodeValidatedReading(m))).toEqual(Buffer.from(toBinary(ValidatedReadingSchema, m)));
        },
      ),
      { numRuns: 1500 },
    );
  });

  test("DeadLetterRecord bytes equal protobuf-es toBinary", () => {
    fc.assert(
      fc.property(
        fc.record({
          original: fc.uint8Array({ maxLength: 300 }),
          reason: fc.integer({ min: 0, max: 14 }),
          reasonDetail: text,
          source: fc.option(source, { nil: undefined }),
          rejectedAt: ts,
          contractId: text,
          contractVersion: fc.nat(),
          tenant: text,
          asset: text,
          sensor: text,
        }),
        (init) => {
          const m = create(DeadLetterRecordSchema, init as never);
          expect(Buffer.from(encodeDeadLetterRecord(m))).toEqual(Buffer.from(toBinary(DeadLetterRecordSchema, m)));
        },
      ),
      { numRuns: 1500 },
    );
  });

  test("long strings and large messages (multi-byte lengths) encode like toBinary", () => {
    const m = create(DeadLetterRecordSchema, {
      original: new Uint8Array(70_000).fill(7),
      reasonDetail: "é".repeat(200) + "x".repeat(300),
      tenant: "t".repeat(127),
      asset: "a".repeat(128),
      source: create(SourcePositionSchema, { origin: { case: "grpc", value: { peer: "p".repeat(20_000), index: 3 } } }),
    });
    expect(Buffer.from(encodeDeadLetterRecord(m))).toEqual(Buffer.from(toBinary(DeadLetterRecordSchema, m)));
  });
});
