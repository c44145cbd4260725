import { create, fromBinary, type MessageShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  credentials,
  InterceptingCall,
  type Interceptor,
  makeGenericClientConstructor,
  type ServiceError,
} from "@grpc/grpc-js";
import { describe, expect, test } from "@jest/globals";
import {
  DeadLetterReason,
  IngestService,
  type PublishResponseSchema,
  type PublishStreamResponseSchema,
  type SensorReading,
  SensorReadingSchema,
} from "@twinstate/proto";
import { createServiceDefinition } from "@twinstate/runtime";
import { freshTopics, readOutputs, startService, stopService, TEST_TOKENS, testKafka } from "./ingest-harness.ts";
import { mixedStream } from "./mixed-stream.ts";

type PublishResponse = MessageShape<typeof PublishResponseSchema>;
type PublishStreamResponse = MessageShape<typeof PublishStreamResponseSchema>;

interface IngestClient {
  publish(request: unknown, callback: (error: ServiceError | null, response: PublishResponse) => void): void;
  publishStream(callback: (error: ServiceError | null, response: PublishStreamResponse) => void): {
    write(message: unknown): boolean;
    end(): void;
  };
  close(): void;
}

/** Sends the test services' admin bearer token with every call (the service runs in tokens mode). */
const bearer: Interceptor = (options, next) =>
  new InterceptingCall(next(options), {
    start: (metadata, listener, start) => {
      metadata.set("authorization", `Bearer ${TEST_TOKENS.admin}`);
      start(metadata, listener);
    },
  });

function client(port: number): IngestClient {
  const Client = makeGenericClientConstructor(createServiceDefinition(IngestService), "IngestService");
  // a local subchannel pool gives each client its own connection, so peers (host:port) differ between clients
  return new Client(`127.0.0.1:${port}`, credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
    interceptors: [bearer],
  }) as unknown as IngestClient;
}

/** The decodable readings of a mixed stream (gRPC carries decoded messages, so random bytes cannot be sent). */
function decodableReadings(count: number, seed: number): SensorReading[] {
  const out: SensorReading[] = [];
  for (const input of mixedStream({ count, nowMs: Date.now(), seed })) {
    try {
      const r = fromBinary(SensorReadingSchema, input.value);
      if (r.tenant !== "") out.push(r);
    } catch {
      // random or truncated bytes: not representable as a SensorReading message
    }
  }
  return out;
}

