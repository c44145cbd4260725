import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, test } from "@jest/globals";
import {
  DeadLetterReason,
  Quality,
  SensorReadingSchema,
  SourcePositionSchema,
  VectorValueSchema,
} from "@twinstate/proto";
import { type ReasonCode, StateJournal, type ValidationOutcome } from "../src/validation/index.ts";
import { encode, kafkaSource, NOW_MS, type ReadingOverrides, reading, testValidator } from "./reading-fixtures.ts";

function rejectionOf(outcome: ValidationOutcome): ReasonCode | "ACCEPTED" {
  return outcome.accepted ? "ACCEPTED" : outcome.reason;
}

function vector(components: number[]): ReadingOverrides["value"] {
  return { case: "vector", value: create(VectorValueSchema, { components }) };
}

const accel = (overrides: ReadingOverrides = {}) =>
  reading({
    sensor: "bearing_accel",
    unit: "m/s2",
    value: vector([0.1, -9.8, 0.3]),
    idempotencyKey: "k-1",
    attributes: { gateway: "gw-1" },
    ...overrides,
  });

describe("reading validator: accepted readings", () => {
  test("a valid reading is converted to the canonical unit and records contract, version, source and ingestion time", () => {
    const { validator } = testValidator();
    const bytes = encode(reading({ value: { case: "scalar", value: 100 }, unit: "Cel", attributes: { fw: "1" } }));
    const outcome = validator.validate(bytes, kafkaSource(42, 3), NOW_MS + 10);
    expect(outcome.accepted).toBe(true);
    if (!outcome.accepted) return;
    const v = outcome.reading;
    expect(outcome.key).toBe("acme/pump-1");
    expect(v.reading!.value).toEqual({ case: "scalar", value: 373.15 });
    expect(v.reading!.unit).toBe("K");
    expect(v.canonicalUnit).toBe("K");
    expect(v.originalUnit).toBe("Cel");
    expect(v.contractId).toBe("acme/test");
    expect(v.contractVersion).toBe(3);
    expect(v.reading!.attributes).toEqual({ fw: "1" });
    expect(Number(v.ingestionTime!.seconds) * 1000 + v.ingestionTime!.nanos / 1e6).toBe(NOW_MS + 10);
    expect(v.source!.origin).toEqual({
      case: "kafka",
      value: expect.objectContaining({ topic: "telemetry.raw.v1", partition: 3, offset: 42n }),
    });
  });

  test("°F is converted affinely and a vector component-wise", () => {
    const { validator } = testValidator();
    const f = validator.validate(
      encode(reading({ value: { case: "scalar", value: 212 }, unit: "[degF]" })),
      kafkaSource(0),
      NOW_MS,
    );
    expect(f.accepted && f.reading.reading!.value).toEqual({ case: "scalar", value: 373.15 });
    const a = validator.validate(encode(accel({ unit: "[g]", value: vector([0, 1, -2]) })), kafkaSource(1), NOW_MS);
    expect(a.accepted).toBe(true);
    if (a.accepted && a.reading.reading!.value.case === "vector") {
      expect(a.reading.reading!.value.value.components).toEqual([0, 9.80665, -19.6133]);
    }
  });
});

