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

  test("conservation: kill -9 of the service mid-stream and a restart still give exactly one outcome per raw reading", async () => {
    const count = Math.min(COUNT, 20_000);
    const kafka = testKafka();
    const ids = await freshTopics(kafka);
    const inputs = mixedStream({ count, nowMs: Date.now(), seed: 9 });
    const env = { INGEST_SESSION_TIMEOUT_MS: "8000", INGEST_MAX_MESSAGES_PER_TRANSACTION: "500" };
    const first = await startService(ids, env);
    let second: Awaited<ReturnType<typeof startService>> | undefined;
    let restarted: Promise<void> | undefined;
    let killedAt = -1;
    try {
      await first.running;
      const producing = produceInputs(kafka, ids.raw, inputs);
      const outputs = await readOutputs(kafka, ids, count, 180_000, 3000, (seen) => {
        if (killedAt < 0 && seen >= count / 4) {
          killedAt = seen;
          first.child.kill("SIGKILL");
          restarted = first.exited.then(async () => {
            second = await startService(ids, env);
          });
        }
      });
      await producing;
      await restarted;
      const raw = await readRaw(kafka, ids.raw, count);
      const report = checkConservation(ids.raw, raw, outputs, undefined);
      console.log(
        `kill -9 after ${killedAt} committed outputs; after restart: ${report.inputs} inputs = ` +
          `${report.valid} valid + ${report.deadLettered} dead-lettered`,
      );
      expect(killedAt).toBeGreaterThan(0);
      expect(await first.exited).toBe("SIGKILL");
      expect(report.orphansOrDuplicates.slice(0, 10)).toEqual([]);
      expect(report.missing.slice(0, 10)).toEqual([]);
      expect(report.untraceable.slice(0, 10)).toEqual([]);
      expect(report.valid + report.deadLettered).toBe(count);
      expect(outputs.length).toBe(count);
    } finally {
      if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill("SIGKILL");
      await restarted;
      if (second !== undefined) await stopService(second);
    }
  }, 240_000);
});
