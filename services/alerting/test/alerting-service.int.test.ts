import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { credentials, Metadata, makeGenericClientConstructor, type ServiceError } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  type AcknowledgeResponseSchema,
  type Alert,
  AlertSchema,
  AlertService,
  AlertState,
  DriftEventSchema,
  EstimateStatus,
  type ListAlertsResponseSchema,
  MatchOperator,
  type SilenceResponseSchema,
  StateEstimateSchema,
} from "@twinstate/proto";
import { createServiceDefinition } from "@twinstate/runtime";
import { type Consumer, Kafka, logLevel, Partitioners, type Producer } from "kafkajs";
import { AlertEngine } from "../src/engine/alert-engine.ts";
import { toAlertMessage } from "../src/engine/to-alert-message.ts";
import { AlertmanagerClient } from "../src/routes/alertmanager-client.ts";
import { idempotencyKeyHeader, signatureHeader, verifySignature } from "../src/routes/hmac-signature.ts";
import type { WebhookNotification } from "../src/routes/webhook-client.ts";
import { parseAlertRules } from "../src/rules/load-alert-rules.ts";
import { driftEvent, estimate } from "./alert-fixtures.ts";
import { type AlertmanagerFixture, eventually, freePort, startAlertmanager } from "./alertmanager-fixture.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.ts";

const root = resolve(import.meta.dirname, "../../..");
/** The bearer token of the e2e operator (an admin of every tenant in the service's token file). */
const operatorToken = "e2e-operator-token";
const brokers = (process.env.KAFKA_BROKERS ?? "").split(",").filter((b) => b !== "");

type Shape<T extends Parameters<typeof fromBinary>[0]> = MessageShape<T>;
interface AlertClient {
  listAlerts(
    r: unknown,
    m: Metadata,
    cb: (e: ServiceError | null, v: Shape<typeof ListAlertsResponseSchema>) => void,
  ): void;
  acknowledge(
    r: unknown,
    m: Metadata,
    cb: (e: ServiceError | null, v: Shape<typeof AcknowledgeResponseSchema>) => void,
  ): void;
  silence(r: unknown, m: Metadata, cb: (e: ServiceError | null, v: Shape<typeof SilenceResponseSchema>) => void): void;
  close(): void;
}

