import { describe, expect, test } from "@jest/globals";
import { DeadLetterReason } from "@twinstate/proto";
import { PROTO_REASON, REASON_CODES, reasonCodeOf, StateJournal } from "../src/validation/index.ts";
import { encode, kafkaSource, NOW_MS, reading, testValidator } from "./reading-fixtures.ts";

describe("reason codes", () => {
  test("every code has its own proto value, and reads back as itself", () => {
    const values = REASON_CODES.map((code) => PROTO_REASON[code]);
    expect(values).not.toContain(DeadLetterReason.UNSPECIFIED);
    expect(new Set(values).size).toBe(REASON_CODES.length);
    for (const code of REASON_CODES) expect(reasonCodeOf(PROTO_REASON[code])).toBe(code);
    // records written before DEAD_LETTER_REASON_INTERNAL existed
    expect(reasonCodeOf(DeadLetterReason.UNSPECIFIED)).toBe("INTERNAL");
  });

  test("a validation that throws is dead-lettered INTERNAL with the original bytes, never lost", () => {
    class FailingJournal extends StateJournal {
      override record(): void {
        throw new Error("journal broke");
      }
    }
    const bytes = encode(reading());
    const outcome = testValidator().validator.validate(bytes, kafkaSource(7), NOW_MS, new FailingJournal());
    expect(outcome.accepted).toBe(false);
    if (outcome.accepted) return;
    expect(outcome.reason).toBe("INTERNAL");
    expect(outcome.record.reason).toBe(DeadLetterReason.INTERNAL);
    expect(outcome.record.reasonDetail).toContain("journal broke");
    expect(Buffer.from(outcome.record.original).equals(Buffer.from(bytes))).toBe(true);
  });
});
