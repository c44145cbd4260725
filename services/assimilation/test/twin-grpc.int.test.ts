import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { create, type MessageShape } from "@bufbuild/protobuf";
import { credentials, type Metadata, makeGenericClientConstructor, type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, describe, expect, test } from "@jest/globals";
import {
  DefinitionFormat,
  EstimateStatus,
  type ForecastResponseSchema,
  type GetEstimateResponseSchema,
  type ListTwinsResponseSchema,
  type PutDefinitionResponseSchema,
  type StreamEstimatesResponseSchema,
  TwinDefinitionSchema,
  TwinService,
  type WhatIfResponseSchema,
} from "@twinstate/proto";
import { createServiceDefinition } from "@twinstate/runtime";
import { reading, repoRoot } from "./reading-fixtures.ts";
import {
  bearer,
  committedTotal,
  createTestTopics,
  produceReadings,
  readEstimates,
  startWorker,
  testKafka,
  testTokens,
  type Worker,
  waitFor,
} from "./service-harness.ts";

type Callback<T> = (error: ServiceError | null, response: T) => void;
type Stream = NodeJS.EventEmitter & { cancel(): void };
/** The generated grpc-js client: every call takes the request, its metadata (the bearer token) and a callback. */
interface RawTwinClient {
  getEstimate(req: unknown, md: Metadata, cb: Callback<MessageShape<typeof GetEstimateResponseSchema>>): void;
  listTwins(req: unknown, md: Metadata, cb: Callback<MessageShape<typeof ListTwinsResponseSchema>>): void;
  forecast(req: unknown, md: Metadata, cb: Callback<MessageShape<typeof ForecastResponseSchema>>): void;
  whatIf(req: unknown, md: Metadata, cb: Callback<MessageShape<typeof WhatIfResponseSchema>>): void;
  putDefinition(req: unknown, md: Metadata, cb: Callback<MessageShape<typeof PutDefinitionResponseSchema>>): void;
  bindAsset(req: unknown, md: Metadata, cb: Callback<unknown>): void;
  streamEstimates(req: unknown, md: Metadata): Stream;
  close(): void;
}
/** The same client acting as one token's principal. */
interface TwinClient {
  getEstimate(req: unknown, cb: Callback<MessageShape<typeof GetEstimateResponseSchema>>): void;
  listTwins(req: unknown, cb: Callback<MessageShape<typeof ListTwinsResponseSchema>>): void;
  forecast(req: unknown, cb: Callback<MessageShape<typeof ForecastResponseSchema>>): void;
  whatIf(req: unknown, cb: Callback<MessageShape<typeof WhatIfResponseSchema>>): void;
  putDefinition(req: unknown, cb: Callback<MessageShape<typeof PutDefinitionResponseSchema>>): void;
  bindAsset(req: unknown, cb: Callback<unknown>): void;
  streamEstimates(req: unknown): Stream;
}

function connect(port: number): RawTwinClient {
  const Client = makeGenericClientConstructor(createServiceDefinition(TwinService), "TwinService");
  return new Client(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as RawTwinClient;
}

function as(raw: RawTwinClient, token: string): TwinClient {
  return {
    getEstimate: (req, cb) => raw.getEstimate(req, bearer(token), cb),
    listTwins: (req, cb) => raw.listTwins(req, bearer(token), cb),
    forecast: (req, cb) => raw.forecast(req, bearer(token), cb),
    whatIf: (req, cb) => raw.whatIf(req, bearer(token), cb),
    putDefinition: (req, cb) => raw.putDefinition(req, bearer(token), cb),
    bindAsset: (req, cb) => raw.bindAsset(req, bearer(token), cb),
    streamEstimates: (req) => raw.streamEstimates(req, bearer(token)),
  };
}

function call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((error, response) => (error === null ? resolve(response) : reject(error))),
  );
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

const workers: Worker[] = [];
afterAll(async () => {
  for (const w of workers) {
    if (w.child.exitCode === null) w.child.kill("SIGKILL");
    await w.exited;
  }
});