describe("gRPC IngestService against the real server and broker", () => {
  test("Publish and PublishStream answer per reading, publish every reading once, and honour back-pressure", async () => {
    const kafka = testKafka();
    const ids = await freshTopics(kafka);
    const service = await startService(ids, { INGEST_MAX_IN_FLIGHT_BATCHES: "2" });
    const c = client(service.grpcPort);
    const s = client(service.grpcPort);
    try {
      await service.running;

      // Publish: a small batch with known outcomes
      const now = Date.now();
      const base = {
        tenant: "acme",
        asset: "grpc-pump",
        sensor: "outlet_temp",
        unit: "Cel",
        value: { case: "scalar" as const, value: 50 },
      };
      const batch = [
        create(SensorReadingSchema, { ...base, eventTime: timestampFromMs(now), idempotencyKey: "a" }),
        create(SensorReadingSchema, { ...base, eventTime: timestampFromMs(now + 1), idempotencyKey: "a" }),
        create(SensorReadingSchema, {
          ...base,
          eventTime: timestampFromMs(now + 2),
          idempotencyKey: "b",
          value: { case: "scalar", value: Number.NaN },
        }),
        create(SensorReadingSchema, {
          ...base,
          eventTime: timestampFromMs(now + 3),
          idempotencyKey: "c",
          unit: "parsec",
        }),
        create(SensorReadingSchema, {
          ...base,
          eventTime: timestampFromMs(now + 4),
          idempotencyKey: "d",
          unit: "[degF]",
        }),
      ];
      const response = await new Promise<PublishResponse>((resolve, reject) =>
        c.publish({ readings: batch }, (error, r) => (error ? reject(error) : resolve(r))),
      );
      expect(response.results.map((r) => [r.index, r.accepted, r.reason])).toEqual([
        [0, true, DeadLetterReason.UNSPECIFIED],
        [1, false, DeadLetterReason.DUPLICATE],
        [2, false, DeadLetterReason.NON_FINITE],
        [3, false, DeadLetterReason.UNIT_UNKNOWN],
        [4, true, DeadLetterReason.UNSPECIFIED],
      ]);
      expect([response.acceptedCount, response.rejectedCount]).toEqual([2, 3]);
      expect(response.results[3]!.reasonDetail).toContain("parsec");

      // PublishStream: a client that writes everything at once, never waiting for the server
      const readings = decodableReadings(20_000, 5);
      const perBatch = 250;
      let refusedWrites = 0;
      const streamed = await new Promise<PublishStreamResponse>((resolve, reject) => {
        const call = s.publishStream((error, r) => (error ? reject(error) : resolve(r)));
        for (let i = 0; i < readings.length; i += perBatch) {
          if (!call.write({ readings: readings.slice(i, i + perBatch) })) refusedWrites++;
        }
        call.end();
      });
      expect(Number(streamed.acceptedCount + streamed.rejectedCount)).toBe(readings.length);
      expect(streamed.rejections.length).toBe(Math.min(1000, Number(streamed.rejectedCount)));
      // the server's bounded in-flight window pushed back on the client (HTTP/2 flow control)
      expect(refusedWrites).toBeGreaterThan(0);

      // every reading of both calls is on the output topics exactly once, with its gRPC origin
      const total = batch.length + readings.length;
      const outputs = await readOutputs(kafka, ids, total, 120_000);
      expect(outputs.length).toBe(total);
      const valid = outputs.filter((o) => o.kind === "valid").length;
      expect(valid).toBe(response.acceptedCount + Number(streamed.acceptedCount));
      // each response names its call; every output carries that call id, the caller's principal and its index
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      expect(response.callId).toMatch(uuid);
      expect(streamed.callId).toMatch(uuid);
      expect(streamed.callId).not.toBe(response.callId);
      const origins = new Set<string>();
      const perCall = new Map<string, number>();
      for (const o of outputs) {
        const origin = o.message.source?.origin;
        expect(origin?.case).toBe("grpc");
        if (origin?.case === "grpc") {
          expect(origin.value.peer).toMatch(/127\.0\.0\.1/);
          expect(origin.value.principal).toBe("ingest-test-admin");
          origins.add(`${origin.value.callId}#${origin.value.index}`);
          perCall.set(origin.value.callId, (perCall.get(origin.value.callId) ?? 0) + 1);
        }
      }
      // (call id, index) names exactly one reading
      expect(origins.size).toBe(total);
      expect(Object.fromEntries(perCall)).toEqual({
        [response.callId]: batch.length,
        [streamed.callId]: readings.length,
      });
      console.log(
        `gRPC: Publish ${batch.length} readings, PublishStream ${readings.length} readings in ` +
          `${Math.ceil(readings.length / perBatch)} messages (${refusedWrites} writes pushed back); ` +
          `${valid} valid + ${total - valid} dead-lettered on the topics`,
      );
    } finally {
      c.close();
      s.close();
      await stopService(service);
    }
  }, 240_000);

  test("a Publish batch above the limit is refused as INVALID_ARGUMENT and publishes nothing", async () => {
    const kafka = testKafka();
    const ids = await freshTopics(kafka);
    const service = await startService(ids, { INGEST_MAX_BATCH_READINGS: "10" });
    const c = client(service.grpcPort);
    try {
      await service.running;
      const readings = decodableReadings(40, 3).slice(0, 11);
      const error = await new Promise<ServiceError>((resolve, reject) =>
        c.publish({ readings }, (e) => (e ? resolve(e) : reject(new Error("expected an error")))),
      );
      expect(error.code).toBe(3); // INVALID_ARGUMENT
      expect((await readOutputs(kafka, ids, 1, 3000, 0)).length).toBe(0);
    } finally {
      c.close();
      await stopService(service);
    }
  }, 120_000);
});
