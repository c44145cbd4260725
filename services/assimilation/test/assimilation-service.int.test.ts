import { toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { StateEstimateSchema } from "@twinstate/proto";
import type { Admin, Kafka } from "kafkajs";
import { TwinEngine } from "../src/engine/twin-engine.ts";
import { exampleCatalog, mixedReadings } from "./reading-fixtures.ts";
import {
  committedTotal,
  createTestTopics,
  produceReadings,
  readCheckpoints,
  readEstimates,
  startWorker,
  testKafka,
  waitFor,
} from "./service-harness.ts";

let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  kafka = testKafka();
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.disconnect();
});

/** Offline replay of the same readings, grouped per asset (per-asset order is what Kafka keeps). */
function replayPerAsset(readings: ReturnType<typeof mixedReadings>) {
  const engine = new TwinEngine(exampleCatalog());
  const byAsset = new Map<string, Buffer[]>();
  for (const r of readings) {
    const e = engine.process(r);
    const key = `${e.tenant}/${e.asset}`;
    const list = byAsset.get(key) ?? [];
    list.push(Buffer.from(toBinary(StateEstimateSchema, e)));
    byAsset.set(key, list);
  }
  return { engine, byAsset };
}

describe("assimilation service against a real broker", () => {
  test("determinism: the service's estimates equal the offline replay bit for bit", async () => {
    const topics = await createTestTopics(admin, "replay", 3);
    const readings = mixedReadings(600, 11);
    await produceReadings(kafka, topics.valid, readings);
    const worker = startWorker(topics, "w1");
    try {
      await waitFor(
        "all readings committed",
        async () => (await committedTotal(admin, topics)) >= readings.length,
        90_000,
      );
      const estimates = await readEstimates(kafka, topics.estimates);
      expect(estimates).toHaveLength(readings.length);
      const { engine, byAsset } = replayPerAsset(readings);
      const got = new Map<string, Buffer[]>();
      for (const e of estimates) {
        const key = `${e.tenant}/${e.asset}`;
        const list = got.get(key) ?? [];
        list.push(Buffer.from(toBinary(StateEstimateSchema, e)));
        got.set(key, list);
      }
      expect([...got.keys()].sort()).toEqual([...byAsset.keys()].sort());
      for (const [key, list] of byAsset) {
        const mine = got.get(key) ?? [];
        expect(mine.length).toBe(list.length);
        for (let i = 0; i < list.length; i++) expect(mine[i]?.equals(list[i] as Buffer)).toBe(true);
      }
      const checkpoints = await readCheckpoints(kafka, topics.state);
      for (const twin of engine.twins()) {
        expect(Buffer.from(checkpoints.get(twin.key)?.state ?? [])).toEqual(
          Buffer.from(engine.checkpoint(twin.key).state),
        );
      }
    } finally {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
  }, 180_000);
});