describe("TwinService against a running worker", () => {
  test("queries, forecasts and what-ifs from the estimates view; definitions and bindings apply without restart", async () => {
    const kafka = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    const topics = await createTestTopics(admin, "grpc", 2);
    const port = await freePort();
    const worker = startWorker(topics, "grpc", { GRPC_PORT: String(port) });
    workers.push(worker);
    const raw = connect(port);
    const c = as(raw, testTokens.acme);
    const platform = as(raw, testTokens.admin);
    try {
      const t0 = 1_800_000_000;
      const first = [
        ...Array.from({ length: 20 }, (_, i) => reading("acme/oven-1", "outlet_temp", t0 + i, 300 + 0.01 * i, "K")),
        ...Array.from({ length: 5 }, (_, i) => reading("acme/oven-2", "outlet_temp", t0 + i, 310, "K")),
      ];
      await produceReadings(kafka, topics.valid, first);
      await waitFor("readings committed", async () => (await committedTotal(admin, topics)) >= first.length);
      const committed = await readEstimates(kafka, topics.estimates);
      const last = committed.filter((e) => e.asset === "oven-1").at(-1);
      await waitFor("view caught up", async () => {
        const r = await call<MessageShape<typeof GetEstimateResponseSchema>>((cb) =>
          c.getEstimate({ tenant: "acme", asset: "oven-1" }, cb),
        ).catch(() => undefined);
        return r?.estimate?.sequence === 20n;
      });
      const got = await call<MessageShape<typeof GetEstimateResponseSchema>>((cb) =>
        c.getEstimate({ tenant: "acme", asset: "oven-1" }, cb),
      );
      expect(got.estimate?.mean).toEqual(last?.mean);
      expect(got.estimate?.covariance).toEqual(last?.covariance);

      // Isolation of the view: another tenant's asset of the same name is not found.
      await expect(call((cb) => platform.getEstimate({ tenant: "other", asset: "oven-1" }, cb))).rejects.toMatchObject({
        code: status.NOT_FOUND,
      });

      // Pagination, ordered by asset.
      const page1 = await call<MessageShape<typeof ListTwinsResponseSchema>>((cb) =>
        c.listTwins({ tenant: "acme", pageSize: 1 }, cb),
      );
      expect(page1.twins.map((t) => t.asset)).toEqual(["oven-1"]);
      const page2 = await call<MessageShape<typeof ListTwinsResponseSchema>>((cb) =>
        c.listTwins({ tenant: "acme", pageSize: 1, pageToken: page1.nextPageToken }, cb),
      );
      expect(page2.twins.map((t) => t.asset)).toEqual(["oven-2"]);
      expect(page2.nextPageToken).toBe("");

      // Forecast: ceil(horizon/step) steps, uncertainty growing, intervals at the requested level.
      const fc = await call<MessageShape<typeof ForecastResponseSchema>>((cb) =>
        c.forecast(
          { tenant: "acme", asset: "oven-1", horizon: { seconds: 3600n }, step: { seconds: 600n }, levels: [0.9] },
          cb,
        ),
      );
      expect(fc.steps).toHaveLength(6);
      expect(fc.originSequence).toBe(20n);
      const stds = fc.steps.map((s) => s.stdDev[0] as number);
      expect(stds.every((s, i) => i === 0 || s >= (stds[i - 1] as number))).toBe(true);
      expect(fc.steps[0]?.intervals[0]?.level).toBe(0.9);

      // What-if: more heater power raises the temperature against the baseline; the live twin is untouched.
      const wi = await call<MessageShape<typeof WhatIfResponseSchema>>((cb) =>
        c.whatIf(
          {
            tenant: "acme",
            asset: "oven-1",
            horizon: { seconds: 3600n },
            step: { seconds: 600n },
            inputProfile: [{ offset: { seconds: 0n }, values: { P: 2000 } }],
            parameterOverrides: { C: 10000 },
          },
          cb,
        ),
      );
      expect((wi.scenario.at(-1)?.mean[0] as number) > (wi.baseline.at(-1)?.mean[0] as number) + 10).toBe(true);
      await expect(
        call((cb) =>
          c.whatIf(
            {
              tenant: "acme",
              asset: "oven-1",
              horizon: { seconds: 60n },
              step: { seconds: 10n },
              parameterOverrides: { nope: 1 },
            },
            cb,
          ),
        ),
      ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });

      // Stream new estimates, then publish a new class version and re-bind: the next estimate names v2.
      const stream = c.streamEstimates({ tenant: "acme", asset: "oven-1" });
      const streamed: MessageShape<typeof StreamEstimatesResponseSchema>[] = [];
      stream.on("data", (m: MessageShape<typeof StreamEstimatesResponseSchema>) => streamed.push(m));
      stream.on("error", () => undefined);
      const v2 = readFileSync(`${repoRoot}deploy/twins/thermal-rc.yaml`, "utf8")
        .replace("version: 1", "version: 2")
        .replace("noiseStd: 0.2", "noiseStd: 0.3");
      const bad = v2.replace("noiseStd: 0.3", "noiseStd: -1");
      await expect(
        call((cb) =>
          platform.putDefinition(
            {
              definition: create(TwinDefinitionSchema, {
                twinClassId: "thermal-rc",
                version: 2,
                format: DefinitionFormat.YAML,
                document: bad,
              }),
            },
            cb,
          ),
        ),
      ).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: expect.stringContaining("sensors.outlet_temp.noiseStd: must be > 0"),
      });
      const put = await call<MessageShape<typeof PutDefinitionResponseSchema>>((cb) =>
        platform.putDefinition(
          {
            definition: create(TwinDefinitionSchema, {
              twinClassId: "thermal-rc",
              version: 2,
              format: DefinitionFormat.YAML,
              document: v2,
            }),
          },
          cb,
        ),
      );
      expect(put.definition?.createdAt).toBeDefined();
      expect(put.definition?.createdBy).toBe("platform-admin");
      await expect(
        call((cb) =>
          c.bindAsset(
            { binding: { tenant: "acme", asset: "oven-1", twinClassId: "thermal-rc", twinClassVersion: 9 } },
            cb,
          ),
        ),
      ).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
      await call((cb) =>
        c.bindAsset(
          { binding: { tenant: "acme", asset: "oven-1", twinClassId: "thermal-rc", twinClassVersion: 2 } },
          cb,
        ),
      );
      await produceReadings(kafka, topics.valid, [reading("acme/oven-1", "outlet_temp", t0 + 100, 300.5, "K")]);
      await waitFor("streamed", async () => streamed.length >= 1);
      stream.cancel();
      expect(streamed[0]?.estimate?.twinClassVersion).toBe(2);
      expect(streamed[0]?.estimate?.sequence).toBe(21n);
      expect(streamed[0]?.estimate?.status).toBe(EstimateStatus.OK);
    } finally {
      raw.close();
      worker.child.kill("SIGTERM");
      await worker.exited;
      await admin.disconnect();
    }
  }, 180_000);

  test("isolation: no query or write crosses tenants", async () => {
    const kafka = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    const topics = await createTestTopics(admin, "isolation", 2);
    const port = await freePort();
    const worker = startWorker(topics, "isolation", { GRPC_PORT: String(port) });
    workers.push(worker);
    const raw = connect(port);
    // Tenant A = acme (write), tenant B = fleet (read); both have a twin, and the platform admin sees both.
    const a = as(raw, testTokens.acme);
    const b = as(raw, testTokens.fleet);
    const platform = as(raw, testTokens.admin);
    const denied = { code: status.PERMISSION_DENIED };
    try {
      const t0 = 1_800_000_000;
      await produceReadings(kafka, topics.valid, [
        ...Array.from({ length: 5 }, (_, i) => reading("acme/oven-1", "outlet_temp", t0 + i, 300, "K")),
        ...Array.from({ length: 5 }, (_, i) => reading("fleet/truck-4", "gnss", t0 + i, [i, -i], "m")),
      ]);
      for (const [tenant, asset] of [
        ["acme", "oven-1"],
        ["fleet", "truck-4"],
      ] as const) {
        await waitFor(`view has ${tenant}/${asset}`, async () => {
          const r = await call<MessageShape<typeof GetEstimateResponseSchema>>((cb) =>
            platform.getEstimate({ tenant, asset }, cb),
          ).catch(() => undefined);
          return r?.estimate?.sequence === 5n;
        });
      }
      const horizon = { horizon: { seconds: 60n }, step: { seconds: 10n } };

      // Tenant A's token reaches none of tenant B's twins, by any query or write.
      await expect(call((cb) => a.getEstimate({ tenant: "fleet", asset: "truck-4" }, cb))).rejects.toMatchObject(
        denied,
      );
      // An asset that does not exist in B is denied the same way (existence is not revealed).
      await expect(call((cb) => a.getEstimate({ tenant: "fleet", asset: "nope" }, cb))).rejects.toMatchObject(denied);
      await expect(call((cb) => a.listTwins({ tenant: "fleet" }, cb))).rejects.toMatchObject(denied);
      await expect(
        call((cb) => a.forecast({ tenant: "fleet", asset: "truck-4", ...horizon }, cb)),
      ).rejects.toMatchObject(denied);
      await expect(
        call((cb) => a.whatIf({ tenant: "fleet", asset: "truck-4", ...horizon, parameterOverrides: {} }, cb)),
      ).rejects.toMatchObject(denied);
      const foreignStream = a.streamEstimates({ tenant: "fleet" });
      await expect(
        new Promise((resolve, reject) => {
          foreignStream.on("data", resolve);
          foreignStream.on("error", reject);
        }),
      ).rejects.toMatchObject(denied);
      await expect(
        call((cb) =>
          a.bindAsset(
            { binding: { tenant: "fleet", asset: "truck-9", twinClassId: "kinematic-cv", twinClassVersion: 1 } },
            cb,
          ),
        ),
      ).rejects.toMatchObject(denied);
      // Definitions are shared by all tenants: a tenant's token (even with write) cannot put one.
      const thermal = readFileSync(`${repoRoot}deploy/twins/thermal-rc.yaml`, "utf8").replace(
        "version: 1",
        "version: 7",
      );
      await expect(
        call((cb) =>
          a.putDefinition(
            {
              definition: create(TwinDefinitionSchema, {
                twinClassId: "thermal-rc",
                version: 7,
                format: DefinitionFormat.YAML,
                document: thermal,
              }),
            },
            cb,
          ),
        ),
      ).rejects.toMatchObject(denied);
      // Tenant B's read token cannot write to its own tenant either, nor read tenant A.
      await expect(
        call((cb) =>
          b.bindAsset(
            { binding: { tenant: "fleet", asset: "truck-9", twinClassId: "kinematic-cv", twinClassVersion: 1 } },
            cb,
          ),
        ),
      ).rejects.toMatchObject(denied);
      await expect(call((cb) => b.getEstimate({ tenant: "acme", asset: "oven-1" }, cb))).rejects.toMatchObject(denied);
      // No token, or an unknown one: UNAUTHENTICATED.
      await expect(
        call((cb) => raw.getEstimate({ tenant: "acme", asset: "oven-1" }, bearer("guess"), cb)),
      ).rejects.toMatchObject({ code: status.UNAUTHENTICATED });

      // Within their own tenants the same tokens read, list, forecast, what-if, stream and (A) bind.
      const own = await call<MessageShape<typeof GetEstimateResponseSchema>>((cb) =>
        a.getEstimate({ tenant: "acme", asset: "oven-1" }, cb),
      );
      expect(own.estimate?.tenant).toBe("acme");
      const listedA = await call<MessageShape<typeof ListTwinsResponseSchema>>((cb) =>
        a.listTwins({ tenant: "acme" }, cb),
      );
      expect(listedA.twins.map((t) => `${t.tenant}/${t.asset}`)).toEqual(["acme/oven-1"]);
      const listedB = await call<MessageShape<typeof ListTwinsResponseSchema>>((cb) =>
        b.listTwins({ tenant: "fleet" }, cb),
      );
      expect(listedB.twins.map((t) => `${t.tenant}/${t.asset}`)).toEqual(["fleet/truck-4"]);
      const fc = await call<MessageShape<typeof ForecastResponseSchema>>((cb) =>
        b.forecast({ tenant: "fleet", asset: "truck-4", ...horizon }, cb),
      );
      expect(fc.steps).toHaveLength(6);
      const wi = await call<MessageShape<typeof WhatIfResponseSchema>>((cb) =>
        a.whatIf({ tenant: "acme", asset: "oven-1", ...horizon, parameterOverrides: {} }, cb),
      );
      expect(wi.scenario).toHaveLength(6);
      await call((cb) =>
        a.bindAsset(
          { binding: { tenant: "acme", asset: "oven-9", twinClassId: "thermal-rc", twinClassVersion: 1 } },
          cb,
        ),
      );
      // A's stream of its own tenant sees A's next estimate and never B's, though B's arrives first.
      const streamed: MessageShape<typeof StreamEstimatesResponseSchema>[] = [];
      const ownStream = a.streamEstimates({ tenant: "acme" });
      ownStream.on("data", (m: MessageShape<typeof StreamEstimatesResponseSchema>) => streamed.push(m));
      ownStream.on("error", () => undefined);
      await new Promise((r) => setTimeout(r, 500));
      await produceReadings(kafka, topics.valid, [reading("fleet/truck-4", "gnss", t0 + 10, [10, -10], "m")]);
      await waitFor("fleet estimate in view", async () => {
        const r = await call<MessageShape<typeof GetEstimateResponseSchema>>((cb) =>
          b.getEstimate({ tenant: "fleet", asset: "truck-4" }, cb),
        ).catch(() => undefined);
        return r?.estimate?.sequence === 6n;
      });
      await produceReadings(kafka, topics.valid, [reading("acme/oven-1", "outlet_temp", t0 + 10, 300, "K")]);
      await waitFor("streamed", async () => streamed.length >= 1);
      ownStream.cancel();
      expect(streamed.map((m) => `${m.estimate?.tenant}/${m.estimate?.asset}`)).toEqual(["acme/oven-1"]);
    } finally {
      raw.close();
      worker.child.kill("SIGTERM");
      await worker.exited;
      await admin.disconnect();
    }
  }, 180_000);
});
