import type { MessageShape } from "@bufbuild/protobuf";
import {
  credentials,
  InterceptingCall,
  type Interceptor,
  makeGenericClientConstructor,
  type ServiceError,
} from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  DetectorKind,
  DriftService,
  type GetDetectorStateResponseSchema,
  type ListDriftEventsResponseSchema,
  type StateEstimate,
} from "@twinstate/proto";
import { createServiceDefinition } from "@twinstate/runtime";
import type { Admin, Kafka } from "kafkajs";
import { DriftDefinitions } from "../src/definitions/drift-definitions.ts";
import {
  ADMIN_TOKEN,
  canonical,
  committedTotal,
  createTestTopics,
  offlineDriftEvents,
  produceEstimates,
  publishDefinition,
  readDriftEvents,
  startDrift,
  stopDrift,
  testKafka,
  waitFor,
} from "./drift-harness.ts";
import { estimateStream } from "./estimate-fixtures.ts";

type ListResponse = MessageShape<typeof ListDriftEventsResponseSchema>;
type StateResponse = MessageShape<typeof GetDetectorStateResponseSchema>;

interface DriftClient {
  listDriftEvents(request: unknown, callback: (error: ServiceError | null, response: ListResponse) => void): void;
  getDetectorState(request: unknown, callback: (error: ServiceError | null, response: StateResponse) => void): void;
  close(): void;
}

/** Sends the test services' bearer token with every call (the service runs in tokens mode). */
const bearer: Interceptor = (options, next) =>
  new InterceptingCall(next(options), {
    start: (metadata, listener, start) => {
      metadata.set("authorization", `Bearer ${ADMIN_TOKEN}`);
      start(metadata, listener);
    },
  });

function client(port: number): DriftClient {
  const Client = makeGenericClientConstructor(createServiceDefinition(DriftService), "DriftService");
  return new Client(`127.0.0.1:${port}`, credentials.createInsecure(), {
    interceptors: [bearer],
  }) as unknown as DriftClient;
}

