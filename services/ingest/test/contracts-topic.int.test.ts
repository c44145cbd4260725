import { readFileSync } from "node:fs";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { credentials, makeGenericClientConstructor, type ServiceError } from "@grpc/grpc-js";
import { describe, expect, test } from "@jest/globals";
import {
  ContractFormat,
  DataContractSchema,
  DeadLetterReason,
  IngestService,
  type PublishResponse,
  SensorReadingSchema,
} from "@twinstate/proto";
import { createServiceDefinition } from "@twinstate/runtime";
import { contractEnvelope } from "../src/contracts/index.ts";
import { UnitRegistry } from "../src/units/index.ts";
import {
  bearerInterceptor,
  CONTRACTS_DIR,
  freshTopics,
  readOutputs,
  startService,
  stopService,
  testKafka,
} from "./ingest-harness.ts";

interface Publisher {
  publish(request: unknown, callback: (error: ServiceError | null, response: PublishResponse) => void): void;
  close(): void;
}

describe("contracts replaced at run time through the compacted contracts topic", () => {
  test("a higher version applies without restart, an invalid record is ignored, outputs name the version", async () => {
    const kafka = testKafka();
    const ids = await freshTopics(kafka);
    const service = await startService(ids);
    const Client = makeGenericClientConstructor(createServiceDefinition(IngestService), "IngestService");
    const client = new Client(`127.0.0.1:${service.grpcPort}`, credentials.createInsecure(), {
      interceptors: [bearerInterceptor()],
    }) as unknown as Publisher;
    const producer = kafka.producer();
    const units = new UnitRegistry();
    let sent = 0;
    const publishHot = async (): Promise<PublishResponse> => {
      const reading = create(SensorReadingSchema, {
        tenant: "acme",
        asset: "hot-pump",
        sensor: "outlet_temp",
        eventTime: timestampFromMs(Date.now() - 1000 + sent),
        value: { case: "scalar", value: 250 }, // 523.15 K: above v1's max of 473.15 K
        unit: "Cel",
        idempotencyKey: `hot-${sent++}`,
      });
      return new Promise((resolve, reject) =>
        client.publish({ readings: [reading] }, (e, r) => (e ? reject(e) : resolve(r))),
      );
    };
    const publishContract = async (text: string) => {
      const { key, value } = contractEnvelope(text, "yaml", "test", units);
      await producer.send({ topic: ids.contracts, messages: [{ key, value: Buffer.from(value) }] });
    };
    try {
      await producer.connect();
      await service.running;
      const v1 = await publishHot();
      expect(v1.results[0]!.reason).toBe(DeadLetterReason.OUT_OF_RANGE);

      const original = readFileSync(join(CONTRACTS_DIR, "acme-pump-sensors.yaml"), "utf8");
      const v2 = original.replace("version: 1", "version: 2").replace("max: 473.15", "max: 600");
      expect(v2).not.toBe(original);
      await publishContract(v2);
      let accepted: PublishResponse | undefined;
      for (let i = 0; i < 100 && accepted === undefined; i++) {
        const r = await publishHot();
        if (r.results[0]!.accepted) accepted = r;
        else await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(accepted).toBeDefined();

      // version 3 with an unknown unit (contractEnvelope would refuse it, so the envelope is built by hand) is
      // refused by the service; version 2 stays in force
      const broken = v2.replace("version: 2", "version: 3").replace("unit: K", "unit: kelvins");
      expect(broken).not.toBe(v2);
      const envelope = create(DataContractSchema, {
        id: "acme/pump-sensors",
        version: 3,
        format: ContractFormat.YAML,
        document: broken,
        tenant: "acme",
      });
      await producer.send({
        topic: ids.contracts,
        messages: [{ key: "contract/acme/pump-sensors", value: Buffer.from(toBinary(DataContractSchema, envelope)) }],
      });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const after = await publishHot();
      expect(after.results[0]!.accepted).toBe(true);

      const outputs = await readOutputs(kafka, ids, sent, 30_000);
      expect(outputs.length).toBe(sent);
      // every rejection was by version 1 (range 473.15 K), every acceptance by version 2 (range 600 K)
      for (const o of outputs) expect(o.message.contractVersion).toBe(o.kind === "valid" ? 2 : 1);
      expect(outputs.filter((o) => o.kind === "valid").length).toBeGreaterThanOrEqual(2);
      expect(service.logs.some((l) => l.includes("invalid contract record ignored"))).toBe(true);
    } finally {
      await producer.disconnect();
      client.close();
      await stopService(service);
    }
  }, 120_000);
});
