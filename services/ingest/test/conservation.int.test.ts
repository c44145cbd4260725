import { describe, expect, test } from "@jest/globals";
import { checkConservation } from "./conservation-check.ts";
import {
  freshTopics,
  produceInputs,
  readOutputs,
  readRaw,
  startService,
  stopService,
  testKafka,
} from "./ingest-harness.ts";
import { mixedStream } from "./mixed-stream.ts";

const COUNT = Number(process.env.INGEST_TEST_READINGS ?? 100_000);

describe("ingest service against the real broker", () => {
  test("conservation: every raw reading ends as exactly one valid reading or one dead-letter record", async () => {
    const kafka = testKafka();
    const ids = await freshTopics(kafka);
    const inputs = mixedStream({ count: COUNT, nowMs: Date.now(), seed: 7 });
    const service = await startService(ids);
    try {
      await service.running;
      const begun = performance.now();
      await produceInputs(kafka, ids.raw, inputs);
      const outputs = await readOutputs(kafka, ids, COUNT, 150_000);
      const seconds = (performance.now() - begun) / 1000;
      const raw = await readRaw(kafka, ids.raw, COUNT);
      const report = checkConservation(ids.raw, raw, outputs, inputs);
      console.log(
        `conservation: ${report.inputs} inputs = ${report.valid} valid + ${report.deadLettered} dead-lettered ` +
          `in ${seconds.toFixed(1)} s (${Math.round(COUNT / seconds)} readings/s end to end); ` +
          `reasons ${JSON.stringify(report.byReason)}`,
      );
      expect(raw.length).toBe(COUNT);
      expect(report.orphansOrDuplicates.slice(0, 10)).toEqual([]);
      expect(report.missing.slice(0, 10)).toEqual([]);
      expect(report.untraceable.slice(0, 10)).toEqual([]);
      expect(report.unexpected.slice(0, 10)).toEqual([]);
      expect(report.valid + report.deadLettered).toBe(COUNT);
      expect(outputs.length).toBe(COUNT);
    } finally {
      await stopService(service);
    }
  }, 240_000);
});