function call<T>(fn: (m: Metadata, cb: (e: ServiceError | null, v: T) => void) => void): Promise<T> {
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${operatorToken}`);
  return new Promise((res, rej) => fn(metadata, (e, v) => (e === null ? res(v) : rej(e))));
}

/** One running alerting service process. */
interface ServiceProcess {
  readonly child: ChildProcess;
  readonly logs: string[];
  readonly exited: Promise<number | null>;
  readonly grpcPort: number;
}

const rulesYaml = `
rules:
  - id: drift
    kind: drift
    alertname: E2ESensorDrift
    severity: critical
    resolveAfter: 1h
    annotations: { summary: "{{ detector }} on {{ asset }}/{{ sensor }}" }
  - id: hot
    kind: threshold
    alertname: E2EHot
    severity: warning
    variable: bearing_temp
    above: 80
    annotations: { summary: "{{ asset }} at {{ value }}" }
  - id: quarantine
    kind: quarantine
    alertname: E2EQuarantined
    severity: critical
    annotations: { description: "{{ reason }}" }
`;

/** What identifies one transition: alert, state and its times. */
function transitionKey(a: Alert): string {
  return [a.fingerprint, a.state, a.startsAt?.seconds, a.startsAt?.nanos, a.endsAt?.seconds, a.endsAt?.nanos].join(":");
}

describe("alerting service end to end (real broker, real Alertmanager, real webhook receiver)", () => {
  const id = `alerting-e2e-${randomUUID().slice(0, 8)}`;
  const topics = { drift: `${id}.drift`, estimates: `${id}.estimates`, alerts: `${id}.alerts`, state: `${id}.state` };
  const kafka = new Kafka({ clientId: id, brokers, logLevel: logLevel.NOTHING });
  const dir = mkdtempSync(join(tmpdir(), "alerting-e2e-"));
  const secret = "e2e-secret";
  const seen: Alert[] = [];
  let am: AlertmanagerFixture;
  let hook: WebhookReceiver;
  let producer: Producer;
  let reader: Consumer;

  beforeAll(async () => {
    am = await startAlertmanager();
    hook = await startWebhookReceiver(() => 200);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: topics.drift, numPartitions: 3 },
        { topic: topics.estimates, numPartitions: 3 },
        { topic: topics.alerts, numPartitions: 3 },
        { topic: topics.state, numPartitions: 3, configEntries: [{ name: "cleanup.policy", value: "compact" }] },
      ],
    });
    await admin.disconnect();
    producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    reader = kafka.consumer({ groupId: `${id}-reader`, readUncommitted: false });
    await reader.connect();
    await reader.subscribe({ topic: topics.alerts, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void seen.push(fromBinary(AlertSchema, message.value!)) });
    writeFileSync(join(dir, "rules.yaml"), rulesYaml);
    const digest = createHash("sha256").update(operatorToken).digest("hex");
    writeFileSync(
      join(dir, "tokens.yaml"),
      `tokens:\n  - { name: test-operator, sha256: ${digest}, tenants: ["*"], roles: [admin] }\n`,
    );
  });

  afterAll(async () => {
    await reader?.disconnect();
    await producer?.disconnect();
    await hook?.close();
    await am?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startService(instance: string, maxMessagesPerTransaction = 500): Promise<ServiceProcess> {
    const grpcPort = await freePort();
    const httpPort = await freePort();
    const config = join(dir, `${instance}.yaml`);
    writeFileSync(
      config,
      JSON.stringify({
        kafka: { brokers },
        http: { port: httpPort },
        grpc: { port: grpcPort, auth: { mode: "tokens", tokensFile: join(dir, "tokens.yaml") } },
        alerting: {
          topics,
          ruleFiles: [join(dir, "rules.yaml")],
          groupId: `${id}-group`,
          routesGroupId: `${id}-routes`,
          transactionalIdPrefix: id,
          instanceId: instance,
          maxMessagesPerTransaction,
          sessionTimeoutMs: 6000,
          heartbeatIntervalMs: 500,
          alertmanager: { url: am.url, resendIntervalMs: 5000 },
          webhooks: [{ name: "e2e", url: hook.url, secret }],
          backoff: { initialMs: 50, maxMs: 500 },
        },
      }),
    );
    const child = spawn(process.execPath, [join(root, "services/alerting/src/main.ts")], {
      env: { ...process.env, TWINSTATE_CONFIG: config, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const logs: string[] = [];
    child.stdout?.on("data", (d: Buffer) => logs.push(d.toString()));
    child.stderr?.on("data", (d: Buffer) => logs.push(d.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`service exited: ${logs.join("")}`);
        const res = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
        return res.status === 200 ? true : undefined;
      },
      60_000,
      "the alerting service to be ready",
    );
    return { child, logs, exited, grpcPort };
  }

  async function produce(topic: string, records: { key: string; value: Uint8Array }[]): Promise<void> {
    await producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({ key: r.key, value: Buffer.from(r.value) })),
    });
  }

  const named = (alertname: string, state: AlertState) =>
    seen.filter((a) => a.labels.alertname === alertname && a.state === state);

  test("drift events and estimates become alerts on the topic, at Alertmanager, at the webhook and in gRPC; state survives a restart", async () => {
    const tenant = `acme-${randomUUID().slice(0, 6)}`;
    const now = Date.now();
    let service = await startService("w1");
    const client = new (makeGenericClientConstructor(createServiceDefinition(AlertService), "AlertService"))(
      `127.0.0.1:${service.grpcPort}`,
      credentials.createInsecure(),
    ) as unknown as AlertClient;
    try {
      await produce(topics.drift, [
        {
          key: `${tenant}/pump-1`,
          value: toBinary(DriftEventSchema, driftEvent(now - 30_000, { tenant, asset: "pump-1" })),
        },
      ]);
      const est = (t: number, asset: string, x: number, status = EstimateStatus.OK) => ({
        key: `${tenant}/${asset}`,
        value: toBinary(
          StateEstimateSchema,
          estimate(t, [x, 0], { tenant, asset, status, reason: status === EstimateStatus.OK ? "" : "NON_FINITE: P" }),
        ),
      });
      await produce(topics.estimates, [
        est(now - 20_000, "pump-1", 90),
        est(now - 10_000, "pump-1", 70),
        est(now - 15_000, "pump-2", 50, EstimateStatus.QUARANTINED),
      ]);

      // The committed alerts topic (read_committed): four transitions, each exactly once.
      await eventually(async () => (seen.length >= 4 ? true : undefined), 60_000, "four alert transitions");
      expect(named("E2ESensorDrift", AlertState.FIRING)).toHaveLength(1);
      expect(named("E2EHot", AlertState.FIRING)).toHaveLength(1);
      expect(named("E2EHot", AlertState.RESOLVED)).toHaveLength(1);
      const quarantined = named("E2EQuarantined", AlertState.FIRING);
      expect(quarantined).toHaveLength(1);
      expect(quarantined[0]!.annotations.description).toBe("NON_FINITE: P");
      expect(quarantined[0]!.tenant).toBe(tenant);

      // Alertmanager: the two firing alerts are active, the resolved one is not there.
      const amClient = new AlertmanagerClient({ url: am.url });
      const active = await eventually(
        async () => {
          const got = await amClient.getAlerts([`tenant="${tenant}"`]);
          return got.length === 2 ? got : undefined;
        },
        30_000,
        "two active alerts at Alertmanager",
      );
      expect(active.map((a) => a.labels.alertname).sort()).toEqual(["E2EQuarantined", "E2ESensorDrift"]);

      // Webhook: every transition arrived, signed, with idempotency keys.
      const transitions = await eventually(
        async () => {
          const ids = hook.requests.flatMap((r) =>
            (JSON.parse(r.body) as WebhookNotification).alerts.map((a) => a.transitionId),
          );
          return new Set(ids).size >= 4 ? ids : undefined;
        },
        30_000,
        "four transitions at the webhook",
      );
      expect(new Set(transitions).size).toBe(4);
      for (const r of hook.requests) {
        expect(verifySignature(r.body, secret, r.headers[signatureHeader] as string)).toBe(true);
        expect(r.headers[idempotencyKeyHeader]).toMatch(/^[0-9a-f]{32}$/);
      }

      // gRPC: list, acknowledge, silence.
      const listed = await call<Shape<typeof ListAlertsResponseSchema>>((m, cb) =>
        client.listAlerts({ tenant }, m, cb),
      );
      expect(listed.alerts.map((a) => a.labels.alertname).sort()).toEqual([
        "E2EHot",
        "E2EQuarantined",
        "E2ESensorDrift",
      ]);
      const firingOnly = await call<Shape<typeof ListAlertsResponseSchema>>((m, cb) =>
        client.listAlerts({ tenant, state: AlertState.FIRING, pageSize: 1 }, m, cb),
      );
      expect(firingOnly.alerts).toHaveLength(1);
      expect(firingOnly.nextPageToken).not.toBe("");
      const acked = await call<Shape<typeof AcknowledgeResponseSchema>>((m, cb) =>
        client.acknowledge({ tenant, fingerprint: quarantined[0]!.fingerprint, comment: "looking" }, m, cb),
      );
      expect(acked.alert?.acknowledgement?.acknowledgedBy).toBe("test-operator");
      const silence = await call<Shape<typeof SilenceResponseSchema>>((m, cb) =>
        client.silence(
          {
            tenant,
            matchers: [{ name: "alertname", value: "E2ESensorDrift", operator: MatchOperator.EQUAL }],
            endsAt: timestampFromMs(Date.now() + 3_600_000),
            comment: "known",
          },
          m,
          cb,
        ),
      );
      expect(silence.silence?.id).not.toBe("");
      const unsilenced = await call<Shape<typeof ListAlertsResponseSchema>>((m, cb) =>
        client.listAlerts({ tenant, state: AlertState.FIRING }, m, cb),
      );
      expect(unsilenced.alerts.map((a) => a.labels.alertname)).toEqual(["E2EQuarantined"]);
      await expect(
        call((m, cb) =>
          client.acknowledge({ tenant: "someone-else", fingerprint: quarantined[0]!.fingerprint }, m, cb),
        ),
      ).rejects.toMatchObject({ code: 5 });
      // Without a bearer token the service answers UNAUTHENTICATED (16).
      await expect(
        new Promise((res, rej) =>
          client.listAlerts({ tenant }, new Metadata(), (e, v) => (e === null ? res(v) : rej(e))),
        ),
      ).rejects.toMatchObject({ code: 16 });
      // Invalid requests are INVALID_ARGUMENT (3) naming the field.
      await expect(call((m, cb) => client.listAlerts({ tenant: "" }, m, cb))).rejects.toMatchObject({
        code: 3,
        details: expect.stringContaining("tenant"),
      });
      await expect(call((m, cb) => client.listAlerts({ tenant, pageSize: 5000 }, m, cb))).rejects.toMatchObject({
        code: 3,
        details: expect.stringContaining("page_size"),
      });
      await expect(
        call((m, cb) =>
          client.listAlerts(
            { tenant, matchers: [{ name: "asset", value: "(", operator: MatchOperator.REGEX }] },
            m,
            cb,
          ),
        ),
      ).rejects.toMatchObject({ code: 3 });
      await expect(
        call((m, cb) =>
          client.silence({ tenant, matchers: [{ name: "asset", value: "x", operator: MatchOperator.EQUAL }] }, m, cb),
        ),
      ).rejects.toMatchObject({ code: 3, details: expect.stringContaining("ends_at") });

      // Restart: the state comes back from the changelog, so the twin's recovery resolves the quarantine alert
      // once (no second firing), and the acknowledgement and silence survive.
      client.close();
      service.child.kill("SIGTERM");
      const code = await service.exited;
      if (code !== 0) throw new Error(`service exited with ${code}:\n${service.logs.join("")}`);
      service = await startService("w2");
      await produce(topics.estimates, [est(now - 5_000, "pump-2", 50)]);
      await eventually(
        async () => (named("E2EQuarantined", AlertState.RESOLVED).length === 1 ? true : undefined),
        60_000,
        "the quarantine to resolve after the restart",
      );
      expect(named("E2EQuarantined", AlertState.FIRING)).toHaveLength(1);
      const resolved = named("E2EQuarantined", AlertState.RESOLVED)[0]!;
      expect(resolved.acknowledged).toBe(true);
      expect(resolved.fingerprint).toBe(quarantined[0]!.fingerprint);
      const client2 = new (makeGenericClientConstructor(createServiceDefinition(AlertService), "AlertService"))(
        `127.0.0.1:${service.grpcPort}`,
        credentials.createInsecure(),
      ) as unknown as AlertClient;
      const after = await call<Shape<typeof ListAlertsResponseSchema>>((m, cb) =>
        client2.listAlerts({ tenant, state: AlertState.FIRING, includeSilenced: true }, m, cb),
      );
      expect(after.alerts.map((a) => [a.labels.alertname, a.silenced])).toEqual([["E2ESensorDrift", true]]);
      client2.close();
      await eventually(
        async () => {
          const got = await amClient.getAlerts([`tenant="${tenant}"`]);
          return got.length === 1 ? got : undefined;
        },
        30_000,
        "only the drift alert left at Alertmanager",
      );
    } finally {
      service.child.kill("SIGTERM");
      await service.exited;
    }
  });

  test("exactly once across kill -9: the committed transitions equal a pure engine run over the same estimates", async () => {
    const tenant = `crash-${randomUUID().slice(0, 6)}`;
    const t0 = Date.now() - 3_600_000;
    const assets = ["a1", "a2", "a3", "a4", "a5", "a6"];
    const inputs = assets.flatMap((asset, k) =>
      Array.from({ length: 200 }, (_, i) =>
        estimate(t0 + i * 1000 + k, [Math.floor(i / 5) % 2 === 0 ? 85 : 70, 0], { tenant, asset }),
      ),
    );
    // The reference: the pure engine over the same inputs (per asset the order is the topic's order).
    const reference = new AlertEngine({ rules: parseAlertRules(rulesYaml, "test") });
    const expected = inputs
      .flatMap((e) => reference.onEstimate("estimates:0", e))
      .map((t) => transitionKey(toAlertMessage(t.alert)))
      .sort();
    expect(expected.length).toBe(6 * 40);
    const mine = () => seen.filter((a) => a.tenant === tenant);

    let service = await startService("crash-1", 10);
    try {
      await produce(
        topics.estimates,
        inputs.map((e) => ({ key: `${tenant}/${e.asset}`, value: toBinary(StateEstimateSchema, e) })),
      );
      await eventually(async () => (mine().length >= 40 ? true : undefined), 60_000, "first transitions");
      service.child.kill("SIGKILL");
      await service.exited;
      expect(mine().length).toBeLessThan(expected.length); // the crash really was mid-stream
      service = await startService("crash-2", 10);
      await eventually(async () => (mine().length >= expected.length ? true : undefined), 90_000, "all transitions");
      await new Promise((r) => setTimeout(r, 2000)); // nothing more may arrive
      expect(mine().map(transitionKey).sort()).toEqual(expected);
    } finally {
      service.child.kill("SIGTERM");
      await service.exited;
    }
  });
});
