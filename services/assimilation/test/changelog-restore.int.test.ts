import { create, toBinary } from "@bufbuild/protobuf";
import { afterAll, describe, expect, test } from "@jest/globals";
import { EstimateStatus, TwinCheckpointSchema } from "@twinstate/proto";
import { Partitioners } from "kafkajs";
import { reading } from "./reading-fixtures.ts";
import {
  committedTotal,
  createTestTopics,
  produceReadings,
  readEstimates,
  startWorker,
  testKafka,
  type Worker,
  waitFor,
} from "./service-harness.ts";

const workers: Worker[] = [];
afterAll(async () => {
  for (const w of workers) {
    if (w.child.exitCode === null) w.child.kill("SIGKILL");
    await w.exited;
  }
});

describe("changelog restore with bad records", () => {
  test("a corrupt or unknown twin.state.v1 record quarantines its twin and does not block the partition", async () => {
    const kafka = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    const topics = await createTestTopics(admin, "badstate", 2);
    // Bad changelog records, keyed like the service writes them (same partitioner and partition count as the
    // input, so each lands on its twin's partition): bytes that are no protobuf, and a checkpoint naming a
    // class version no worker knows.
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // A topic this fresh may not be in every broker's metadata yet ("does not host this topic-partition"):
    // retry the send until it is.
    const send = () =>
      producer.send({
        topic: topics.state,
        acks: -1,
        messages: [
          { key: "acme/oven-1", value: Buffer.from([0xff, 0xff, 0xff, 0x07, 0x01]) },
          {
            key: "fleet/truck-4",
            value: Buffer.from(
              toBinary(
                TwinCheckpointSchema,
                create(TwinCheckpointSchema, {
                  tenant: "fleet",
                  asset: "truck-4",
                  twinClassId: "kinematic-cv",
                  twinClassVersion: 9,
                  formatVersion: 2,
                  lastSequence: 41n,
                }),
              ),
            ),
          },
        ],
      });
    await waitFor("bad records written", () =>
      send().then(
        () => true,
        () => false,
      ),
    );
    await producer.disconnect();
    const t0 = 1_800_000_000;
    const readings = [
      ...Array.from({ length: 3 }, (_, i) => reading("acme/oven-1", "outlet_temp", t0 + i, 300, "K")),
      ...Array.from({ length: 3 }, (_, i) => reading("acme/oven-2", "outlet_temp", t0 + i, 310, "K")),
      ...Array.from({ length: 3 }, (_, i) => reading("acme/cell-17", "current", t0 + i, 1, "A")),
      ...Array.from({ length: 2 }, (_, i) => reading("fleet/truck-4", "gnss", t0 + i, [i, -i], "m")),
    ];
    await produceReadings(kafka, topics.valid, readings);
    const worker = startWorker(topics, "badstate");
    workers.push(worker);
    try {
      await waitFor("all readings committed", async () => (await committedTotal(admin, topics)) >= readings.length);
      const estimates = await readEstimates(kafka, topics.estimates);
      expect(estimates).toHaveLength(readings.length);
      const of = (asset: string) => estimates.filter((e) => e.asset === asset);
      for (const e of of("oven-1")) {
        expect(e.status).toBe(EstimateStatus.QUARANTINED);
        expect(e.statusReason).toMatch(/^RESTORE_FAILED CORRUPT_RECORD: /);
      }
      expect(of("truck-4").map((e) => [e.status, e.sequence])).toEqual([
        [EstimateStatus.QUARANTINED, 42n],
        [EstimateStatus.QUARANTINED, 43n],
      ]);
      expect(of("truck-4")[0]?.statusReason).toMatch(/^RESTORE_FAILED UNKNOWN_TWIN_CLASS: .*kinematic-cv v9/);
      // The other twins of the same partitions were restored around them and assimilate normally.
      expect(of("oven-2").every((e) => e.status === EstimateStatus.OK)).toBe(true);
      expect(of("cell-17").every((e) => e.status === EstimateStatus.OK)).toBe(true);
      const numbers = estimates.flatMap((e) => [...e.mean, ...e.covariance, ...e.stdDev]);
      expect(numbers.every(Number.isFinite)).toBe(true);
      // Logged with the key, as an error.
      const logs = worker.logs.join("");
      expect(logs).toMatch(/"key":"acme\/oven-1"[^\n]*changelog record not restorable/);
      expect(logs).toMatch(/"key":"fleet\/truck-4"[^\n]*"reason":"UNKNOWN_TWIN_CLASS"/);
    } finally {
      worker.child.kill("SIGTERM");
      await worker.exited;
      await admin.disconnect();
    }
  }, 180_000);
});
