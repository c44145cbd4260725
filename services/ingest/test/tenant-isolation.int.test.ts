import { create, type MessageShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { credentials, Metadata, makeGenericClientConstructor, type ServiceError, status } from "@grpc/grpc-js";
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

// Invariant 5 on the IngestService: the real service process (tokens mode, hashed token file) on the real broker.
// The "acme" writer token must not write a reading of tenant "volta", alone or hidden in a batch of its own
// readings, by Publish or by PublishStream; a read-only token must not write at all.

type PublishResponse = MessageShape<typeof PublishResponseSchema>;
type PublishStreamResponse = MessageShape<typeof PublishStreamResponseSchema>;

interface IngestClient {
  publish(request: unknown, metadata: Metadata, callback: (e: ServiceError | null, r: PublishResponse) => void): void;
  publishStream(
    metadata: Metadata,
    callback: (e: ServiceError | null, r: PublishStreamResponse) => void,
  ): { write(message: unknown): boolean; end(): void };
  close(): void;
}

function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${token}`);
  return metadata;
}

function publish(c: IngestClient, token: string, readings: SensorReading[]): Promise<PublishResponse> {
  return new Promise((resolve, reject) =>
    c.publish({ readings }, bearer(token), (e, r) => (e === null ? resolve(r) : reject(e))),
  );
}

const now = Date.now();
let seq = 0;
/** A reading the deploy/contracts contracts accept: acme's pump outlet temperature or volta's cell voltage. */
function reading(tenant: "acme" | "volta" | ""): SensorReading {
  seq++;
  const common = { eventTime: timestampFromMs(now + seq), idempotencyKey: `iso-${seq}` };
  return tenant === "volta"
    ? create(SensorReadingSchema, {
        ...common,
        tenant,
        asset: "pack-1",
        sensor: "cell_voltage",
        unit: "V",
        value: { case: "scalar", value: 3.7 },
      })
    : create(SensorReadingSchema, {
        ...common,
        tenant,
        asset: "pump-1",
        sensor: "outlet_temp",
        unit: "Cel",
        value: { case: "scalar", value: 50 },
      });
}

describe("IngestService tenant isolation", () => {
  test("isolation: no query or write crosses tenants", async () => {
    const kafka = testKafka();
    const ids = await freshTopics(kafka);
    const service = await startService(ids);
    const c = new (makeGenericClientConstructor(createServiceDefinition(IngestService), "IngestService"))(
      `127.0.0.1:${service.grpcPort}`,
      credentials.createInsecure(),
    ) as unknown as IngestClient;
    try {
      await service.running;

      // Publish: a foreign reading alone, or hidden among the caller's own, refuses the whole batch.
      await expect(publish(c, TEST_TOKENS.acmeWriter, [reading("volta")])).rejects.toMatchObject({
        code: status.PERMISSION_DENIED,
      });
      await expect(
        publish(c, TEST_TOKENS.acmeWriter, [reading("acme"), reading("volta"), reading("acme")]),
      ).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
      // The read role does not write, even to its own tenant.
      await expect(publish(c, TEST_TOKENS.acmeReader, [reading("acme")])).rejects.toMatchObject({
        code: status.PERMISSION_DENIED,
      });
      // No token: UNAUTHENTICATED.
      await expect(
        new Promise((resolve, reject) =>
          c.publish({ readings: [reading("acme")] }, new Metadata(), (e, r) => (e === null ? resolve(r) : reject(e))),
        ),
      ).rejects.toMatchObject({ code: status.UNAUTHENTICATED });

      // Within its tenant the writer publishes; an empty tenant stays a validation rejection (a dead letter).
      const own = await publish(c, TEST_TOKENS.acmeWriter, [reading("acme"), reading("")]);
      expect(own.results.map((r) => [r.accepted, r.reason])).toEqual([
        [true, DeadLetterReason.UNSPECIFIED],
        [false, DeadLetterReason.MISSING_FIELD],
      ]);

      // PublishStream: the first message is the caller's own; the second hides a foreign reading and fails the call.
      const streamError = await new Promise<ServiceError>((resolve, reject) => {
        const call = c.publishStream(bearer(TEST_TOKENS.acmeWriter), (e) =>
          e === null ? reject(new Error("PublishStream with a foreign tenant's reading succeeded")) : resolve(e),
        );
        call.write({ readings: [reading("acme")] });
        call.write({ readings: [reading("acme"), reading("volta")] });
        call.write({ readings: [reading("volta")] });
        call.end();
      });
      expect(streamError.code).toBe(status.PERMISSION_DENIED);

      // On the topics: the own Publish (1 valid + 1 dead letter) and the stream's first message (1 valid); no
      // reading of tenant volta and nothing of any refused batch (the reader settles to catch extra records).
      const outputs = await readOutputs(kafka, ids, 3, 60_000);
      expect(outputs.map((o) => o.kind).sort()).toEqual(["dlq", "valid", "valid"]);
      for (const o of outputs) expect(o.key.startsWith("volta/")).toBe(false);
      const valid = outputs.flatMap((o) => (o.kind === "valid" ? [o.message.reading?.tenant] : []));
      expect(valid).toEqual(["acme", "acme"]);

      // The admin of every tenant (the checks deny only the crossing) writes volta's reading.
      const admin = await publish(c, TEST_TOKENS.admin, [reading("volta")]);
      expect(admin.results.map((r) => r.accepted)).toEqual([true]);
    } finally {
      c.close();
      await stopService(service);
    }
  }, 120_000);
});
