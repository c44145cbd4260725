import { fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { EstimateStatus, type StateEstimate, StateEstimateSchema } from "@twinstate/proto";
import type { Admin, Kafka } from "kafkajs";
import { TwinEngine } from "../src/engine/twin-engine.ts";
import { exampleCatalog, mixedReadings, reading, seeded } from "./reading-fixtures.ts";
import {
  committedTotal,
  createTestTopics,
  produceReadings,
  readCheckpoints,
  readEstimates,
  startWorker,
  type TestTopics,
  testKafka,
  type Worker,
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

/**
 * Checks invariants 2 and 3 on the committed output: exactly one estimate per reading, per-asset sequences
 * 1..n without gaps or repeats, every estimate bit-identical to the uninterrupted offline replay, and the
 * final changelog state of every twin bit-identical to the replay's.
 */
async function expectExactlyOnceAndIdentical(
  topics: TestTopics,
  readings: ReturnType<typeof mixedReadings>,
): Promise<void> {
  const estimates = await readEstimates(kafka, topics.estimates);
  expect(estimates).toHaveLength(readings.length);
  const { engine, byAsset } = replayPerAsset(readings);
  const got = new Map<string, StateEstimate[]>();
  for (const e of estimates) {
    const key = `${e.tenant}/${e.asset}`;
    const list = got.get(key) ?? [];
    list.push(e);
    got.set(key, list);
  }
  for (const [key, expected] of byAsset) {
    const mine = got.get(key) ?? [];
    expect({ key, count: mine.length }).toEqual({ key, count: expected.length });
    mine.forEach((e, i) => {
      if (e.twinClassId !== "") expect(e.sequence).toBe(BigInt(i + 1));
      if (!Buffer.from(toBinary(StateEstimateSchema, e)).equals(expected[i] as Buffer)) {
        // Name the first difference: asset, index and the two estimates as JSON.
        const want = fromBinary(StateEstimateSchema, expected[i] as Buffer);
        expect({ key, i, got: toJson(StateEstimateSchema, e) }).toEqual({
          key,
          i,
          got: toJson(StateEstimateSchema, want),
        });
      }
    });
  }
  const checkpoints = await readCheckpoints(kafka, topics.state);
  for (const twin of engine.twins()) {
    expect({ key: twin.key, state: Buffer.from(checkpoints.get(twin.key)?.state ?? []).toString("hex") }).toEqual({
      key: twin.key,
      state: Buffer.from(engine.checkpoint(twin.key).state).toString("hex"),
    });
  }
}

/** Waits until the group committed `count` input offsets; on timeout prints the workers' last log lines. */
async function waitForCommitted(topics: TestTopics, count: number, workers: readonly Worker[]): Promise<void> {
  try {
    await waitFor(`${count} readings committed`, async () => (await committedTotal(admin, topics)) >= count, 90_000);
  } catch (error) {
    const committed = await committedTotal(admin, topics);
    console.log(
      `committed ${committed} of ${count}\n${workers.map((w) => w.logs.join("").slice(-8000)).join("\n----\n")}`,
    );
    throw error;
  }
}

async function stop(worker: Worker, signal: NodeJS.Signals): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
  await worker.exited;
}

describe("assimilation service under failures", () => {
  const live = new Set<Worker>();
  const spawnWorker = (topics: TestTopics, id: string): Worker => {
    const w = startWorker(topics, id);
    live.add(w);
    void w.exited.then(() => live.delete(w));
    return w;
  };
  afterAll(async () => {
    for (const w of live) await stop(w, "SIGKILL");
  });

  test("exactly-once: kill -9 of a worker at random points, 22 times, leaves one estimate per reading and bit-identical states", async () => {
    const topics = await createTestTopics(admin, "kill", 3);
    const readings = mixedReadings(22 * 120 + 300, 23);
    const rand = seeded(5);
    let produced = 0;
    for (let round = 0; round < 22; round++) {
      await produceReadings(kafka, topics.valid, readings.slice(produced, produced + 120));
      produced += 120;
      const worker = spawnWorker(topics, `kill-${round}`);
      // Anywhere from start-up (definitions load, group join, changelog restore) to mid-batch.
      await new Promise((r) => setTimeout(r, 400 + rand() * 3000));
      await stop(worker, "SIGKILL");
    }
    await produceReadings(kafka, topics.valid, readings.slice(produced));
    const final = spawnWorker(topics, "kill-final");
    try {
      await waitForCommitted(topics, readings.length, [final]);
      await expectExactlyOnceAndIdentical(topics, readings);
    } finally {
      await stop(final, "SIGTERM");
    }
  }, 300_000);

  test("exactly-once: two workers with partitions moving between them (join, leave, crash)", async () => {
    const topics = await createTestTopics(admin, "rebalance", 4);
    const readings = mixedReadings(1600, 31);
    const wave = (i: number) => produceReadings(kafka, topics.valid, readings.slice(i * 400, (i + 1) * 400));
    const w1 = spawnWorker(topics, "w1");
    await wave(0);
    await new Promise((r) => setTimeout(r, 2000));
    const w2 = spawnWorker(topics, "w2"); // join: partitions move from w1 to w2
    await wave(1);
    await new Promise((r) => setTimeout(r, 4000));
    await stop(w1, "SIGTERM"); // leave: w2 takes everything over
    await wave(2);
    const w3 = spawnWorker(topics, "w3"); // join again
    await new Promise((r) => setTimeout(r, 3000));
    await stop(w2, "SIGKILL"); // crash: w3 restores w2's partitions after its session expires
    await wave(3);
    try {
      await waitForCommitted(topics, readings.length, [w3]);
      await expectExactlyOnceAndIdentical(topics, readings);
    } finally {
      await stop(w3, "SIGTERM");
    }
  }, 240_000);

  test("determinism: a restarted worker restores its twins from the changelog and continues bit-identically", async () => {
    const topics = await createTestTopics(admin, "restart", 2);
    const readings = mixedReadings(800, 47);
    await produceReadings(kafka, topics.valid, readings.slice(0, 400));
    const first = spawnWorker(topics, "first");
    await waitForCommitted(topics, 400, [first]);
    await stop(first, "SIGTERM");
    await produceReadings(kafka, topics.valid, readings.slice(400));
    const second = spawnWorker(topics, "second");
    try {
      await waitForCommitted(topics, readings.length, [second]);
      await expectExactlyOnceAndIdentical(topics, readings);
      expect(second.logs.join("")).not.toMatch(/"level":(50|60)/);
    } finally {
      await stop(second, "SIGTERM");
    }
  }, 180_000);

  test("no poison: a twin that goes non-finite is quarantined and reported, and no NaN or Inf is published", async () => {
    const topics = await createTestTopics(admin, "poison", 2);
    const t0 = 1_800_000_000;
    const readings = [
      reading("acme/oven-1", "outlet_temp", t0, 300, "K"),
      reading("acme/oven-1", "heater_power", t0 + 1, 1e308, "W"),
      ...Array.from({ length: 5 }, (_, i) => reading("acme/oven-1", "outlet_temp", t0 + 10 + i, 300, "K")),
      ...Array.from({ length: 5 }, (_, i) => reading("acme/oven-2", "outlet_temp", t0 + 10 + i, 310, "K")),
    ];
    await produceReadings(kafka, topics.valid, readings);
    const worker = spawnWorker(topics, "poison");
    try {
      await waitForCommitted(topics, readings.length, [worker]);
      const estimates = await readEstimates(kafka, topics.estimates);
      expect(estimates).toHaveLength(readings.length);
      const numbers = estimates.flatMap((e) => [
        ...e.mean,
        ...e.covariance,
        ...e.stdDev,
        e.logLikelihood,
        ...e.intervals.flatMap((b) => [...b.lower, ...b.upper]),
        ...(e.innovation === undefined ? [] : [...e.innovation.residual, ...e.innovation.covariance, e.innovation.nis]),
      ]);
      expect(numbers.every(Number.isFinite)).toBe(true);
      const oven1 = estimates.filter((e) => e.asset === "oven-1");
      expect(oven1.filter((e) => e.status === EstimateStatus.QUARANTINED).length).toBeGreaterThanOrEqual(5);
      expect(oven1.find((e) => e.status === EstimateStatus.QUARANTINED)?.statusReason).toMatch(
        /NUMERICAL_FAILURE|NON_FINITE/,
      );
      expect(estimates.filter((e) => e.asset === "oven-2").every((e) => e.status === EstimateStatus.OK)).toBe(true);
    } finally {
      await stop(worker, "SIGTERM");
    }
  }, 180_000);
});