function call<T>(f: (cb: (error: ServiceError | null, response: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => f((error, response) => (error ? reject(error) : resolve(response))));
}

/** Interleaves per-asset streams reading by reading, as assets' estimates arrive on a real topic. */
function interleave(streams: StateEstimate[][]): StateEstimate[] {
  const out: StateEstimate[] = [];
  const n = Math.max(...streams.map((s) => s.length));
  for (let i = 0; i < n; i++) for (const s of streams) if (i < s.length) out.push(s[i]!);
  return out;
}

/** Three clean assets and three with a +3σ sensor bias injected at reading `biasFrom`. */
function workload(readings: number, biasFrom: number, seed: number): StateEstimate[] {
  return interleave(
    ["clean-1", "clean-2", "clean-3", "biased-1", "biased-2", "biased-3"].map((asset, i) =>
      estimateStream({
        asset,
        readings,
        seed: seed + i,
        ...(asset.startsWith("biased") ? { bias: 3, biasFrom } : {}),
      }),
    ),
  );
}

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

describe("drift service against a real broker", () => {
  test("injected bias: drift events appear once (read_committed) with the right detector; gRPC serves them and the detector state", async () => {
    const topics = await createTestTopics(admin, "bias", 3);
    const estimates = workload(800, 500, 100);
    await produceEstimates(kafka, topics.estimates, estimates);
    // the class's drift block (as published on twin.definitions.v1) turns interval coverage off
    const document = "twinClass: thermal-rc\nversion: 1\ndrift:\n  coverage: false\n  cusum: { k: 0.5, arl0: 50000 }\n";
    await publishDefinition(kafka, topics.definitions, "thermal-rc", 1, document);
    const definitions = new DriftDefinitions();
    expect(definitions.putDocument(document).kind).toBe("accepted");
    const service = await startDrift(topics, "w1");
    const c = client(service.grpcPort);
    try {
      await service.listening;
      await waitFor(
        "all estimates committed",
        async () => (await committedTotal(admin, topics)) >= estimates.length,
        90_000,
      );
      const events = await readDriftEvents(kafka, topics.drift);
      // exactly once: no event id twice, and exactly what an uninterrupted in-process run of the same code gives
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      expect(canonical(events)).toEqual(canonical(offlineDriftEvents(estimates, definitions)));
      for (const asset of ["biased-1", "biased-2", "biased-3"]) {
        const mine = events.filter((e) => e.asset === asset);
        expect(mine.length).toBeGreaterThan(0);
        const first = mine.reduce((a, b) => (a.estimateSequence < b.estimateSequence ? a : b));
        // the bias starts at sequence 501: the first detection comes right after, from a bias detector
        expect(Number(first.estimateSequence)).toBeGreaterThan(500);
        expect(Number(first.estimateSequence)).toBeLessThan(530);
        expect(["cusum", "noise_level", "page_hinkley"]).toContain(first.detector);
        expect(first.details.direction ?? "up").toBe("up");
      }
      expect(
        events.filter((e) => e.asset.startsWith("clean") && e.estimateSequence <= 800n).length,
      ).toBeLessThanOrEqual(1);

      // ListDriftEvents over gRPC, paginated, from the service's index of the drift topic
      await waitFor("index caught up", async () => {
        const r = await call<ListResponse>((cb) => c.listDriftEvents({ tenant: "acme", pageSize: 1000 }, cb));
        return r.events.length === events.length;
      });
      const paged: string[] = [];
      let token = "";
      do {
        const r = await call<ListResponse>((cb) =>
          c.listDriftEvents({ tenant: "acme", pageSize: 2, pageToken: token }, cb),
        );
        paged.push(...r.events.map((e) => e.eventId));
        token = r.nextPageToken;
      } while (token !== "");
      expect([...paged].sort()).toEqual(events.map((e) => e.eventId).sort());
      const onlyB1 = await call<ListResponse>((cb) =>
        c.listDriftEvents({ tenant: "acme", asset: "biased-1", detector: "cusum" }, cb),
      );
      expect(onlyB1.events.every((e) => e.asset === "biased-1" && e.detector === "cusum")).toBe(true);
      expect(onlyB1.events.length).toBe(events.filter((e) => e.asset === "biased-1" && e.detector === "cusum").length);
      await expect(call<ListResponse>((cb) => c.listDriftEvents({ tenant: "" }, cb))).rejects.toMatchObject({
        code: 3,
      });

      // GetDetectorState: every detector the class configures for the sensor (no coverage), CUSUM with its sums
      const st = await call<StateResponse>((cb) => c.getDetectorState({ tenant: "acme", asset: "biased-2" }, cb));
      expect(st.states.map((s) => s.detector).sort()).toEqual(
        ["adwin", "cusum", "nis_window", "noise_level", "page_hinkley", "stuck_sensor"].sort(),
      );
      for (const s of st.states) {
        expect(s.sensor).toBe("T_outlet");
        expect(s.lastSequence).toBe(800n);
        expect(s.twinClassVersion).toBe(1);
        // the contract's statistic, threshold, counts and extras are filled for every detector
        expect(s.detectorKind).not.toBe(DetectorKind.UNSPECIFIED);
        expect(s.samplesSeen).toBeGreaterThan(0n);
        expect(s.threshold).toBeGreaterThan(0);
        expect(Number.isFinite(s.statistic)).toBe(true);
        expect(Object.keys(s.extra).length).toBeGreaterThan(0);
      }
      expect(st.states.find((s) => s.detector === "stuck_sensor")?.detectorKind).toBe(DetectorKind.STUCK_SENSOR);
      const cusum = st.states.find((s) => s.detector === "cusum");
      expect(cusum?.detectorKind).toBe(DetectorKind.CUSUM);
      expect(cusum?.state.case).toBe("cusum");
      const none = await call<StateResponse>((cb) => c.getDetectorState({ tenant: "acme", asset: "nobody" }, cb));
      expect(none.states).toEqual([]);

      // metrics: every estimate fed once (no abort happened), events by detector and severity, restore time
      const metrics = await (await fetch(`http://127.0.0.1:${service.httpPort}/metrics`)).text();
      const fed = Number(/twinstate_drift_estimates_processed_total\{outcome="fed"[^}]*\} (\d+)/.exec(metrics)?.[1]);
      expect(fed).toBe(estimates.length);
      const counted = [...metrics.matchAll(/^twinstate_drift_events_total\{[^}]*\} (\d+)$/gm)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
      expect(counted).toBe(events.length);
      expect(metrics).toMatch(/twinstate_drift_detector_latency_seconds_count\{?[^ ]*\}? \d+/);
      expect(metrics).toMatch(/twinstate_drift_restore_seconds_count\{?[^ ]*\}? [1-9]/);
    } finally {
      c.close();
      await stopDrift(service);
    }
  }, 240_000);

  test("kill -9 mid-stream and restart: exactly the drift events of an uninterrupted run (no repeat, no loss)", async () => {
    const topics = await createTestTopics(admin, "crash", 3);
    const estimates = workload(2500, 1200, 200);
    await produceEstimates(kafka, topics.estimates, estimates);
    const expected = offlineDriftEvents(estimates);
    expect(expected.length).toBeGreaterThan(3);
    // the uninterrupted run: the same estimates through one service process that is never killed
    const calm = await createTestTopics(admin, "calm", 3);
    await produceEstimates(kafka, calm.estimates, estimates);
    const reference = await startDrift(calm, "ref");
    try {
      await reference.listening;
      await waitFor("reference run done", async () => (await committedTotal(admin, calm)) >= estimates.length, 120_000);
    } finally {
      await stopDrift(reference);
    }
    const uninterrupted = await readDriftEvents(kafka, calm.drift);
    const first = await startDrift(topics, "w1", { DRIFT_MAX_MESSAGES_PER_TRANSACTION: "20" });
    let killedAt = 0;
    try {
      await first.listening;
      await waitFor(
        "a fifth of the estimates committed",
        async () => (await committedTotal(admin, topics)) >= estimates.length / 5,
        90_000,
        50,
      );
      first.child.kill("SIGKILL");
      await first.exited;
      killedAt = await committedTotal(admin, topics);
    } finally {
      await stopDrift(first);
    }
    expect(killedAt).toBeLessThan(estimates.length); // the kill landed mid-stream
    const second = await startDrift(topics, "w2");
    try {
      await second.listening;
      await waitFor(
        "all estimates committed",
        async () => (await committedTotal(admin, topics)) >= estimates.length,
        120_000,
      );
      const events = await readDriftEvents(kafka, topics.drift);
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      expect(canonical(events)).toEqual(canonical(expected));
      expect(canonical(events)).toEqual(canonical(uninterrupted));
      console.log(
        `kill -9 after ${killedAt}/${estimates.length} estimates committed; ${events.length} drift events, as uninterrupted`,
      );
      expect(second.logs.some((l) => l.includes("detector suites restored") && !l.includes('"restored":0'))).toBe(true);
    } finally {
      await stopDrift(second);
    }
  }, 240_000);
});
