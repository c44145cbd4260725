import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { credentials, Metadata, makeGenericClientConstructor, type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { AlertService, MatchOperator } from "@twinstate/proto";
import {
  createKafka,
  createLogger,
  createServiceDefinition,
  GrpcServer,
  grpcConfigSchema,
  grpcSecurityFromConfig,
  KafkaProducer,
} from "@twinstate/runtime";
import { Kafka, logLevel } from "kafkajs";
import { AlertEngine } from "../src/engine/alert-engine.ts";
import { parseAlertRules } from "../src/rules/load-alert-rules.ts";
import { createAlertGrpcService } from "../src/service/alert-grpc-service.ts";
import { StateTopicWriter } from "../src/service/state-topic-writer.ts";
import { driftEvent } from "./alert-fixtures.ts";

// Invariant 5 on the AlertService: a real GrpcServer authenticating bearer tokens from a hashed token file, the
// real engine holding two tenants' alerts, and the real state-topic writer on the test broker.

const brokers = (process.env.KAFKA_BROKERS ?? "").split(",").filter((b) => b !== "");
const rules = parseAlertRules(
  `rules:
  - { id: drift, kind: drift, alertname: SensorDrift, severity: critical, resolveAfter: 1h }
`,
  "isolation",
);
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const tokens = { a: "token-of-tenant-a", b: "token-of-tenant-b" } as const;
const sha = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

interface Client {
  listAlerts(
    r: unknown,
    m: Metadata,
    cb: (e: ServiceError | null, v: { alerts: { fingerprint: string; labels: Record<string, string> }[] }) => void,
  ): void;
  acknowledge(
    r: unknown,
    m: Metadata,
    cb: (e: ServiceError | null, v: { alert?: { acknowledgement?: { acknowledgedBy: string } } }) => void,
  ): void;
  silence(r: unknown, m: Metadata, cb: (e: ServiceError | null, v: { silence?: { createdBy: string } }) => void): void;
  close(): void;
}
function as<T>(token: string, fn: (m: Metadata, cb: (e: ServiceError | null, v: T) => void) => void): Promise<T> {
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${token}`);
  return new Promise((resolve, reject) => fn(metadata, (e, v) => (e === null ? resolve(v) : reject(e))));
}

describe("AlertService tenant isolation", () => {
  const dir = mkdtempSync(join(tmpdir(), "alert-isolation-"));
  const topic = `alert-isolation-${Date.now()}.state`;
  const logger = createLogger({ service: "alerting-isolation-test", level: "silent" });
  const engine = new AlertEngine({ rules, groupBy: ["tenant", "alertname"], resolvedRetentionMs: 3_600_000 });
  let producer: KafkaProducer;
  let server: GrpcServer;
  let client: Client;
  let fpA: string;
  let fpB: string;

  beforeAll(async () => {
    const admin = new Kafka({ clientId: "isolation-setup", brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    producer = KafkaProducer.fromConfig({
      kafka: createKafka({
        config: {
          brokers,
          tls: { enabled: false, rejectUnauthorized: true },
          connectionTimeoutMs: 3000,
          requestTimeoutMs: 30000,
        },
        defaultClientId: "isolation",
        logger,
      }),
      logger,
    });
    await producer.start();
    fpA = engine.onDriftEvent("drift:0", driftEvent(T0, { tenant: "tenant-a", asset: "pump-1" }))[0]!.alert.fingerprint;
    fpB = engine.onDriftEvent("drift:0", driftEvent(T0, { tenant: "tenant-b", asset: "pump-1" }))[0]!.alert.fingerprint;
    writeFileSync(
      join(dir, "tokens.yaml"),
      `tokens:
  - { name: operator-a, sha256: ${sha(tokens.a)}, tenants: [tenant-a], roles: [write] }
  - { name: operator-b, sha256: ${sha(tokens.b)}, tenants: [tenant-b], roles: [write] }
`,
    );
    const grpc = grpcConfigSchema.parse({ auth: { mode: "tokens", tokensFile: join(dir, "tokens.yaml") } });
    server = new GrpcServer({ host: "127.0.0.1", port: 0, ...grpcSecurityFromConfig(grpc, logger) });
    server.addService(
      AlertService,
      createAlertGrpcService({ engine, store: new StateTopicWriter(producer, topic), now: () => T0 + 1000 }),
    );
    const port = await server.start();
    server.setReady(true);
    client = new (makeGenericClientConstructor(createServiceDefinition(AlertService), "AlertService"))(
      `127.0.0.1:${port}`,
      credentials.createInsecure(),
    ) as unknown as Client;
  });

  afterAll(async () => {
    client?.close();
    await server?.shutdown(1000);
    await producer?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  test("isolation: no query or write crosses tenants", async () => {
    // List: tenant A's token sees A's alert, and cannot list B's.
    const listedA = await as<{ alerts: { fingerprint: string; labels: Record<string, string> }[] }>(tokens.a, (m, cb) =>
      client.listAlerts({ tenant: "tenant-a", includeSilenced: true }, m, cb),
    );
    expect(listedA.alerts.map((a) => a.fingerprint)).toEqual([fpA]);
    await expect(as(tokens.a, (m, cb) => client.listAlerts({ tenant: "tenant-b" }, m, cb))).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
    });

    // Acknowledge: B's alert can be reached neither by naming B's tenant nor by naming A's tenant with B's fingerprint.
    await expect(
      as(tokens.a, (m, cb) => client.acknowledge({ tenant: "tenant-b", fingerprint: fpB, comment: "x" }, m, cb)),
    ).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    await expect(
      as(tokens.a, (m, cb) => client.acknowledge({ tenant: "tenant-a", fingerprint: fpB, comment: "x" }, m, cb)),
    ).rejects.toMatchObject({ code: status.NOT_FOUND });
    expect(engine.get(fpB)!.acknowledgement).toBeNull();

    // Silence: tenant A cannot silence tenant B's alerts.
    const silence = (tenant: string) => ({
      tenant,
      matchers: [{ name: "alertname", value: "SensorDrift", operator: MatchOperator.EQUAL }],
      endsAt: timestampFromMs(T0 + 3_600_000),
    });
    await expect(as(tokens.a, (m, cb) => client.silence(silence("tenant-b"), m, cb))).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
    });
    expect(engine.silences("tenant-b")).toEqual([]);

    // Within its own tenant the same token acknowledges and silences (the checks deny only the crossing).
    const acked = await as<{ alert?: { acknowledgement?: { acknowledgedBy: string } } }>(tokens.a, (m, cb) =>
      client.acknowledge({ tenant: "tenant-a", fingerprint: fpA, comment: "mine" }, m, cb),
    );
    expect(acked.alert?.acknowledgement?.acknowledgedBy).toBe("operator-a");
    const silenced = await as<{ silence?: { createdBy: string } }>(tokens.a, (m, cb) =>
      client.silence(silence("tenant-a"), m, cb),
    );
    expect(silenced.silence?.createdBy).toBe("operator-a");

    // Tenant B still sees its alert unacknowledged and unsilenced; A's silence did not reach it.
    const listedB = await as<{ alerts: { fingerprint: string; labels: Record<string, string> }[] }>(tokens.b, (m, cb) =>
      client.listAlerts({ tenant: "tenant-b" }, m, cb),
    );
    expect(listedB.alerts.map((a) => [a.fingerprint, a.labels.tenant])).toEqual([[fpB, "tenant-b"]]);
    expect(engine.get(fpB)!.acknowledgement).toBeNull();
    expect(engine.silencedBy(engine.get(fpB)!, T0 + 2000)).toEqual([]);

    // No token, or an unknown one: UNAUTHENTICATED.
    await expect(
      new Promise((resolve, reject) =>
        client.listAlerts({ tenant: "tenant-a" }, new Metadata(), (e, v) => (e === null ? resolve(v) : reject(e))),
      ),
    ).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    await expect(as("guess", (m, cb) => client.listAlerts({ tenant: "tenant-a" }, m, cb))).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
  });
});
