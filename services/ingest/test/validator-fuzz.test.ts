import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { REASON_CODES, type ValidationOutcome } from "../src/validation/index.ts";
import { encode, kafkaSource, NOW_MS, reading, testValidator } from "./reading-fixtures.ts";

const { validator } = testValidator();
const validBytes = [
  encode(reading()),
  encode(reading({ idempotencyKey: "x", attributes: { gateway: "g", fw: "1.2" } })),
  encode(reading({ sensor: "inlet_pressure", unit: "bar", value: { case: "scalar", value: 3 } })),
];

/** Exactly one outcome, and a well-formed one: the conservation invariant for a single input. */
function expectOneOutcome(outcome: ValidationOutcome, input: Uint8Array): void {
  if (outcome.accepted) {
    expect(outcome.reading.contractId).toBe("acme/test");
    expect(
      Number.isFinite(outcome.reading.reading?.value.case === "scalar" ? outcome.reading.reading.value.value : 0),
    ).toBe(true);
  } else {
    expect(REASON_CODES).toContain(outcome.reason);
    expect(outcome.reason).not.toBe("INTERNAL");
    expect(outcome.record.original).toEqual(input);
  }
}

describe("decoder and validator fuzzing (fast-check)", () => {
  test("random bytes never throw and give exactly one outcome", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 1e6 }), (bytes, offset) => {
        const outcome = validator.validate(bytes, kafkaSource(offset), NOW_MS);
        expectOneOutcome(outcome, bytes);
      }),
      { numRuns: 3000 },
    );
  });

  test("mutated valid readings (flipped, inserted, deleted, truncated bytes) never throw", () => {
    const mutation = fc.record({
      base: fc.integer({ min: 0, max: validBytes.length - 1 }),
      edits: fc.array(
        fc.record({
          kind: fc.constantFrom("flip", "insert", "delete", "truncate"),
          at: fc.nat(),
          byte: fc.integer({ min: 0, max: 255 }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    });
    fc.assert(
      fc.property(mutation, ({ base, edits }) => {
        let bytes = Array.from(validBytes[base]!);
        for (const e of edits) {
          const at = bytes.length === 0 ? 0 : e.at % bytes.length;
          if (e.kind === "flip") bytes[at] = (bytes[at] ?? 0) ^ (e.byte | 1);
          else if (e.kind === "insert") bytes.splice(at, 0, e.byte);
          else if (e.kind === "delete") bytes.splice(at, 1);
          else bytes = bytes.slice(0, at);
        }
        const input = Uint8Array.from(bytes);
        expectOneOutcome(validator.validate(input, kafkaSource(0), NOW_MS), input);
      }),
      { numRuns: 3000 },
    );
  });

  test("structurally valid readings with arbitrary field values never throw", () => {
    const fields = fc.record({
      tenant: fc.constantFrom("acme", "", "other", "ACME"),
      asset: fc.string({ maxLength: 8 }),
      sensor: fc.constantFrom("outlet_temp", "inlet_pressure", "bearing_accel", "", "zzz"),
      unit: fc.constantFrom("K", "Cel", "[degF]", "bar", "m/s2", "", "??", "°R"),
      value: fc.oneof(
        fc.double().map((value) => ({ case: "scalar" as const, value })),
        fc.array(fc.double(), { maxLength: 5 }).map((components) => ({
          case: "vector" as const,
          value: { $typeName: "twinstate.telemetry.v1.VectorValue" as const, components },
        })),
        fc.constant({ case: undefined }),
      ),
      offsetMs: fc.integer({ min: -1e12, max: 1e12 }),
      idempotencyKey: fc.string({ maxLength: 10 }),
    });
    fc.assert(
      fc.property(fields, (f) => {
        const input = encode(
          reading({
            tenant: f.tenant,
            asset: f.asset,
            sensor: f.sensor,
            unit: f.unit,
            value: f.value,
            idempotencyKey: f.idempotencyKey,
            eventTime: { seconds: BigInt(Math.floor((NOW_MS + f.offsetMs) / 1000)), nanos: 0 },
          }),
        );
        expectOneOutcome(validator.validate(input, kafkaSource(1), NOW_MS), input);
      }),
      { numRuns: 3000 },
    );
  });
});
