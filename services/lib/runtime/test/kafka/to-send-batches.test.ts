import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { recordBatchOverheadBytes, recordSize } from "../../src/kafka/record-size.ts";
import { type SizedMessage, toSendBatches } from "../../src/kafka/to-send-batches.ts";

function sized(topic: string, value: string): SizedMessage {
  const message = { key: `k-${value}`, value };
  return { topic, message, bytes: recordSize(message) };
}

describe("recordSize", () => {
  test("counts key, value and header bytes plus the per-record overhead", () => {
    const bare = recordSize({ key: null, value: null });
    expect(recordSize({ key: "ab", value: Buffer.alloc(10) })).toBe(bare + 12);
    expect(recordSize({ key: null, value: "é", headers: { traceparent: "x".repeat(55) } })).toBe(
      bare + 2 + 6 + "traceparent".length + 55,
    );
    expect(recordSize({ key: null, value: null, headers: { h: ["a", Buffer.alloc(3)] } })).toBe(
      bare + 6 + 1 + 6 + 1 + 6 + 3,
    );
  });
});

describe("toSendBatches", () => {
  test("keeps every record, in order per topic, within the byte bound unless a record alone exceeds it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.string({ maxLength: 300 })), { maxLength: 200 }),
        fc.integer({ min: 100, max: 2000 }),
        (items, maxBytes) => {
          const records = items.map(([topic, value], i) => sized(topic, `${i}:${value}`));
          const sends = toSendBatches(records, maxBytes);
          for (const send of sends) {
            const messages = send.flatMap((t) => t.messages);
            expect(messages.length).toBeGreaterThan(0);
            const bytes = messages.reduce((n, m) => n + recordSize(m), recordBatchOverheadBytes);
            if (messages.length > 1) expect(bytes).toBeLessThanOrEqual(maxBytes);
          }
          for (const topic of ["a", "b", "c"]) {
            const expected = records.filter((r) => r.topic === topic).map((r) => r.message.value);
            const got = sends.flatMap((send) =>
              send.filter((t) => t.topic === topic).flatMap((t) => t.messages.map((m) => m.value)),
            );
            expect(got).toEqual(expected);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  test("a 6 MB chunk for one partition becomes requests under the broker's 1 MiB limit", () => {
    const records = Array.from({ length: 30 }, (_, i) => {
      const message = { key: String(i), value: Buffer.alloc(200 * 1024), partition: 0 };
      return { topic: "bulk", message, bytes: recordSize(message) };
    });
    const sends = toSendBatches(records, 1_000_000);
    expect(sends.length).toBe(8);
    expect(sends.flat().flatMap((t) => t.messages)).toHaveLength(30);
  });
});