describe("reading validator: every reason code", () => {
  const cases: Array<[ReasonCode, string, () => Uint8Array]> = [
    ["MALFORMED_PROTOBUF", "random bytes", () => Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f])],
    ["MALFORMED_PROTOBUF", "a truncated reading", () => encode(reading()).subarray(0, 20)],
    ["MISSING_FIELD", "no tenant", () => encode(reading({ tenant: "" }))],
    ["MISSING_FIELD", "no asset", () => encode(reading({ asset: "" }))],
    ["MISSING_FIELD", "an asset with a slash", () => encode(reading({ asset: "a/b" }))],
    ["MISSING_FIELD", "no sensor", () => encode(reading({ sensor: "" }))],
    ["MISSING_FIELD", "no event time", () => encode(reading({ eventTime: undefined }))],
    ["MISSING_FIELD", "no value", () => encode(reading({ value: { case: undefined } }))],
    ["MISSING_FIELD", "no unit", () => encode(reading({ unit: "" }))],
    ["MISSING_FIELD", "a required idempotency key", () => encode(accel({ idempotencyKey: "" }))],
    ["MISSING_FIELD", "a required attribute", () => encode(accel({ attributes: {} }))],
    ["CONTRACT_MISSING", "a tenant without contracts", () => encode(reading({ tenant: "nobody" }))],
    ["UNKNOWN_SENSOR", "a sensor no contract declares", () => encode(reading({ sensor: "mystery" }))],
    ["UNIT_UNKNOWN", "an unknown unit", () => encode(reading({ unit: "degrees" }))],
    ["UNIT_MISMATCH", "a unit of another dimension", () => encode(reading({ unit: "kPa" }))],
    ["UNIT_MISMATCH", "a same-dimension unit the contract does not accept", () => encode(reading({ unit: "°R" }))],
    ["OUT_OF_RANGE", "above max after conversion", () => encode(reading({ value: { case: "scalar", value: 250 } }))],
    ["OUT_OF_RANGE", "below min", () => encode(reading({ value: { case: "scalar", value: 200 }, unit: "K" }))],
    ["OUT_OF_RANGE", "a vector component", () => encode(accel({ value: vector([0, 600, 0]) }))],
    ["NON_FINITE", "NaN", () => encode(reading({ value: { case: "scalar", value: Number.NaN } }))],
    ["NON_FINITE", "Infinity", () => encode(reading({ value: { case: "scalar", value: Number.POSITIVE_INFINITY } }))],
    ["NON_FINITE", "-Infinity in a vector", () => encode(accel({ value: vector([0, Number.NEGATIVE_INFINITY, 0]) }))],
    [
      "NON_FINITE",
      "overflow in conversion",
      () => encode(reading({ sensor: "inlet_pressure", unit: "MPa", value: { case: "scalar", value: 1e305 } })),
    ],
    ["TIMESTAMP_SKEW", "too far in the future", () => encode(reading({ eventTime: timestampFromMs(NOW_MS + 5001) }))],
    ["TIMESTAMP_SKEW", "too far in the past", () => encode(reading({ eventTime: timestampFromMs(NOW_MS - 60001) }))],
    [
      "TOO_LARGE",
      "above the contract's payload limit",
      () => encode(reading({ attributes: { blob: "x".repeat(600) } })),
    ],
    [
      "TOO_LARGE",
      "too many attributes",
      () => encode(reading({ attributes: { a: "1", b: "2", c: "3", d: "4", e: "5" } })),
    ],
    ["SHAPE_MISMATCH", "a vector where a scalar is expected", () => encode(reading({ value: vector([1, 2]) }))],
    [
      "SHAPE_MISMATCH",
      "a scalar where a vector is expected",
      () => encode(accel({ value: { case: "scalar", value: 1 } })),
    ],
    ["SHAPE_MISMATCH", "a vector of the wrong length", () => encode(accel({ value: vector([1, 2]) }))],
  ];

  test.each(cases)("%s: %s", (reason, _what, make) => {
    const { validator } = testValidator();
    const bytes = make();
    const source = kafkaSource(7, 2);
    const outcome = validator.validate(bytes, source, NOW_MS);
    expect(rejectionOf(outcome)).toBe(reason);
    if (outcome.accepted) return;
    expect(outcome.record.original).toEqual(bytes);
    expect(outcome.record.reason).toBe(DeadLetterReason[reason as keyof typeof DeadLetterReason]);
    expect(outcome.record.reasonDetail.length).toBeGreaterThan(5);
    expect(outcome.record.source).toEqual(source);
    expect(Number(outcome.record.rejectedAt!.seconds) * 1000).toBe(NOW_MS);
  });

  test("TOO_LARGE before decoding, above the service's hard limit", () => {
    const { validator } = testValidator([], 100);
    const outcome = validator.validate(new Uint8Array(101), kafkaSource(0), NOW_MS);
    expect(rejectionOf(outcome)).toBe("TOO_LARGE");
  });

  test("DUPLICATE: the same idempotency key, or the same sensor and event time without one", () => {
    const { validator } = testValidator();
    const keyed = encode(reading({ idempotencyKey: "abc" }));
    expect(rejectionOf(validator.validate(keyed, kafkaSource(0), NOW_MS))).toBe("ACCEPTED");
    const again = encode(reading({ idempotencyKey: "abc", value: { case: "scalar", value: 21 } }));
    const dup = validator.validate(again, kafkaSource(1), NOW_MS + 1);
    expect(rejectionOf(dup)).toBe("DUPLICATE");
    expect(!dup.accepted && dup.record.contractId).toBe("acme/test");
    // another asset with the same key is not a duplicate
    expect(
      rejectionOf(
        validator.validate(encode(reading({ idempotencyKey: "abc", asset: "pump-2" })), kafkaSource(2), NOW_MS),
      ),
    ).toBe("ACCEPTED");
    const unkeyed = encode(reading({ eventTime: timestampFromMs(NOW_MS - 1000) }));
    expect(rejectionOf(validator.validate(unkeyed, kafkaSource(3), NOW_MS))).toBe("ACCEPTED");
    expect(rejectionOf(validator.validate(unkeyed, kafkaSource(4), NOW_MS))).toBe("DUPLICATE");
  });

  test("RATE_LIMITED: a burst above the bucket, refilled by event time", () => {
    const { validator } = testValidator();
    // burst 5, 10/s: five back-to-back readings at one instant pass, the sixth is limited
    const outcomes = [...Array(6).keys()].map((i) =>
      rejectionOf(validator.validate(encode(reading({ idempotencyKey: `b${i}` })), kafkaSource(i), NOW_MS)),
    );
    expect(outcomes).toEqual(["ACCEPTED", "ACCEPTED", "ACCEPTED", "ACCEPTED", "ACCEPTED", "RATE_LIMITED"]);
    // 100 ms of event time later, one token has refilled
    const later = (key: string) => encode(reading({ idempotencyKey: key, eventTime: timestampFromMs(NOW_MS + 100) }));
    expect(rejectionOf(validator.validate(later("c1"), kafkaSource(7), NOW_MS))).toBe("ACCEPTED");
    expect(rejectionOf(validator.validate(later("c2"), kafkaSource(8), NOW_MS))).toBe("RATE_LIMITED");
    // another sensor of the same asset has its own bucket
    const other = encode(reading({ sensor: "inlet_pressure", unit: "bar", value: { case: "scalar", value: 2 } }));
    expect(rejectionOf(validator.validate(other, kafkaSource(9), NOW_MS))).toBe("ACCEPTED");
  });

  test("a rejected reading takes neither a dedup key nor a rate token", () => {
    const { validator } = testValidator();
    const limited = [...Array(6).keys()].map((i) => encode(reading({ idempotencyKey: `r${i}` })));
    for (const [i, b] of limited.entries()) validator.validate(b, kafkaSource(i), NOW_MS);
    // r5 was RATE_LIMITED; once tokens refill it is accepted, not a duplicate
    const retry = encode(reading({ idempotencyKey: "r5", eventTime: timestampFromMs(NOW_MS + 1000) }));
    expect(rejectionOf(validator.validate(retry, kafkaSource(10), NOW_MS))).toBe("ACCEPTED");
  });

  test("rolling back a journal undoes the batch's dedup and rate state (an aborted transaction replays cleanly)", () => {
    const { validator } = testValidator();
    const batch = [...Array(6).keys()].map((i) => encode(reading({ idempotencyKey: `j${i}` })));
    const run = (journal: StateJournal) =>
      batch.map((b, i) => rejectionOf(validator.validate(b, kafkaSource(i), NOW_MS, journal)));
    const journal = new StateJournal();
    const first = run(journal);
    expect(journal.size).toBeGreaterThan(0);
    journal.rollback();
    expect(run(journal)).toEqual(first);
    journal.commit();
    // committed: the five accepted keys are now duplicates; the sixth was limited and is still limited
    expect(run(journal)).toEqual([...Array(5).fill("DUPLICATE"), "RATE_LIMITED"]);
  });

  test("a new contract version applies at once and is recorded", () => {
    const { validator, contracts, units } = testValidator();
    const hot = encode(reading({ value: { case: "scalar", value: 250 } }));
    expect(rejectionOf(validator.validate(hot, kafkaSource(0), NOW_MS))).toBe("OUT_OF_RANGE");
    const v4 = testValidator().contracts.get("acme/test")!;
    contracts.put({ ...v4, version: 4, types: v4.types.map((t) => ({ ...t, contractVersion: 4, max: 600 })) });
    const outcome = validator.validate(hot, kafkaSource(1), NOW_MS);
    expect(outcome.accepted && outcome.reading.contractVersion).toBe(4);
    expect(units.resolve("K")).toBeDefined();
  });

  test("gRPC sources are recorded as given", () => {
    const { validator } = testValidator();
    const source = create(SourcePositionSchema, {
      origin: { case: "grpc", value: { peer: "ipv4:127.0.0.1:5000", index: 3 } },
    });
    const outcome = validator.validate(encode(reading({ tenant: "" })), source, NOW_MS);
    expect(!outcome.accepted && outcome.record.source).toEqual(source);
  });

  test("quality can be made a required field", () => {
    const contract = `
apiVersion: twinstate/v1
kind: DataContract
id: q/test
version: 1
tenant: q
sensorTypes: [{ type: t, sensors: [s], unit: K, requiredFields: [quality] }]
`;
    const { validator } = testValidator([contract]);
    const base = { tenant: "q", sensor: "s", unit: "K", value: { case: "scalar" as const, value: 300 } };
    expect(rejectionOf(validator.validate(encode(reading(base)), kafkaSource(0), NOW_MS))).toBe("MISSING_FIELD");
    const good = toBinary(
      SensorReadingSchema,
      create(SensorReadingSchema, reading({ ...base, quality: Quality.GOOD })),
    );
    expect(rejectionOf(validator.validate(good, kafkaSource(1), NOW_MS))).toBe("ACCEPTED");
  });
});
