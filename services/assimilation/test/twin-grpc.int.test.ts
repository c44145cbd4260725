import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { create, type MessageShape } from "@bufbuild/protobuf";
import { credentials, makeGenericClientConstructor, type ServiceError, status } from "@grpc/grpc-js";
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
import { createServiceDefinition } from "../../lib/runtime/src/grpc/index.ts";
import { reading, repoRoot } from "./reading-fixtures.ts";
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

type Callback<T> = (error: ServiceError | null, response: T) => void;
interface TwinClient {
  getEstimate(req: unknown, cb: Callback<MessageShape<typeof GetEstimateResponseSchema>>): void;
  listTwins(req: unknown, cb: Callback<MessageShape<typeof ListTwinsResponseSchema>>): void;
  forecast(req: unknown, cb: Callback<MessageShape<typeof ForecastResponseSchema>>): void;
  whatIf(req: unknown, cb: Callback<MessageShape<typeof WhatIfResponseSchema>>): void;
  putDefinition(req: unknown, cb: Callback<MessageShape<typeof PutDefinitionResponseSchema>>): void;
  bindAsset(req: unknown, cb: Callback<unknown>): void;
  streamEstimates(req: unknown): NodeJS.EventEmitter & { cancel(): void };
  close(): void;
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
    const Client = makeGenericClientConstructor(createServiceDefinition(TwinService), "TwinService");
    const c = new Client(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as TwinClient;
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
      await expect(call((cb) => c.getEstimate({ tenant: "other", asset: "oven-1" }, cb))).rejects.toMatchObject({
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
          c.putDefinition(
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
        c.putDefinition(
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
      c.close();
      worker.child.kill("SIGTERM");
      await worker.exited;
      await admin.disconnect();
    }
  }, 180_000);
});
